import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@sendgrid/client';
import { MailService, type MailDataRequired } from '@sendgrid/mail';
import { MessagingServiceType } from '../../../common/messaging-service-type.js';
import { SETTINGS, type Settings } from '../../../config/index.js';
import { configurationError, nonEmptyText } from '../delivery-error.mapper.js';
import type { DeliveryReceipt, MessagingProvider, OutgoingMessage, ProviderContext } from '../messaging-provider.js';
import { SENDGRID as PROVIDER, toSendGridDeliveryError } from './twilio-email.errors.js';

interface SendGridTarget {
  apiKey: string;
  from: string;
}

function target(context: ProviderContext): SendGridTarget {
  const details = (context.details ?? {}) as unknown as Partial<Record<string, unknown>>;
  const secrets = (context.secrets ?? {}) as unknown as Partial<Record<string, unknown>>;
  const from = nonEmptyText(details.twilio_email_from);
  if (!from) throw configurationError(PROVIDER, 'the config has no twilio_email_from in its details');
  const apiKey = nonEmptyText(secrets.twilio_api_key);
  if (!apiKey) throw configurationError(PROVIDER, 'the config has no twilio_api_key secret');
  return { apiKey, from };
}

/** Twilio email, which is SendGrid's v3 mail send (`POST /v3/mail/send`), via @sendgrid/mail. */
@Injectable()
export class TwilioEmailProvider implements MessagingProvider {
  readonly serviceType = MessagingServiceType.TWILIO_EMAIL;
  readonly channel = 'email' as const;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  async send(message: OutgoingMessage, context: ProviderContext): Promise<DeliveryReceipt> {
    if (message.channel !== 'email') throw configurationError(PROVIDER, `cannot send ${message.channel} messages`);
    const { apiKey, from } = target(context);
    const secrets = Object.values(context.secrets ?? {});
    // SendGrid refuses an empty content value, and wants text/plain before text/html.
    const content = [
      { type: 'text/plain', value: message.text },
      { type: 'text/html', value: message.html },
    ].filter((part) => part.value !== '');
    const [first, ...rest] = content;
    if (first === undefined) throw configurationError(PROVIDER, 'the message has neither html nor text');
    try {
      // Never @sendgrid/mail's global singleton: a client and a mail service per call, from this config's key.
      const client = new Client();
      client.setApiKey(apiKey); // also resets the base URL to SendGrid's: the override must come after it
      const { sendgridApiUrl, timeoutMs } = this.settings.providers;
      if (sendgridApiUrl) client.setDefaultRequest('baseUrl', `${sendgridApiUrl}/`);
      const mail = new MailService();
      mail.setClient(client);
      mail.setTimeout(context.timeoutMs ?? timeoutMs); // the client's default request timeout (axios has none by default)
      const data: MailDataRequired = {
        from,
        to: message.to.trim(),
        subject: message.subject,
        content: [first, ...rest],
        headers: { 'X-Idempotency-Key': message.idempotencyKey },
        customArgs: { herald_message_id: message.messageId },
      };
      const [response] = await mail.send(data);
      const headers = response.headers as Record<string, unknown> | undefined;
      const id = headers?.['x-message-id'];
      return { providerMessageId: typeof id === 'string' && id !== '' ? id : null };
    } catch (error) {
      throw toSendGridDeliveryError(error, { recipient: message.to, secrets });
    }
  }
}
