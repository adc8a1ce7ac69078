import type { MessageAttemptEntity, MessageEntity } from './message.entity.js';

/** A message as the REST log shows it: the recipient masked, never the parameters (they may hold a code). */
export const toMessageResponse = (m: MessageEntity) => ({
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

export const toAttemptResponse = (a: MessageAttemptEntity) => ({
  number: a.number,
  outcome: a.outcome,
  status_code: a.statusCode,
  reason: a.reason,
  started_at: a.startedAt.toISOString(),
  finished_at: a.finishedAt.toISOString(),
});
