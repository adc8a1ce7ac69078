// What the delivery event suites (D26-D28) send and read back, one way for every provider: a message sent through a
// service type, its row, its REST view, and the counts of every table an event may change (a refused call changes none).
import { randomUUID } from 'node:crypto';
import { NotificationsService } from '../../src/notifications/notifications.service.js';
import type { ServiceTypeRule } from '../../src/notifications/outbox/message.entity.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { waitFor } from './privacy-request-world.js';
import type { TestApp } from './test-app.js';

export interface MessageRow {
  status: string;
  delivery_status: string;
  provider_message_id: string | null;
  failure_reason: string | null;
  recipient_hint: string | null;
}

export function deliveryEventWorld(t: () => TestApp, root: () => Record<string, string>) {
  let seq = 0;
  const row = async (id: string): Promise<MessageRow> =>
    (await t().db.query('SELECT status, delivery_status, provider_message_id, failure_reason, recipient_hint FROM message WHERE id = $1', [id])).rows[0];
  /** One message through `serviceType` to `recipient`; its id once sent (or failed, when `settled` is `ended`). */
  const send = async (
    serviceType: ServiceTypeRule,
    recipient: { email: string } | { phone_number: string },
    {
      actionType = MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE,
      settled = 'ended',
    }: { actionType?: MessagingActionType; settled?: 'sent' | 'ended' } = {},
  ): Promise<string> => {
    const { messageId } = await t()
      .app.get(NotificationsService)
      .notify({ actionType, recipient, idempotencyKey: `events-${++seq}-${randomUUID()}`, serviceType });
    const done = settled === 'sent' ? ['sent'] : ['sent', 'failed'];
    await waitFor(`the message to be ${done.join(' or ')}`, async () => done.includes((await row(messageId)).status));
    return messageId;
  };
  return {
    /** A number new to this suite, for recipients of their own. */
    unique: () => ++seq,
    row,
    /** `GET /api/v1/messaging/messages/{id}`'s body. */
    message: async (id: string) => (await t().http().get(`/api/v1/messaging/messages/${id}`).set(root()).expect(200)).body,
    tables: async (): Promise<{ events: number; replays: number; statuses: number; suppressions: number }> =>
      (
        await t().db.query(`SELECT (SELECT count(*) FROM message_event)::int AS events, (SELECT count(*) FROM webhook_replay)::int AS replays,
          (SELECT count(*) FROM message WHERE delivery_status <> 'unknown')::int AS statuses, (SELECT count(*) FROM suppression)::int AS suppressions`)
      ).rows[0],
    send,
    /** One email through `serviceType` to `to` (by default a recipient of its own); its id once sent or failed. */
    sendEmail: (serviceType: ServiceTypeRule, to = `subject.${++seq}@example.org`) => send(serviceType, { email: to }),
  };
}
