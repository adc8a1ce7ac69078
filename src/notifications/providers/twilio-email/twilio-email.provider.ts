import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@sendgrid/client';
import type { MailDataRequired, MailService } from '@sendgrid/mail';
import { MessagingServiceType } from '../../../common/messaging-service-type.js';
import { SETTINGS, type Settings } from '../../../config/index.js';
import { configurationError, nonEmptyText } from '../delivery-error.mapper.js';
import { lazySdk } from '../lazy-sdk.js';
import type { DeliveryReceipt, MessagingProvider, OutgoingMessage, ProviderContext } from '../messaging-provider.js';
import { SENDGRID as PROVIDER, toSendGridDeliveryError } from './twilio-email.errors.js';

const sendGridSdk = lazySdk(async () => {
  // The packages' types declare only their default export for an import(); the classes are named exports too.
  const [client, mail] = (await Promise.all([import('@sendgrid/client'), import('@sendgrid/mail')])) as unknown as [
    { Client: typeof Client },
    { MailService: typeof MailService },
  ];
  return { Client: client.Client, MailService: mail.MailService };
});

interface SendGridTarget {
  apiKey: string;
  from: string;
  /** Decision D32: look for the account's dynamic template named `fides` first (the `use_provider_template` detail). */
  useProviderTemplate: boolean;
}

/** The dynamic template Fides looks for, by name (any case). */
export const SENDGRID_TEMPLATE_NAME = 'fides';

function target(context: ProviderContext): SendGridTarget {
  const details = (context.details ?? {}) as unknown as Partial<Record<string, unknown>>;
  const secrets = (context.secrets ?? {}) as unknown as Partial<Record<string, unknown>>;
  const from = nonEmptyText(details.twilio_email_from);
  if (!from) throw configurationError(PROVIDER, 'the config has no twilio_email_from in its details');
  const apiKey = nonEmptyText(secrets.twilio_api_key);
  if (!apiKey) throw configurationError(PROVIDER, 'the config has no twilio_api_key secret');
  return { apiKey, from, useProviderTemplate: details.use_provider_template === true };
}

/** Twilio email, which is SendGrid's v3 mail send (`POST /v3/mail/send`), via @sendgrid/mail. */
@Injectable()
export class TwilioEmailProvider implements MessagingProvider {
  readonly serviceType = MessagingServiceType.TWILIO_EMAIL;
  readonly channel = 'email' as const;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  async send(message: OutgoingMessage, context: ProviderContext): Promise<DeliveryReceipt> {
    if (message.channel !== 'email') throw configurationError(PROVIDER, `cannot send ${message.channel} messages`);
    const { apiKey, from, useProviderTemplate } = target(context);
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
      const { Client, MailService } = await sendGridSdk();
      const client = new Client();
      client.setApiKey(apiKey); // also resets the base URL to SendGrid's: the override must come after it
      const { sendgridApiUrl, timeoutMs } = this.settings.providers;
      if (sendgridApiUrl) client.setDefaultRequest('baseUrl', `${sendgridApiUrl}/`);
      const mail = new MailService();
      mail.setClient(client);
      mail.setTimeout(context.timeoutMs ?? timeoutMs); // the client's default request timeout (axios has none by default)
      // Decision D32, as Fides: when the account has a dynamic template named `fides`, it gets the rendered body as
      // `fides_email_body` in place of the content.
      const templateId = useProviderTemplate ? await dynamicTemplateId(client) : undefined;
      // The body is HTML by design (the template shows it with `{{{fides_email_body}}}`): the SDK's console warning
      // about quotes and ampersands in template data is not for it.
      const body = templateId
        ? { templateId, dynamicTemplateData: { fides_email_body: message.html }, hideWarnings: true }
        : { content: [first, ...rest] as MailDataRequired['content'] };
      const data = {
        from,
        to: message.to.trim(),
        subject: message.subject,
        ...body,
        headers: { 'X-Idempotency-Key': message.idempotencyKey },
        customArgs: { herald_message_id: message.messageId },
      } as MailDataRequired;
      const [response] = await mail.send(data);
      const headers = response.headers as Record<string, unknown> | undefined;
      const id = headers?.['x-message-id'];
      return { providerMessageId: typeof id === 'string' && id !== '' ? id : null };
    } catch (error) {
      throw toSendGridDeliveryError(error, { recipient: message.to, secrets });
    }
  }
}

/**
 * The id of the account's dynamic template named `fides` (any case), as Fides finds it: the first 200 dynamic
 * templates (`GET /v3/templates?generations=dynamic&page_size=200`). Undefined when there is none; a failed lookup
 * fails the send (classified as usual).
 */
async function dynamicTemplateId(client: Client): Promise<string | undefined> {
  const response = await client.request({ method: 'GET', url: '/v3/templates', qs: { generations: 'dynamic', page_size: 200 } });
  const body: unknown = response[1];
  const result = (body as { result?: unknown } | null)?.result;
  if (!Array.isArray(result)) return undefined;
  const found = (result as { id?: unknown; name?: unknown }[]).find(
    (t) => typeof t?.name === 'string' && t.name.toLowerCase() === SENDGRID_TEMPLATE_NAME && typeof t.id === 'string',
  );
  return found?.id as string | undefined;
}
