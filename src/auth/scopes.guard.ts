import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HeraldError } from '../common/errors/herald.error.js';
import { NOT_KNOWN } from './not-known.js';
import { OauthClientsService, type Caller } from './oauth-clients.service.js';
import { PUBLIC_KEY, SCOPES_KEY, requestOf, type AuthenticatedRequest } from './scopes.decorator.js';

const FAILED_TO_AUTHENTICATE = 'Failed to authenticate';
const NOT_AUTHORIZED = 'Not Authorized for this action';

/** What a handler declares: `@Public`, the scopes of `@Scopes`, or neither (refused). */
type Requirement = { public: true } | { public: false; scopes: string[] | undefined };

/**
 * One guard for REST and GraphQL (decision D11, RFC 6750): no, malformed, expired, foreign or revoked token → 401;
 * a valid token without a required scope → 403. A handler that declares neither `@Scopes` nor `@Public` is refused.
 * Every request is checked; when the token and its client's scopes are cached the check is synchronous, so that Nest
 * awaits no promise for it (issue 20).
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  /** Requirements by handler, then class (decorator metadata never changes once the app runs). */
  private readonly requirements = new WeakMap<object, WeakMap<object, Requirement>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly clients: OauthClientsService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const requirement = this.requirementOf(context);
    if (requirement.public) return true;
    const required = requirement.scopes;
    if (required === undefined) throw new HeraldError('forbidden', NOT_AUTHORIZED);

    const request = requestOf(context);
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new HeraldError('unauthenticated', FAILED_TO_AUTHENTICATE);
    const known = this.clients.authenticateKnown(match[1]);
    if (known !== NOT_KNOWN) return authorize(request, known, required);
    return this.clients.authenticate(match[1]).then((caller) => authorize(request, caller, required));
  }

  private requirementOf(context: ExecutionContext): Requirement {
    const handler = context.getHandler();
    const type = context.getClass();
    let byClass = this.requirements.get(handler);
    let requirement = byClass?.get(type);
    if (requirement === undefined) {
      const targets = [handler, type];
      requirement = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)
        ? { public: true }
        : { public: false, scopes: this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, targets) };
      if (!byClass) this.requirements.set(handler, (byClass = new WeakMap()));
      byClass.set(type, requirement);
    }
    return requirement;
  }
}

function authorize(request: AuthenticatedRequest, caller: Caller | undefined, required: string[]): true {
  if (!caller) throw new HeraldError('unauthenticated', FAILED_TO_AUTHENTICATE);
  request.caller = caller;
  if (!required.every((scope) => caller.scopes.includes(scope))) throw new HeraldError('forbidden', NOT_AUTHORIZED);
  return true;
}
