import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { badRequest, invalid, notFound } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import { MessagingConfigService } from '../messaging-config/messaging-config.service.js';
import { NotificationsService, type FirstAttempt } from './notifications.service.js';
import { MessagingActionType } from './templates/messaging-action-type.js';

/** Decision D15: one real message through a config, to check it works. */
@Injectable()
export class TestMessageService {
  constructor(
    private readonly configs: MessagingConfigService,
    private readonly notifications: NotificationsService,
  ) {}

  async send(serviceType: MessagingServiceType, to: { email?: string; phone_number?: string }, loc: (string | number)[]): Promise<FirstAttempt> {
    const sms = serviceType === MessagingServiceType.TWILIO_TEXT;
    if (sms && !to.phone_number) throw invalid([...loc, 'phone_number'], 'a phone number is required to test a TWILIO_TEXT config', 'value_error.missing');
    if (!sms && !to.email) throw invalid([...loc, 'email'], `an email address is required to test a ${serviceType} config`, 'value_error.missing');
    const config = await this.configs.findByServiceType(serviceType);
    if (!config) throw notFound(`No messaging config found for service_type ${serviceType}.`);
    if (!(await this.configs.hasSecrets(config))) throw badRequest(`Messaging secrets not found for config with key: ${config.key}`);
    return this.notifications.sendNow({
      actionType: MessagingActionType.TEST_MESSAGE,
      recipient: sms ? { phone_number: to.phone_number } : { email: to.email },
      idempotencyKey: `test:${randomUUID()}`,
      serviceType,
    });
  }
}
