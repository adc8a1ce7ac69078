// What other modules may use of privacy-requests (docs/architecture.md, "Modules"): it is the top of the feature
// chain, so only what the app, the GraphQL schema and the key rotation need. Nothing in privacy-requests imports this
// file: it is the way in from outside only.

export { PrivacyRequestsModule } from './privacy-requests.module.js';

// For the GraphQL schema's resolver list (src/graphql/resolvers.ts).
export { PoliciesResolver } from './policies/policies.resolver.js';
export { PrivacyRequestsResolver } from './requests/privacy-requests.resolver.js';
export { ErrorAlertsResolver } from './error-alerts/error-alerts.resolver.js';
export { EmailBatchResolver } from './email-batch/email-batch.resolver.js';

// For `npm run rotate-keys` (src/crypto-rotation/): the envelopes this module seals.
export { accessPackageContext } from './execution/access-packages.js';
export { IdentityVault, identityContext, type Identity } from './requests/identity-vault.js';
