// What other modules may use of notifications (docs/architecture.md, "Modules"). Nothing in notifications imports
// this file: it is the way in from outside only.

export { NotificationsModule } from './notifications.module.js';

// Into the outbox.
export { NotificationsService, payloadContext, type Enqueued, type FirstAttempt, type NotifyCommand } from './notifications.service.js';
export type { Recipient } from './outbox/recipient.js';
export type { ServiceTypeRule } from './outbox/message.entity.js';
export { MessagingActionType } from './templates/messaging-action-type.js';
// Decision D32: the BCP 47 tags messages are rendered in (a privacy request's `locale`).
export { canonicalLocale } from './templates/locale-chain.js';
export type {
  ErasureFulfillmentAction,
  ErasureFulfillmentCollection,
  MessageErasureBatchFulfillmentParams,
  MessageErasureFulfillmentParams,
  MessageParams,
  PrivacyRequestCompleteAccessParams,
  PrivacyRequestErrorNotificationParams,
  PrivacyRequestReceiptParams,
  PrivacyRequestReviewDenyParams,
  SubjectIdentityVerificationParams,
} from './templates/message-templates.js';

// What became of messages: their outcomes, and durable hooks on the final ones.
export { MessageOutcomes, type MessageOutcome } from './outbox/message-outcomes.js';
export { MessageDeliveryWorker, type FinalOutcome, type FinalOutcomeHook } from './outbox/message-delivery.worker.js';
// Delivery events (decisions D26, D27): durable hooks on the adverse ones (a bounced erasure email).
export { DeliveryEventRecorder, type DeliveryEventHook, type RecordedDeliveryEvent } from './events/delivery-event-recorder.js';

// Retention (issue 20): the outbox's batches of the purge, and the erasure of a finished request's recipients.
export { MessageRetention } from './outbox/message-retention.js';

// The message log, and its GraphQL object for other modules' fields (e.g. a privacy request's messages).
export { MessagesService, type MessageFilter } from './outbox/messages.service.js';
export { MessageObject } from './messages.dto.js';
export { toMessageObject } from './outbox/message.mapper.js';

// The notification switches (decision D16).
export { NotificationSettingsService, type NotificationSettings } from './settings/notification-settings.service.js';

// The suppression list (decision D28); the suppressed-recipient hashing for `npm run rotate-keys`.
export { SuppressionsService, type SuppressCommand } from './suppressions/suppressions.service.js';
export { suppressionContext, suppressionHash, type SealedRecipient } from './suppressions/suppressed-recipient.js';

// The providers' circuit breakers (decision D29), for /health.
export { ProviderCircuits } from './outbox/provider-circuits.js';

// For the GraphQL schema's resolver list (src/graphql/resolvers.ts).
export { MessagesResolver } from './messages.resolver.js';
export { DeliveryEventsSetupResolver } from './events/delivery-events-setup.resolver.js';
export { NotificationSettingsResolver } from './settings/notification-settings.resolver.js';
export { SuppressionsResolver } from './suppressions/suppressions.resolver.js';
export { MessagingTemplatesResolver } from './templates/messaging-templates.resolver.js';
