import type { Static } from '../../common/openapi.js';
import type { MessageObject } from '../messages.dto.js';
import type { MESSAGE_LOG_ENTRY, MESSAGE_WITH_ATTEMPTS } from '../notifications.openapi.js';
import type { MessageEventEntity } from '../events/message-event.entity.js';
import type { MessageAttemptEntity, MessageEntity } from './message.entity.js';

// The message log on the wire: REST (the schemas in notifications.openapi.ts are the one source of the shapes) and
// GraphQL. The recipient is masked; the parameters (they may hold a code) are never shown.

export type MessageResponse = Static<typeof MESSAGE_LOG_ENTRY>;
export type AttemptResponse = Static<typeof MESSAGE_WITH_ATTEMPTS>['attempt_log'][number];
export type EventResponse = Static<typeof MESSAGE_WITH_ATTEMPTS>['events'][number];

export const toMessageResponse = (m: MessageEntity): MessageResponse => ({
  id: m.id,
  action_type: m.actionType,
  service_type: m.serviceType,
  channel: m.channel,
  status: m.status,
  delivery_status: m.deliveryStatus,
  recipient: m.recipientHint,
  privacy_request_id: m.privacyRequestId,
  attempts: m.attempts,
  provider_message_id: m.providerMessageId,
  failure_reason: m.failureReason,
  requested_locale: m.requestedLocale,
  locale: m.locale,
  created_at: m.createdAt.toISOString(),
  updated_at: m.updatedAt.toISOString(),
  sent_at: m.sentAt?.toISOString() ?? null,
});

export const toAttemptResponse = (a: MessageAttemptEntity): AttemptResponse => ({
  number: a.number,
  outcome: a.outcome,
  status_code: a.statusCode,
  reason: a.reason,
  service_type: a.serviceType,
  started_at: a.startedAt.toISOString(),
  finished_at: a.finishedAt.toISOString(),
});

export const toEventResponse = (e: MessageEventEntity): EventResponse => ({
  type: e.type,
  service_type: e.serviceType,
  occurred_at: e.occurredAt.toISOString(),
  received_at: e.receivedAt.toISOString(),
  reason: e.reason,
});

/** A message as GraphQL shows it; `attempts` and `events` only where they are asked for (`message(id)`). */
export function toMessageObject(m: MessageEntity, attempts?: MessageAttemptEntity[], events?: MessageEventEntity[]): MessageObject {
  return {
    id: m.id,
    actionType: m.actionType,
    serviceType: m.serviceType,
    channel: m.channel,
    status: m.status,
    deliveryStatus: m.deliveryStatus,
    recipient: m.recipientHint,
    privacyRequestId: m.privacyRequestId,
    attempts: m.attempts,
    providerMessageId: m.providerMessageId,
    failureReason: m.failureReason,
    requestedLocale: m.requestedLocale,
    locale: m.locale,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    sentAt: m.sentAt,
    attemptLog: attempts?.map((a) => ({ ...a })),
    events: events?.map((e) => ({ type: e.type, serviceType: e.serviceType, occurredAt: e.occurredAt, receivedAt: e.receivedAt, reason: e.reason })),
  };
}
