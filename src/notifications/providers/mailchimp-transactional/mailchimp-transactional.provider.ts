import { Inject, Injectable } from '@nestjs/common';
import { MessagingServiceType } from '../../../common/messaging-service-type.js';
import { SETTINGS, type Settings } from '../../../config/index.js';
import { asRecord, configurationError, nonEmptyText } from '../delivery-error.mapper.js';
import type { DeliveryReceipt, MessagingProvider, OutgoingMessage, ProviderContext } from '../messaging-provider.js';
import { MAILCHIMP_TRANSACTIONAL as PROVIDER, rejectionError, toMailchimpTransactionalDeliveryError } from './mailchimp-transactional.errors.js';
import { lazySdk } from '../lazy-sdk.js';

const mailchimpSdk = lazySdk(async () => (await import('@mailchimp/mailchimp_transactional')).default);

/** The SDK's API version path, under Mandrill's host or `MAILCHIMP_TRANSACTIONAL_API_URL`. */
const API_PATH = '/api/1.3';

/** Fides' words when either is missing (`No Mailchimp Transactional config details or secrets supplied.`). */
const NOT_CONFIGURED = 'No Mailchimp Transactional config details or secrets supplied.';

function target(context: ProviderContext): { apiKey: string; from: string } {
  const details = (context.details ?? {}) as unknown as Partial<Record<string, unknown>>;
  const secrets = (context.secrets ?? {}) as unknown as Partial<Record<string, unknown>>;
  const from = nonEmptyText(details.email_from);
  const apiKey = nonEmptyText(secrets.mailchimp_transactional_api_key);
  if (!from || !apiKey) throw configurationError(PROVIDER, NOT_CONFIGURED);
  return { apiKey, from };
}

/** Mailchimp Transactional (Mandrill): `POST /messages/send` through @mailchimp/mailchimp_transactional. */
@Injectable()
export class MailchimpTransactionalProvider implements MessagingProvider {
  readonly serviceType = MessagingServiceType.MAILCHIMP_TRANSACTIONAL;
  readonly channel = 'email' as const;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  async send(message: OutgoingMessage, context: ProviderContext): Promise<DeliveryReceipt> {
    if (message.channel !== 'email') throw configurationError(PROVIDER, `cannot send ${message.channel} messages`);
    const { apiKey, from } = target(context);
    const redaction = { recipient: message.to, secrets: Object.values(context.secrets ?? {}) };
    const client = (await mailchimpSdk())(apiKey);
    const { mailchimpTransactionalApiUrl, timeoutMs } = this.settings.providers;
    // A client per call. Not setDefaultTimeoutMs: it sets the SDK's one axios instance, shared by every client;
    // the client's own request config is passed to each call and wins over those defaults.
    const internals = client as unknown as { basePath: string; requestConfig: Record<string, unknown> };
    if (mailchimpTransactionalApiUrl) internals.basePath = `${mailchimpTransactionalApiUrl}${API_PATH}`;
    internals.requestConfig.timeout = context.timeoutMs ?? timeoutMs;
    let result: unknown;
    try {
      result = await client.messages.send({
        message: {
          from_email: from,
          subject: message.subject,
          html: message.html,
          text: message.text,
          to: [{ email: message.to.trim(), type: 'to' }],
          headers: { 'X-Idempotency-Key': message.idempotencyKey },
          // Comes back in each webhook event's `msg.metadata`, so every event finds its message (D26). (The SDK's
          // types ask for a `website` key, copied from Mandrill's example; Mandrill takes any keys.)
          metadata: { herald_message_id: message.messageId } as unknown as { website: string },
        },
      });
    } catch (error) {
      throw toMailchimpTransactionalDeliveryError(error, redaction);
    }
    // The SDK returns (does not throw) the AxiosError of a failed call.
    if (!Array.isArray(result)) throw toMailchimpTransactionalDeliveryError(result, redaction);
    const first = asRecord(result[0]);
    // As Fides: the first recipient's status decides; a missing status counts as a rejection.
    const status = nonEmptyText(first?.status) ?? 'rejected';
    if (status === 'rejected') throw rejectionError(first?.reject_reason, from);
    return { providerMessageId: nonEmptyText(first?._id) ?? null };
  }
}
