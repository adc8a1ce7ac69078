import { Inject, Injectable } from '@nestjs/common';
import { MessagingServiceType } from '../../../common/messaging-service-type.js';
import { SETTINGS, type Settings } from '../../../config/index.js';
import { configurationError, nonEmptyText } from '../delivery-error.mapper.js';
import { lazySdk } from '../lazy-sdk.js';
import type { DeliveryReceipt, MessagingProvider, OutgoingMessage, ProviderContext } from '../messaging-provider.js';
import { TWILIO as PROVIDER, toTwilioDeliveryError } from './twilio-sms.errors.js';
import type { HeraldTwilioRequestClient } from './twilio-sms.http-client.js';
import { CALLBACK_MESSAGE_ID } from './twilio-sms.webhook.js';

/** The twilio SDK (the largest of the provider SDKs), with Herald's HTTP client for it. */
const twilioSdk = lazySdk(async () => {
  const [{ default: twilio }, { HeraldTwilioRequestClient }] = await Promise.all([import('twilio'), import('./twilio-sms.http-client.js')]);
  return { twilio, HeraldTwilioRequestClient };
});

/**
 * Decision D26: where Twilio posts a message's status changes, naming the message, or undefined when Herald's public
 * URL is plain http (Twilio would send the callbacks unencrypted) and `HERALD_WEBHOOKS_ALLOW_HTTP` is off.
 */
export function statusCallbackUrl(settings: Pick<Settings, 'publicUrl' | 'webhooksAllowHttp'>, messageId: string): string | undefined {
  if (!settings.publicUrl.startsWith('https://') && !settings.webhooksAllowHttp) return undefined;
  return `${settings.publicUrl}/api/v1/messaging/webhooks/twilio_text?${CALLBACK_MESSAGE_ID}=${encodeURIComponent(messageId)}`;
}

interface TwilioTarget {
  accountSid: string;
  authToken: string;
  sender: { messagingServiceSid: string } | { from: string };
}

function target(context: ProviderContext): TwilioTarget {
  const secrets = (context.secrets ?? {}) as unknown as Partial<Record<string, unknown>>;
  const accountSid = nonEmptyText(secrets.twilio_account_sid);
  const authToken = nonEmptyText(secrets.twilio_auth_token);
  if (!accountSid) throw configurationError(PROVIDER, 'the config has no twilio_account_sid secret');
  if (!authToken) throw configurationError(PROVIDER, 'the config has no twilio_auth_token secret');
  // Fides prefers the messaging service when both are set.
  const messagingServiceSid = nonEmptyText(secrets.twilio_messaging_service_sid);
  const from = nonEmptyText(secrets.twilio_sender_phone_number);
  if (messagingServiceSid) return { accountSid, authToken, sender: { messagingServiceSid } };
  if (from) return { accountSid, authToken, sender: { from } };
  throw configurationError(PROVIDER, 'the config has neither twilio_messaging_service_sid nor twilio_sender_phone_number');
}

/** SMS through Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`), via the twilio SDK. */
@Injectable()
export class TwilioSmsProvider implements MessagingProvider {
  readonly serviceType = MessagingServiceType.TWILIO_TEXT;
  readonly channel = 'sms' as const;
  private httpClient: HeraldTwilioRequestClient | undefined;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  async send(message: OutgoingMessage, context: ProviderContext): Promise<DeliveryReceipt> {
    if (message.channel !== 'sms') throw configurationError(PROVIDER, `cannot send ${message.channel} messages`);
    const { accountSid, authToken, sender } = target(context);
    const secrets = Object.values(context.secrets ?? {});
    try {
      // A client per call, from this config's credentials. `env: {}` keeps TWILIO_* variables of the process (edge,
      // region, log level) from changing where or how Herald sends: its own settings decide.
      const { twilio, HeraldTwilioRequestClient } = await twilioSdk();
      // Built from settings only (no config's credentials), so one serves every call and keeps its connections.
      const { twilioApiUrl, timeoutMs, timeoutMaxMs } = this.settings.providers;
      this.httpClient ??= new HeraldTwilioRequestClient(twilioApiUrl, timeoutMs, timeoutMaxMs);
      const httpClient = context.timeoutMs === undefined ? this.httpClient : this.httpClient.withTimeout(context.timeoutMs);
      const client = twilio(accountSid, authToken, { httpClient, env: {}, autoRetry: false });
      const statusCallback = statusCallbackUrl(this.settings, message.messageId);
      const sent = await client.messages.create({ to: message.to.trim(), body: message.body, ...sender, ...(statusCallback ? { statusCallback } : {}) });
      return { providerMessageId: sent.sid ?? null };
    } catch (error) {
      throw toTwilioDeliveryError(error, { recipient: message.to, secrets });
    }
  }
}
