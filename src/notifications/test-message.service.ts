import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { badRequest, invalid, notFound } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import { MessagingConfigService } from '../messaging-config/index.js';
import { NotificationsService, type FirstAttempt } from './notifications.service.js';
import { MessagingActionType } from './templates/messaging-action-type.js';

/** One test message: through the config of `serviceType`, to the address its channel needs. */
export interface TestMessageCommand {
  serviceType: MessagingServiceType;
  email?: string;
  /** E.164; the recipient of a TWILIO_TEXT test. */
  phoneNumber?: string;
}

/** Decision D15: one real message through a config, to check it works. */
@Injectable()
export class TestMessageService {
  constructor(
    private readonly configs: MessagingConfigService,
    private readonly notifications: NotificationsService,
  ) {}

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
