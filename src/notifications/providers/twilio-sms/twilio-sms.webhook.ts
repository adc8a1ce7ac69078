import {
  eventReason,
  header,
  heraldMessageId,
  record,
  storedEventId,
  text,
  WebhookRefused,
  type ProviderEvent,
  type WebhookReader,
} from '../provider-webhook.js';
import { lazySdk } from '../lazy-sdk.js';

const twilioSdk = lazySdk(async () => (await import('twilio')).default);

/** The query parameter of the status callback URL Herald gives Twilio with each message (see TwilioSmsProvider). */
export const CALLBACK_MESSAGE_ID = 'message_id';

/** Twilio errors that say the number cannot take messages (D28: a hard bounce) or refused them (STOP: a complaint). */
const SUPPRESSING_ERRORS: Readonly<Record<string, 'bounce' | 'complaint'>> = {
  '30005': 'bounce', // unknown destination handset
  '30006': 'bounce', // landline or unreachable carrier
  '21610': 'complaint', // the recipient replied STOP
};

/**
 * Twilio's status callbacks (decision D26): a form-encoded POST per status change of a message, signed in
 * `X-Twilio-Signature` with the account's auth token over the URL Twilio called and the sorted parameters, checked with
 * the SDK's own `validateRequest`. There is no timestamp: the signature and the replay table (one entry per message and
 * status) are the guard. `delivered` → delivered; `undelivered` and `failed` → undelivered; the rest is progress.
 */
export const readTwilioStatusCallback: WebhookReader = async (request, secrets) => {
  const authToken = text((secrets as unknown as Record<string, unknown>).twilio_auth_token);
  if (!authToken) throw new WebhookRefused('No twilio_auth_token is configured for TWILIO_TEXT');
  const signature = header(request, 'x-twilio-signature');
  if (!signature) throw new WebhookRefused('Missing X-Twilio-Signature header');
  const params = request.body === undefined || request.body === null ? {} : record(request.body);
  if (!params || request.rawBody !== undefined) throw new WebhookRefused('Twilio status callbacks are form-encoded');
  if (!(await valid(authToken, signature, request.url, params))) throw new WebhookRefused('Invalid Twilio signature');

  const sid = text(params.MessageSid) ?? text(params.SmsSid);
  const status = text(params.MessageStatus) ?? text(params.SmsStatus);
  if (!sid || (status !== 'delivered' && status !== 'undelivered' && status !== 'failed')) return [];
  const errorCode = text(params.ErrorCode);
  const words = errorCode ? `Twilio error ${errorCode}${text(params.ErrorMessage) ? `: ${text(params.ErrorMessage)}` : ''}` : null;
  const eventId = `${sid}:${status}${errorCode ? `:${errorCode}` : ''}`;
  const event: ProviderEvent = {
    replayKey: `twilio:${eventId}`,
    providerEventId: storedEventId(eventId),
    messageId: heraldMessageId(queryValue(request.url, CALLBACK_MESSAGE_ID)),
    providerMessageId: sid,
    type: status === 'delivered' ? 'delivered' : 'undelivered',
    // Twilio's callback carries no time of its own.
    occurredAt: request.now,
    reason: words ? eventReason(words, text(params.To)) : null,
    suppress: status === 'delivered' || !errorCode ? null : (SUPPRESSING_ERRORS[errorCode] ?? null),
  };
  return [event];
};

async function valid(authToken: string, signature: string, url: string, params: Record<string, unknown>): Promise<boolean> {
  const twilio = await twilioSdk();
  try {
    return twilio.validateRequest(authToken, signature, url, params);
  } catch {
    // A URL the SDK cannot normalise: nothing Twilio would have signed.
    return false;
  }
}

function queryValue(url: string, name: string): string | null {
  try {
    return new URL(url).searchParams.get(name);
  } catch {
    return null;
  }
}
