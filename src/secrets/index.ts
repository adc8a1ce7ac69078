/** What other modules may use of secrets (docs/architecture.md, "Module surfaces"). */
export { snsTopicArns, validateMessagingSecrets } from './messaging-secrets.schemas.js';
export { validateMessagingSecretsAsIssues } from './messaging-secrets.issues.js';
export type { MessagingSecrets } from './messaging-secrets.schemas.js';
export { SecretsModule } from './secrets.module.js';
export { SecretsService, secretContext } from './secrets.service.js';
