import type { Static } from '../../common/openapi.js';
import type { MessageObject } from '../messages.dto.js';
import type { MESSAGE_LOG_ENTRY, MESSAGE_WITH_ATTEMPTS } from '../notifications.openapi.js';
import type { MessageAttemptEntity, MessageEntity } from './message.entity.js';

// The message log on the wire: REST (the schemas in notifications.openapi.ts are the one source of the shapes) and
// GraphQL. The recipient is masked; the parameters (they may hold a code) are never shown.

export type MessageResponse = Static<typeof MESSAGE_LOG_ENTRY>;
export type AttemptResponse = Static<typeof MESSAGE_WITH_ATTEMPTS>['attempt_log'][number];

export const toMessageResponse = (m: MessageEntity): MessageResponse => ({
  id: m.id,
  action_type: m.actionType,
  service_type: m.serviceType,
  channel: m.channel,
  status: m.status,
  recipient: m.recipientHint,
  privacy_request_id: m.privacyRequestId,
  attempts: m.attempts,
  provider_message_id: m.providerMessageId,
  failure_reason: m.failureReason,
  created_at: m.createdAt.toISOString(),
  updated_at: m.updatedAt.toISOString(),
  sent_at: m.sentAt?.toISOString() ?? null,
});

export const toAttemptResponse = (a: MessageAttemptEntity): AttemptResponse => ({
  number: a.number,
  outcome: a.outcome,
  status_code: a.statusCode,
  reason: a.reason,
  started_at: a.startedAt.toISOString(),
  finished_at: a.finishedAt.toISOString(),
});

/** A message as GraphQL shows it; `attempts` only where the attempt log is asked for (`message(id)`). */
export function toMessageObject(m: MessageEntity, attempts?: MessageAttemptEntity[]): MessageObject {
  return {
    id: m.id,
    actionType: m.actionType,
    serviceType: m.serviceType,
    channel: m.channel,
    status: m.status,
    recipient: m.recipientHint,
    privacyRequestId: m.privacyRequestId,
    attempts: m.attempts,
    providerMessageId: m.providerMessageId,
    failureReason: m.failureReason,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    sentAt: m.sentAt,
    attemptLog: attempts?.map((a) => ({ ...a })),
  };
}
