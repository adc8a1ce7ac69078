import type { EventWebhook } from '@sendgrid/eventwebhook';
import { createHash } from 'node:crypto';
import { HeraldError } from '../../../common/errors/herald.error.js';
import {
  checkSignedTimestamp,
  eventReason,
  eventTime,
  header,
  heraldMessageId,
  MAX_EVENTS_PER_CALL,
  record,
  storedEventId,
  text,
  WebhookRefused,
  type DeliveryEventType,
  type ProviderEvent,
  type WebhookReader,
} from '../provider-webhook.js';
import { lazySdk } from '../lazy-sdk.js';

/** SendGrid's own verifier (and its ECDSA library), loaded on the first event webhook call. */
const verifierSdk = lazySdk(async () => {
  const { EventWebhook } = await import('@sendgrid/eventwebhook');
  return new EventWebhook();
});
/** `EventWebhookHeader`'s two names. */
const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';
/** The last key parsed: parsing costs more than a verification, and a config has one key. */
let parsedKey: { text: string; key: ReturnType<EventWebhook['convertPublicKeyToECDSA']> } | undefined;

/**
 * SendGrid's event webhook (Twilio email, decision D26): a JSON array of events per call, signed with ECDSA P-256
 * over `timestamp + raw body` (headers `X-Twilio-Email-Event-Webhook-Signature` and `-Timestamp`), checked with
 * SendGrid's own @sendgrid/eventwebhook against the config's `twilio_email_webhook_public_key`. Custom args come back
 * as top-level fields of each event (`herald_message_id`).
 */
export const readSendGridWebhook: WebhookReader = async (request, secrets) => {
  const keyText = text((secrets as unknown as Record<string, unknown>).twilio_email_webhook_public_key);
  if (!keyText) throw new WebhookRefused('No twilio_email_webhook_public_key is configured for TWILIO_EMAIL');
  const signature = header(request, SIGNATURE_HEADER);
  const timestamp = header(request, TIMESTAMP_HEADER);
  if (!signature || !timestamp) throw new WebhookRefused(`Missing ${SIGNATURE_HEADER} or ${TIMESTAMP_HEADER} header`);
  checkSignedTimestamp(timestamp, request.now);
  if (!request.rawBody) throw new WebhookRefused('The SendGrid event webhook posts JSON');
  if (!verify(await verifierSdk(), keyText, request.rawBody, signature, timestamp)) throw new WebhookRefused('Invalid SendGrid event webhook signature');

  if (!Array.isArray(request.body)) return [];
  if (request.body.length > MAX_EVENTS_PER_CALL) throw new HeraldError('payload_too_large', `At most ${MAX_EVENTS_PER_CALL} events per call`);
  const events: ProviderEvent[] = [];
  for (const item of request.body) {
    const event = record(item);
    const mapped = event ? classify(event) : undefined;
    if (!event || !mapped) continue;
    const id = text(event.sg_event_id) ?? `body:${createHash('sha256').update(JSON.stringify(event)).digest('hex')}`;
    const words =
      event.event === 'deferred' ? text(event.response) : [text(event.status), text(event.reason) ?? text(event.response)].filter(Boolean).join(' ');
    events.push({
      replayKey: `sendgrid:${id}`,
      providerEventId: storedEventId(id),
      messageId: heraldMessageId(event.herald_message_id),
      // `sg_message_id` is the `X-Message-Id` of the send, followed by `.filter...`.
      providerMessageId: text(event.sg_message_id)?.split('.')[0] ?? null,
      type: mapped.type,
      occurredAt: eventTime(event.timestamp, request.now),
      reason: words && mapped.type !== 'delivered' ? eventReason(words, text(event.email)) : null,
      suppress: mapped.suppress,
    });
  }
  return events;
};

function verify(verifier: EventWebhook, keyText: string, body: Buffer, signature: string, timestamp: string): boolean {
  try {
    if (parsedKey?.text !== keyText) parsedKey = { text: keyText, key: verifier.convertPublicKeyToECDSA(keyText) };
    return verifier.verifySignature(parsedKey.key, body, signature, timestamp);
  } catch {
    // A signature that is not base64 DER makes the helper throw: as wrong as any other.
    return false;
  }
}

/**
 * `delivered`; `bounce` → bounced (suppressed unless SendGrid calls it `blocked`: a refusal of the sender, not of the
 * address); `dropped` (SendGrid did not send it) → undelivered; `deferred`; `spamreport` → complained (suppressed).
 */
function classify(event: Record<string, unknown>): { type: DeliveryEventType; suppress: ProviderEvent['suppress'] } | undefined {
  switch (event.event) {
    case 'delivered':
      return { type: 'delivered', suppress: null };
    case 'bounce':
      return { type: 'bounced', suppress: event.type === 'blocked' ? null : 'bounce' };
    case 'dropped':
      return { type: 'undelivered', suppress: null };
    case 'deferred':
      return { type: 'deferred', suppress: null };
    case 'spamreport':
      return { type: 'complained', suppress: 'complaint' };
    default:
      // processed, open, click, unsubscribe, group_unsubscribe, group_resubscribe: nothing about delivery.
      return undefined;
  }
}
