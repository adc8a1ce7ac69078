import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { PinoLogger, type Params } from 'nestjs-pino';
import { pino, type DestinationStream, type LevelWithSilent } from 'pino';
import { nodeHttp } from './http/node-http.js';

const { IncomingMessage, ServerResponse } = nodeHttp;

/**
 * Header paths pino replaces with `[redacted]` (fixed paths: wildcard redaction costs a third of throughput). SNS names
 * the topic, which Herald keeps as an AWS_SES secret (`aws_sns_topic_arn`), in headers of its own.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-amz-sns-topic-arn"]',
  'req.headers["x-amz-sns-subscription-arn"]',
  'res.headers["set-cookie"]',
];

/**
 * Keys whose values never reach a log line, at any depth of a logged object: credentials, tokens, anything under a
 * `secrets` key, and the identities of data subjects. Code should not log these at all; this is the second fence.
 */
export const SENSITIVE_KEYS = new Set([
  'authorization',
  'cookie',
  'client_secret',
  'access_token',
  'token',
  'password',
  'secrets',
  'identity',
  'email',
  'phone_number',
]);

const MAX_DEPTH = 6;

/** A copy of a log object with sensitive keys censored; only walks objects that are actually logged. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || value instanceof Date) return value;
  // Errors, requests and responses go to their serializers whole; the redaction paths cover their headers.
  if (value instanceof Error || value instanceof IncomingMessage || value instanceof ServerResponse) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SENSITIVE_KEYS.has(key.toLowerCase()) ? '[redacted]' : scrub(v, depth + 1);
  return out;
}

function withoutQueryParameters<T extends object>(serialized: T): T {
  const { parameters: _, ...rest } = serialized as T & { parameters?: unknown; driverError?: object };
  const driverError = (rest as { driverError?: object }).driverError;
  return (driverError ? { ...rest, driverError: withoutQueryParameters(driverError) } : rest) as T;
}

/**
 * A URL as logged: the path, and the query's parameter names with their values censored. Values carry download-link
 * tokens, identities searched for, and whatever a client put there; the names are enough to follow a request.
 */
export function loggedUrl(url: string | undefined): string | undefined {
  const at = url?.indexOf('?') ?? -1;
  if (url === undefined || at < 0) return url;
  const names = url
    .slice(at + 1)
    .split('&')
    .filter((part) => part !== '')
    .map((part) => `${part.split('=')[0]}=[redacted]`);
  return `${url.slice(0, at)}?${names.join('&')}`;
}

/**
 * `destination` defaults to stdout; tests pass a stream to read what was logged. The request line is written by
 * `logRequests` from Fastify hooks, so nestjs-pino mounts no middleware (`forRoutes: []`): its pino-http middleware
 * made two child loggers and serialised the request on every request, logged or not, behind Express-style middleware.
 */
export function loggerOptions(settings: { logLevel: LevelWithSilent }, destination?: DestinationStream): Params {
  const options: NonNullable<Exclude<Params['pinoHttp'], unknown[]>> = {
    level: settings.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { log: (object) => scrub(object) as Record<string, unknown> },
    // A failed query carries its parameters (identities, sealed payloads): the statement is logged, its values not.
    serializers: {
      err: (error: unknown) => withoutQueryParameters(pino.stdSerializers.err(error as Error)),
      // pino-http wraps this: it gets the standard serialisation of the request, whose `query` repeats the values.
      req: (req: { url?: string; query?: unknown }) => {
        req.url = loggedUrl(req.url);
        delete req.query;
        return req;
      },
    },
  };
  return { pinoHttp: destination ? [options, destination] : options, forRoutes: [] };
}

/**
 * One line per request when it ends (`request completed`, or `request errored` for a 5xx): its id, the request
 * (headers redacted, query values censored), the status and the time taken. Health probes are not logged. Logs made
 * while the request is handled carry its `reqId`: the context is entered in `preValidation`, after the body is read,
 * because the body's stream events would lose a context entered earlier.
 */
export function logRequests(fastify: FastifyInstance, logger: PinoLogger): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    logger.runInContext(done, { bindings: { reqId: request.id } });
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const root = PinoLogger.root;
    const failed = reply.statusCode >= 500;
    if (root.isLevelEnabled(failed ? 'error' : 'info') && !request.url.startsWith('/health')) {
      const raw = request.raw as typeof request.raw & { id?: string };
      raw.id = request.id; // the request serializer reads the id from the raw request
      const line = { reqId: request.id, req: raw, res: reply.raw, responseTime: Math.round(reply.elapsedTime) };
      if (failed) root.error(line, 'request errored');
      else root.info(line, 'request completed');
    }
    done();
  });
}

/** Nest's own start-up narration: every module loaded, every route mapped. Useful when debugging, noise otherwise. */
const FRAMEWORK_NARRATION = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

export function isFrameworkNarration(message: unknown, context: unknown): boolean {
  if (typeof context !== 'string') return false;
  return FRAMEWORK_NARRATION.has(context) || (context === 'GraphQLModule' && typeof message === 'string' && message.startsWith('Mapped {'));
}

/**
 * The app's logger (`app.useLogger`): nestjs-pino's, except that Nest's start-up narration ("Mapped {...} route",
 * "... dependencies initialized", "Starting Nest application...") is logged at debug instead of info. The start-up
 * then ends with one banner (main.ts) rather than a hundred lines.
 */
export class FrameworkQuietingLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    if (isFrameworkNarration(message, optionalParams.at(-1))) this.inner.debug?.(message, ...optionalParams);
    else this.inner.log(message, ...optionalParams);
  }
  error(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.error(message, ...optionalParams);
  }
  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.warn(message, ...optionalParams);
  }
  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.debug?.(message, ...optionalParams);
  }
  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.verbose?.(message, ...optionalParams);
  }
  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.fatal?.(message, ...optionalParams);
  }
}
