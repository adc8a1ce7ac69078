import { createHash, createHmac } from 'node:crypto';
import { HeraldError, invalid, RequestValidationError } from '../../../common/errors/herald.error.js';
import { findHostile, nestedDeeperThan } from '../../../common/validation/hostile-input.js';
import {
  eventReason,
  eventTime,
  header,
  heraldMessageId,
  MAX_EVENTS_PER_CALL,
  record,
  sameText,
  storedEventId,
  text,
  WebhookRefused,
  type DeliveryEventType,
  type ProviderEvent,
  type WebhookReader,
} from '../provider-webhook.js';

/** The form field Mandrill posts its JSON array of events in. */
export const MANDRILL_EVENTS_FIELD = 'mandrill_events';
const SIGNATURE_HEADER = 'X-Mandrill-Signature';

/**
 * Mandrill's webhooks (Mailchimp Transactional, decision D26): a form-encoded POST with one field, `mandrill_events`,
 * a JSON array of up to 1000 events, batched about once a minute. `X-Mandrill-Signature` is base64 HMAC-SHA1 under
 * the webhook's key (the config's `mailchimp_transactional_webhook_key`) of the URL as configured in Mandrill followed
 * by each POST field's name and value, sorted by name. Like Twilio's, the signature covers no call time: Mandrill
 * batches events and retries a failed batch for hours, so an event's own `ts` says nothing about replays; the
 * signature and the replay table (one entry per message, event and time) are the guard.
 */
export const readMandrillWebhook: WebhookReader = (request, secrets) => {
  const params = request.body === undefined || request.body === null ? {} : record(request.body);
  if (!params || request.rawBody !== undefined) throw new WebhookRefused('Mandrill webhooks are form-encoded');
  // Mandrill's check when a webhook is added (and its "Send Test"): no events, and before its key can be known to
  // Herald, since Mandrill shows the key only once the webhook exists. Nothing can be recorded, so it is answered.
  if (isTestCall(params)) return [];
  const key = text((secrets as unknown as Record<string, unknown>).mailchimp_transactional_webhook_key);
  if (!key) throw new WebhookRefused('No mailchimp_transactional_webhook_key is configured for MAILCHIMP_TRANSACTIONAL');
  const signature = header(request, SIGNATURE_HEADER);
  if (!signature) throw new WebhookRefused(`Missing ${SIGNATURE_HEADER} header`);
  const expected = mandrillSignature(key, request.url, params);
  if (expected === undefined || !sameText(signature.trim(), expected)) throw new WebhookRefused('Invalid Mandrill signature');

  const events: ProviderEvent[] = [];
  for (const item of parseEvents(params[MANDRILL_EVENTS_FIELD])) {
    const event = record(item);
    const mapped = event ? classify(event.event) : undefined;
    if (!event || !mapped) continue;
    const msg = record(event.msg) ?? {};
    const providerMessageId = text(event._id) ?? text(msg._id);
    // `_id` names the message, `ts` when this event happened: a message's deferrals differ by time.
    const id = providerMessageId
      ? `${providerMessageId}:${String(event.event)}:${text(event.ts) ?? ''}`
      : `body:${createHash('sha256').update(JSON.stringify(event)).digest('hex')}`;
    const words = mapped.type === 'delivered' ? undefined : reasonWords(event.event, msg);
    events.push({
      replayKey: `mandrill:${id}`,
      providerEventId: storedEventId(id),
      messageId: heraldMessageId(record(msg.metadata)?.herald_message_id),
      providerMessageId: providerMessageId ?? null,
      type: mapped.type,
      occurredAt: eventTime(event.ts, request.now),
      reason: words ? eventReason(words, text(msg.email)) : null,
      suppress: mapped.suppress,
    });
  }
  return events;
};

/** Mandrill's signature of a call to `url` with form `params`; undefined when a field is not a single text (a repeat). */
export function mandrillSignature(key: string, url: string, params: Record<string, unknown>): string | undefined {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (typeof value !== 'string') return undefined;
    data += name + value;
  }
  return createHmac('sha1', key).update(data, 'utf8').digest('base64');
}

/** Only `mandrill_events`, holding an empty array. */
function isTestCall(params: Record<string, unknown>): boolean {
  const names = Object.keys(params);
  const value = params[MANDRILL_EVENTS_FIELD];
  return names.length === 1 && typeof value === 'string' && /^\s*\[\s*\]\s*$/.test(value);
}

/**
 * The signed field as events: the same bounds as a JSON body (D19: nesting, NUL and lone surrogates, which PostgreSQL
 * would refuse) and as SendGrid's batches (MAX_EVENTS_PER_CALL), checked once the call is known to be Mandrill's.
 */
function parseEvents(value: unknown): unknown[] {
  const loc = ['body', MANDRILL_EVENTS_FIELD];
  if (typeof value !== 'string') throw invalid(loc, 'field required: a JSON array of events', 'value_error.missing');
  if (nestedDeeperThan(value)) throw invalid(loc, 'JSON nested too deep', 'value_error.json.max_depth');
  let events: unknown;
  try {
    events = JSON.parse(value);
  } catch {
    throw invalid(loc, 'not valid JSON', 'value_error.json');
  }
  if (!Array.isArray(events)) throw invalid(loc, 'not a JSON array of events', 'type_error.list');
  if (events.length > MAX_EVENTS_PER_CALL) throw new HeraldError('payload_too_large', `At most ${MAX_EVENTS_PER_CALL} events per call`);
  const hostile = findHostile(events, loc);
  if (hostile) throw new RequestValidationError([hostile]);
  return events;
}

/**
 * Decision D27 tracks delivery, not engagement: `open`, `click` and `unsub` are left out, as is `send` (Herald's own
 * answer from Mandrill already said sent) and any sync or inbound event. `soft_bounce` is `undelivered`, not
 * `deferred`: Mandrill sends it when it has stopped trying (its `deferral` is the "still trying" one), and it is no
 * hard bounce, so it suppresses nothing (D28). `reject` (Mandrill refused to send it) is undelivered too.
 */
function classify(kind: unknown): { type: DeliveryEventType; suppress: ProviderEvent['suppress'] } | undefined {
  switch (kind) {
    case 'delivered':
      return { type: 'delivered', suppress: null };
    case 'deferral':
      return { type: 'deferred', suppress: null };
    case 'soft_bounce':
    case 'reject':
      return { type: 'undelivered', suppress: null };
    case 'hard_bounce':
      return { type: 'bounced', suppress: 'bounce' };
    case 'spam':
      return { type: 'complained', suppress: 'complaint' };
    default:
      return undefined;
  }
}

/** Mandrill's words: the bounce's class and diagnostic, a deferral's last SMTP answer, a rejection's reason. */
function reasonWords(kind: unknown, msg: Record<string, unknown>): string | undefined {
  const smtp = Array.isArray(msg.smtp_events) ? record(msg.smtp_events.at(-1)) : undefined;
  const reject = record(msg.reject);
  const words =
    kind === 'deferral'
      ? [text(smtp?.diag) ?? text(msg.diag)]
      : kind === 'reject'
        ? [text(reject?.reason) ?? text(msg.reject_reason), text(reject?.detail)]
        : [text(msg.bounce_description), text(msg.diag)];
  const joined = words.filter((w) => w !== undefined).join(' ');
  return joined === '' ? undefined : joined;
}
