import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HeraldError } from '../common/errors/herald.error.js';
import { OauthClientsService } from './oauth-clients.service.js';
import { PUBLIC_KEY, SCOPES_KEY, requestOf } from './scopes.decorator.js';

const FAILED_TO_AUTHENTICATE = 'Failed to authenticate';
const NOT_AUTHORIZED = 'Not Authorized for this action';

/**
 * One guard for REST and GraphQL (decision D11, RFC 6750): no, malformed, expired, foreign or revoked token → 401;
 * a valid token without a required scope → 403. A handler that declares neither `@Scopes` nor `@Public` is refused.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly clients: OauthClientsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const required = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, targets);
    if (required === undefined) throw new HeraldError('forbidden', NOT_AUTHORIZED);

    const request = requestOf(context);
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new HeraldError('unauthenticated', FAILED_TO_AUTHENTICATE);
    const caller = await this.clients.authenticate(match[1]);
    if (!caller) throw new HeraldError('unauthenticated', FAILED_TO_AUTHENTICATE);
    request.caller = caller;
    if (!required.every((scope) => caller.scopes.includes(scope))) throw new HeraldError('forbidden', NOT_AUTHORIZED);
    return true;
  }
}
