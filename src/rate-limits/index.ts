/** What other modules may use of rate-limits (docs/architecture.md, "Module surfaces"). */
export { clientAddress, requesterOf } from './client-address.js';
export type { Requester } from './client-address.js';
export { RateLimitsModule } from './rate-limits.module.js';
export { RateLimitsService } from './rate-limits.service.js';
export type { Charge } from './rate-limits.service.js';
