import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ApiForbiddenResponse, ApiOAuth2, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Caller } from './oauth-clients.service.js';
import type { Scope } from './scope-registry.js';

export const SCOPES_KEY = 'herald:scopes';
export const PUBLIC_KEY = 'herald:public';

/**
 * The route (REST) or operation (GraphQL) needs a valid bearer token carrying every scope listed; with none listed,
 * any valid token. Documents itself in OpenAPI.
 */
export const Scopes = (...scopes: Scope[]) =>
  applyDecorators(
    SetMetadata(SCOPES_KEY, scopes),
    ApiOAuth2(scopes, 'oauth2'),
    ApiUnauthorizedResponse({ description: 'Missing, malformed or expired token: `{"detail": "..."}`' }),
    ApiForbiddenResponse({ description: `Token without the scope${scopes.length === 1 ? '' : 's'} ${scopes.join(', ') || '(any)'}` }),
  );

/** The route needs no token (the scope guard is global and fails closed otherwise). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

export function requestOf(context: ExecutionContext): AuthenticatedRequest {
  return context.getType<'http' | 'graphql'>() === 'graphql'
    ? GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req
    : context.switchToHttp().getRequest<AuthenticatedRequest>();
}

/** The authenticated caller of this request (set by the scope guard). */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext) => requestOf(context).caller);
