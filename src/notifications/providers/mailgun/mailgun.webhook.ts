import { createHmac } from 'node:crypto';
import {
  checkSignedTimestamp,
  eventReason,
  eventTime,
  heraldMessageId,
  record,
  sameText,
  storedEventId,
  text,
  WebhookRefused,
  type DeliveryEventType,
  type ProviderEvent,
  type WebhookReader,
} from '../provider-webhook.js';

/**
 * Mailgun's webhooks (decision D26): one JSON event per call, `{"signature": {"timestamp", "token", "signature"},
 * "event-data": {...}}`, the signature being HMAC-SHA256 of `timestamp + token` under the domain's webhook signing key
 * (mailgun.js has no helper to check it). The signature does not cover `event-data`: the token is what is kept
 * against replays, so a captured call cannot be sent again with other event data.
 */
export const readMailgunWebhook = ((request, secrets) => {
  const key = text((secrets as unknown as Record<string, unknown>).mailgun_webhook_signing_key);
  if (!key) throw new WebhookRefused('No mailgun_webhook_signing_key is configured for MAILGUN');
  const body = record(request.body);
  const signature = record(body?.signature);
  const timestamp = text(signature?.timestamp);
  const token = text(signature?.token);
  const given = text(signature?.signature);
  if (!timestamp || !token || !given) throw new WebhookRefused('Missing Mailgun signature (signature.timestamp, token and signature)');
  checkSignedTimestamp(timestamp, request.now);
  const expected = createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
  if (!sameText(given.toLowerCase(), expected)) throw new WebhookRefused('Invalid Mailgun signature');

  const data = record(body?.['event-data']);
  const mapped = data ? classify(data) : undefined;
  if (!data || !mapped) return [];
  const delivery = record(data['delivery-status']);
  const words = [text(delivery?.code), text(delivery?.message) ?? text(delivery?.description) ?? text(data.reason)].filter((w) => w !== undefined);
  const headerId = text(record(record(data.message)?.headers)?.['message-id']);
  const event: ProviderEvent = {
    replayKey: `mailgun:token:${token}`,
    providerEventId: storedEventId(text(data.id) ?? token),
    messageId: heraldMessageId(record(data['user-variables'])?.herald_message_id),
    // Mailgun's API answers the id in angle brackets, its events without.
    providerMessageId: headerId ? `<${headerId.replace(/^<|>$/g, '')}>` : null,
    type: mapped.type,
    occurredAt: eventTime(data.timestamp, request.now),
    reason: words.length > 0 && mapped.type !== 'delivered' ? eventReason(words.join(' '), text(data.recipient)) : null,
    suppress: mapped.suppress,
  };
  return [event];
}) satisfies WebhookReader;

/** `delivered`; `failed` permanent → bounced (suppressed), temporary → deferred; `complained` (suppressed). */
function classify(data: Record<string, unknown>): { type: DeliveryEventType; suppress: ProviderEvent['suppress'] } | undefined {
  switch (data.event) {
    case 'delivered':
      return { type: 'delivered', suppress: null };
    case 'failed':
      if (data.severity === 'temporary') return { type: 'deferred', suppress: null };
      // Only a failure Mailgun calls permanent is a hard bounce.
      return { type: 'bounced', suppress: data.severity === 'permanent' ? 'bounce' : null };
    case 'complained':
      return { type: 'complained', suppress: 'complaint' };
    default:
      // accepted, opened, clicked, unsubscribed, stored, rejected: nothing about delivery.
      return undefined;
  }
}
