import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { badRequest, invalid, notFound } from '../common/errors/herald.error.js';
import { MESSAGING_CHANNEL, MessagingServiceType } from '../common/messaging-service-type.js';
import { DEFAULT_TEXTS, MessagingConfigService, MessagingDefaultService } from '../messaging-config/index.js';
import { NotificationsService, type FirstAttempt } from './notifications.service.js';
import { MessagingActionType } from './templates/messaging-action-type.js';

/** One test message: through the config of `serviceType`, to the address its channel needs. */
export interface TestMessageCommand {
  serviceType: MessagingServiceType;
  email?: string;
  /** E.164; the recipient of a TWILIO_TEXT test. */
  phoneNumber?: string;
}

/** The outcome of a recorded test (decision D31): whether the first attempt sent, and why not. */
export type RecordedTest = { succeeded: true; reason: null } | { succeeded: false; reason: string };

/** Decision D31: how long `POST /messaging/test/{service_type}` waits for the first attempt. */
export const RECORDED_TEST_WAIT_MS = 15_000;

/** Decision D15: one real message through a config, to check it works. */
@Injectable()
export class TestMessageService {
  constructor(
    private readonly configs: MessagingConfigService,
    private readonly defaults: MessagingDefaultService,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * Fides' later test (decision D31): through the outbox, waiting at most 15 s for the first attempt, and recorded on
   * the config (`last_test_*`), a failure before sending (no secrets, no recipient for the channel) included.
   * No config of the type is a 404 and records nothing.
   */
  async sendRecorded({ serviceType, email, phoneNumber }: TestMessageCommand): Promise<RecordedTest> {
    const config = await this.configs.findByServiceType(serviceType);
    if (!config) throw notFound(DEFAULT_TEXTS.testNotFound(serviceType));
    const sms = MESSAGING_CHANNEL[serviceType] === 'sms';
    let reason: string | null = null;
    if (sms ? !phoneNumber : !email) reason = sms ? 'No phone identity supplied.' : 'No email identity supplied.';
    else if (!(await this.configs.hasSecrets(config))) reason = `Messaging secrets not found for config with key: ${config.key}`;
    else {
      const attempt = await this.notifications.sendNow(
        {
          actionType: MessagingActionType.TEST_MESSAGE,
          recipient: sms ? { phone_number: phoneNumber } : { email },
          idempotencyKey: `test:${randomUUID()}`,
          serviceType,
        },
        RECORDED_TEST_WAIT_MS,
      );
      if (attempt.status !== 'sent') reason = attempt.reason ?? `the first attempt did not finish within ${RECORDED_TEST_WAIT_MS / 1000} seconds`;
    }
    await this.defaults.recordTest(config, reason === null);
    return reason === null ? { succeeded: true, reason } : { succeeded: false, reason };
  }

  /** Sends and waits (bounded) for the first attempt. A missing recipient is a 422 at the command's `email` or `phoneNumber`. */
  send(command: TestMessageCommand): Promise<FirstAttempt> {
    return this.sendTest(command);
  }

  private async sendTest({ serviceType, email, phoneNumber }: TestMessageCommand): Promise<FirstAttempt> {
    const sms = serviceType === MessagingServiceType.TWILIO_TEXT;
    if (sms && !phoneNumber) throw invalid(['phoneNumber'], 'a phone number is required to test a TWILIO_TEXT config', 'value_error.missing');
    if (!sms && !email) throw invalid(['email'], `an email address is required to test a ${serviceType} config`, 'value_error.missing');
    const config = await this.configs.findByServiceType(serviceType);
    if (!config) throw notFound(`No messaging config found for service_type ${serviceType}.`);
    if (!(await this.configs.hasSecrets(config))) throw badRequest(`Messaging secrets not found for config with key: ${config.key}`);
    return this.notifications.sendNow({
      actionType: MessagingActionType.TEST_MESSAGE,
      recipient: sms ? { phone_number: phoneNumber } : { email },
      idempotencyKey: `test:${randomUUID()}`,
      serviceType,
    });
  }
}
