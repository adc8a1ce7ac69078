import { Inject, Injectable } from '@nestjs/common';
import type Mailgun from 'mailgun.js';
import { MessagingServiceType } from '../../../common/messaging-service-type.js';
import { SETTINGS, type Settings } from '../../../config/index.js';
import { configurationError } from '../delivery-error.mapper.js';
import { lazySdk } from '../lazy-sdk.js';
import type { DeliveryReceipt, MessagingProvider, OutgoingMessage, ProviderContext } from '../messaging-provider.js';
import { MAILGUN as PROVIDER, toMailgunDeliveryError } from './mailgun.errors.js';

const mailgunSdk = lazySdk(async () => {
  const [{ default: MailgunClient }, { default: FormData }] = await Promise.all([import('mailgun.js'), import('form-data')]);
  return { MailgunClient, FormData };
});

export const MAILGUN_HOST = 'https://api.mailgun.net';
export const MAILGUN_EU_HOST = 'https://api.eu.mailgun.net';

/** What a Mailgun config must hold to send; checked before calling. */
interface MailgunTarget {
  domain: string;
  apiVersion: string;
  isEuDomain: boolean;
  apiKey: string;
  /** Decision D32: look for the domain's stored template `fides` first (the `use_provider_template` detail). */
  useProviderTemplate: boolean;
}

/** The provider-side template Fides looks for, by name (Mailgun and SendGrid alike). */
export const PROVIDER_TEMPLATE_NAME = 'fides';

/**
 * The base URL mailgun.js is pointed at: `MAILGUN_API_URL` when set (tests, benchmarks, a proxy), else the EU host for
 * an EU domain, else the default host. (mailgun.js has no region flag: the EU region is chosen only by this URL.)
 */
export function mailgunBaseUrl(isEuDomain: boolean, apiUrlOverride: string | undefined): string {
  if (apiUrlOverride) return apiUrlOverride;
  return isEuDomain ? MAILGUN_EU_HOST : MAILGUN_HOST;
}

function target(context: ProviderContext): MailgunTarget {
  const details = (context.details ?? {}) as unknown as Partial<Record<string, unknown>>;
  const secrets = (context.secrets ?? {}) as unknown as Partial<Record<string, unknown>>;
  const domain = typeof details.domain === 'string' ? details.domain.trim() : '';
  // The domain and version become path segments: refuse anything that could change the path.
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(domain)) throw configurationError(PROVIDER, 'the config has no valid domain in its details');
  const apiVersion = details.api_version === undefined || details.api_version === null ? 'v3' : details.api_version;
  if (typeof apiVersion !== 'string' || !/^v\d+$/.test(apiVersion)) throw configurationError(PROVIDER, 'the config has an invalid api_version in its details');
  const apiKey = secrets.mailgun_api_key;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') throw configurationError(PROVIDER, 'the config has no mailgun_api_key secret');
  return { domain, apiVersion, isEuDomain: details.is_eu_domain === true, apiKey, useProviderTemplate: details.use_provider_template === true };
}

/** Email through Mailgun's messages API (`POST {host}/{api_version}/{domain}/messages`), via mailgun.js. */
@Injectable()
export class MailgunProvider implements MessagingProvider {
  readonly serviceType = MessagingServiceType.MAILGUN;
  readonly channel = 'email' as const;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  async send(message: OutgoingMessage, context: ProviderContext): Promise<DeliveryReceipt> {
    if (message.channel !== 'email') throw configurationError(PROVIDER, `cannot send ${message.channel} messages`);
    const { domain, apiVersion, isEuDomain, apiKey, useProviderTemplate } = target(context);
    const secrets = Object.values(context.secrets ?? {});
    // Mailgun refuses an empty part; Fides itself sends only the html.
    if (message.html === '' && message.text === '') throw configurationError(PROVIDER, 'the message has neither html nor text');
    const content = message.text === '' ? { html: message.html } : message.html === '' ? { text: message.text } : { html: message.html, text: message.text };
    try {
      // A client per call, from this config's key: nothing of a config outlives the call.
      const { MailgunClient, FormData } = await mailgunSdk();
      const client = new MailgunClient(FormData).client({
        username: 'api',
        key: apiKey,
        url: mailgunBaseUrl(isEuDomain, this.settings.providers.mailgunApiUrl),
        timeout: context.timeoutMs ?? this.settings.providers.timeoutMs,
      });
      // Decision D32, as Fides: when the domain has the stored template `fides`, it gets the rendered body as
      // `fides_email_body` with the message's template variables, in place of the html and text.
      const templated = useProviderTemplate && (await hasStoredTemplate(client, apiVersion, domain));
      const body = templated
        ? {
            template: PROVIDER_TEMPLATE_NAME,
            'h:X-Mailgun-Variables': JSON.stringify({ fides_email_body: message.html, ...message.variables }),
          }
        : content;
      const data = {
        from: `<mailgun@${domain}>`,
        to: message.to.trim(),
        subject: message.subject,
        ...body,
        'h:X-Idempotency-Key': message.idempotencyKey,
        'v:herald_message_id': message.messageId,
      };
      // messages.create always posts to `/v3/{domain}/messages`; another api_version goes through the same client's
      // request (same auth, form encoding, timeout and errors) to `/{api_version}/{domain}/messages`.
      const result: { id?: unknown } =
        apiVersion === 'v3'
          ? await client.messages.create(domain, data)
          : (((await client.request.postWithFD(`/${apiVersion}/${encodeURIComponent(domain)}/messages`, data)).body ?? {}) as { id?: unknown });
      return { providerMessageId: typeof result.id === 'string' ? result.id : null };
    } catch (error) {
      throw toMailgunDeliveryError(error, { recipient: message.to, secrets });
    }
  }
}

/**
 * Whether the domain has the stored template `fides` (`GET /{api_version}/{domain}/templates/fides`): a 404 says no;
 * any other failure is the send's (classified as usual: a 5xx or no answer is retried, a refused key is permanent).
 */
async function hasStoredTemplate(client: ReturnType<Mailgun['client']>, apiVersion: string, domain: string): Promise<boolean> {
  try {
    await client.request.get(`/${apiVersion}/${encodeURIComponent(domain)}/templates/${PROVIDER_TEMPLATE_NAME}`);
    return true;
  } catch (error) {
    if ((error as { status?: unknown } | null)?.status === 404) return false;
    throw error;
  }
}
