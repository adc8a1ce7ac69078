import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SETTINGS, type Settings } from '../config/index.js';
import { MessagingActionType, NotificationsService, type MessageErasureFulfillmentParams } from '../notifications/index.js';
import type { ConnectionEntity } from './connection.entity.js';
import type { ConnectionSecrets, EmailSecrets, ErasureEmailSecrets, TestStatus } from './connection.types.js';

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

  async test(connection: ConnectionEntity, secrets: ConnectionSecrets | undefined): Promise<TestOutcome> {
    if (connection.connectionType === 'generic_erasure_email') return this.testErasureEmail(connection, secrets as ErasureEmailSecrets | undefined);
    const email = secrets as EmailSecrets | undefined;
    if (!email) return failed('The connection has no secrets yet: set to_email and test_email first.');
    if (!email.test_email) return failed('The connection has no test_email secret: there is nowhere to send the test email.');
    return this.send(connection, email.test_email, MessagingActionType.MESSAGE_ERASURE_FULFILLMENT, SAMPLE_ERASURE as unknown as Record<string, unknown>);
  }

  /**
   * Decision D34, as Fides' test of a `generic_erasure_email` connector: the batch email at once, with a sample
   * identity, to `test_email_address` (its subject says it is a test).
   */
  private async testErasureEmail(connection: ConnectionEntity, secrets: ErasureEmailSecrets | undefined): Promise<TestOutcome> {
    if (!secrets?.test_email_address) return failed(`Cannot test connection. No test email defined for ${connection.key}`);
    const organization = this.settings.organizationName;
    if (!organization) return failed('Cannot send an email to third-party vendor. No organization name found (set HERALD_ORGANIZATION_NAME).');
    const identities = secrets.advanced_settings.identity_types.email ? ['test_user@example.com'] : ['+15555550100'];
    return this.send(connection, secrets.test_email_address, MessagingActionType.MESSAGE_ERASURE_BATCH_FULFILLMENT, {
      organization,
      vendor: secrets.third_party_vendor_name,
      identities,
      test: true,
    });
  }

  private async send(connection: ConnectionEntity, to: string, actionType: MessagingActionType, params: Record<string, unknown>): Promise<TestOutcome> {
    const attempt = await this.notifications.sendNow({
      actionType,
      recipient: { email: to },
      params,
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
