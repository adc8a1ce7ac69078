/** What other modules may use of auth (docs/architecture.md, "Module surfaces"). */
export { AuthInfoResolver } from './auth-info.resolver.js';
export { AuthModule } from './auth.module.js';
export { OauthClientsService } from './oauth-clients.service.js';
export type { Caller } from './oauth-clients.service.js';
export { CurrentCaller, Public, Scopes } from './scopes.decorator.js';
