import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { mapError } from './error-mapping.js';

/**
 * The one place where an error becomes an answer: `{"detail": ...}` with its status over REST, a GraphQLError with
 * `extensions.code` over GraphQL. Unexpected errors are logged with the request id and answered without internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): unknown {
    const mapped = mapError(error);
    const type = host.getType<'http' | 'graphql'>();
    const requestId = type === 'http' ? requestIdOf(host.switchToHttp().getRequest<FastifyRequest>()) : requestIdFromGraphql(host);
    if (!mapped.expected) {
      this.logger.error({ err: error, requestId }, `unhandled error (request ${requestId ?? '-'})`);
    }
    if (type === 'graphql') {
      return new GraphQLError(graphqlMessage(mapped.detail), {
        extensions: {
          code: mapped.code,
          detail: mapped.detail,
          ...(mapped.retryAfter === undefined ? {} : { retryAfter: mapped.retryAfter }),
          ...(mapped.expected ? {} : { requestId }),
        },
      });
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (mapped.status === 401) void reply.header('WWW-Authenticate', 'Bearer');
    if (mapped.retryAfter !== undefined) void reply.header('Retry-After', String(mapped.retryAfter));
    void reply.status(mapped.status).send({ detail: mapped.detail });
    return undefined;
  }
}

export function requestIdOf(request: FastifyRequest | undefined): string | undefined {
  return request?.id;
}

function requestIdFromGraphql(host: ArgumentsHost): string | undefined {
  const context = host.getArgByIndex<{ req?: FastifyRequest } | undefined>(2);
  return requestIdOf(context?.req);
}

function graphqlMessage(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => (typeof d === 'string' ? d : `${(d as { loc: unknown[] }).loc.join('.')}: ${(d as { msg: string }).msg}`)).join('; ');
  }
  return 'Error';
}
