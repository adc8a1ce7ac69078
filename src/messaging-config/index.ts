/** What other modules may use of messaging-config (docs/architecture.md, "Module surfaces"). */
export type { MessagingConfigDetails } from './messaging-config-details.js';
export { MessagingConfigModule } from './messaging-config.module.js';
export { MessagingConfigResolver } from './messaging-config.resolver.js';
export { MessagingConfigService } from './messaging-config.service.js';
// The later Fides routes (decision D31): the active default's routes and the recorded test live in notifications.
export { MessagingDefaultService, type DefaultStatus, type MessagingMethod } from './messaging-default.service.js';
export { DEFAULT_TEXTS } from './messaging-default.texts.js';
export { toDefaultResponse, toDefaultStatusResponse, type MessagingDefaultResponse, type MessagingDefaultStatusResponse } from './messaging-config.mapper.js';
export { MESSAGING_DEFAULT_CONFIG, MESSAGING_DEFAULT_STATUS } from './messaging-config.openapi.js';
export { MessagingConfigObject } from './dto/messaging-config.graphql.js';
export { toMessagingConfigObject } from './messaging-config.graphql-mapper.js';
