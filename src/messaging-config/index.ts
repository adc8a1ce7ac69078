/** What other modules may use of messaging-config (docs/architecture.md, "Module surfaces"). */
export type { MessagingConfigDetails } from './messaging-config-details.js';
export { MessagingConfigModule } from './messaging-config.module.js';
export { MessagingConfigResolver } from './messaging-config.resolver.js';
export { MessagingConfigService } from './messaging-config.service.js';
