import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SETTINGS, type Settings } from '../config/index.js';
import { MessagingActionType, NotificationsService, type MessageErasureFulfillmentParams } from '../notifications/index.js';
import type { ConnectionEntity } from './connection.entity.js';
import type { EmailSecrets, TestStatus } from './connection.types.js';

export interface TestOutcome {
  status: TestStatus;
  /** Why the test failed (decision D10: Fides left this empty). Never holds a secret or an address. */
  reason: string | null;
  /** The test message in the outbox, when one was made. */
  messageId: string | null;
}

/** The sample erasure instructions of Fides' email connector test (docs/compatibility.md#connections-and-datasets). */
export const SAMPLE_ERASURE: MessageErasureFulfillmentParams = {
  dataset_key: 'test_dataset',
  collections: [
    {
      collection: 'test_collection',
      action_needed: [{ locators: { id: ['example_id'] }, get: null, update: { test_field: 'null_rewrite' } }],
    },
  ],
};

/**
 * Tests an email connector as Fides does: one real erasure email with sample instructions to `test_email`, through
 * the email service of decision D9, waiting (bounded) for the first attempt.
 */
@Injectable()
export class ConnectionTester {
  constructor(
    private readonly notifications: NotificationsService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async test(connection: ConnectionEntity, secrets: EmailSecrets | undefined): Promise<TestOutcome> {
    if (!secrets) return failed('The connection has no secrets yet: set to_email and test_email first.');
    if (!secrets.test_email) return failed('The connection has no test_email secret: there is nowhere to send the test email.');
    const attempt = await this.notifications.sendNow({
      actionType: MessagingActionType.MESSAGE_ERASURE_FULFILLMENT,
      recipient: { email: secrets.test_email },
      params: SAMPLE_ERASURE as unknown as Record<string, unknown>,
      idempotencyKey: `connection-test:${connection.id}:${randomUUID()}`,
      serviceType: 'email',
    });
    if (attempt.status === 'sent') return { status: 'succeeded', reason: null, messageId: attempt.messageId };
    if (attempt.timedOut) {
      const seconds = Math.round(this.settings.providers.timeoutMs / 1000) + 5;
      return failed(`The email provider did not answer within ${seconds} seconds; the test email stays queued.`, attempt.messageId);
    }
    const reason = attempt.reason ?? 'The test email could not be sent.';
    return failed(attempt.status === 'queued' ? `${reason} (the outbox will retry it)` : reason, attempt.messageId);
  }
}

const failed = (reason: string, messageId: string | null = null): TestOutcome => ({ status: 'failed', reason, messageId });
