import { createHash, timingSafeEqual } from 'node:crypto';
import type { MessagingSecrets } from '../../secrets/index.js';
import { sanitizeReason } from './delivery-error.mapper.js';
import { isUuid } from '../../common/uuid.js';

/** What a delivery event says became of a message (decision D27); `unknown` is the status before any event. */
export const DELIVERY_EVENT_TYPES = ['deferred', 'delivered', 'undelivered', 'bounced', 'complained'] as const;
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];

/** A webhook call as received: the URL the provider called (for Twilio's signature), headers, parsed and raw body. */
export interface WebhookRequest {
  /** `HERALD_PUBLIC_URL` + the path and query as received. */
  url: string;
  /** Lower-case names (Node's). */
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** The bytes as received (SendGrid signs them); undefined for bodies that are not JSON. */
  rawBody: Buffer | undefined;
  now: Date;
}

/** One event of a verified webhook call, in Herald's terms. */
export interface ProviderEvent {
  /** Names this delivery of the event for the replay table: the same value twice is the same event. */
  replayKey: string;
  /** The provider's id of the event (unique per message); the timeline keeps one entry per value. */
  providerEventId: string;
  /** Herald's message id, when the provider carried it back (custom data, callback URL); only a UUID. */
  messageId: string | null;
  /** The provider's id of the message (Herald's `provider_message_id`), to find messages sent without Herald's id. */
  providerMessageId: string | null;
  type: DeliveryEventType;
  occurredAt: Date;
  /** The provider's words, with the event's own recipient already redacted. */
  reason: string | null;
  /** Decision D28: a hard bounce or a complaint suppresses the recipient; null for anything else. */
  suppress: 'bounce' | 'complaint' | null;
}

/** A webhook call whose signature is missing, wrong or stale: 401, nothing recorded. */
export class WebhookRefused extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'WebhookRefused';
  }
}

/** One provider's webhook: verifies a call with the config's secrets, then reads its events (ignored kinds left out). */
export type WebhookReader = (request: WebhookRequest, secrets: MessagingSecrets) => ProviderEvent[] | Promise<ProviderEvent[]>;

/** Signed timestamps further than this from Herald's clock are refused (replays of captured calls, D26). */
export const MAX_SIGNATURE_AGE_SECONDS = 300;
/** The most events one call may carry (SendGrid batches); past it the whole call is refused. */
export const MAX_EVENTS_PER_CALL = 5000;

/** Herald's message id as carried back by a provider: a UUID, else nothing (never passed on to SQL as is). */
export const heraldMessageId = (value: unknown): string | null => (typeof value === 'string' && isUuid(value.trim()) ? value.trim().toLowerCase() : null);

/** A provider's event id as stored (at most 255 characters): a longer one is kept as its hash. */
export const storedEventId = (id: string): string => (id.length <= 200 ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`);

/** Anything shaped like an email address: bounce texts may name another one than the recipient (an alias). */
const ADDRESS = /[^\s<>()"',;:@]+@[^\s<>()"',;:@]+\.[A-Za-z]{2,}/g;

/** The provider's words as stored and shown: the event's recipient as `[recipient]`, any other address hidden, short. */
export const eventReason = (words: string, recipient: string | undefined): string => sanitizeReason(words, { recipient }).replace(ADDRESS, '[address]');

/** One header's value (the first, when repeated). */
export function header(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A signed Unix timestamp (seconds), refused when missing or more than MAX_SIGNATURE_AGE_SECONDS from now. */
export function checkSignedTimestamp(value: unknown, now: Date): void {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,12}(\.\d+)?$/.test(text.trim())) throw new WebhookRefused('Missing or malformed webhook timestamp');
  if (Math.abs(now.getTime() / 1000 - Number(text)) > MAX_SIGNATURE_AGE_SECONDS) {
    throw new WebhookRefused(`Webhook timestamp more than ${MAX_SIGNATURE_AGE_SECONDS} seconds from now`);
  }
}

/** Constant-time comparison of two texts (lengths are not secret: a digest's length is fixed). */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** When an event happened: the provider's time (seconds since 1970) when it is plausible, else when it arrived. */
export function eventTime(seconds: unknown, now: Date): Date {
  const value = typeof seconds === 'string' ? Number(seconds) : seconds;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return now;
  const time = new Date(Math.round(value * 1000));
  // Not before 2000 and not more than a day ahead: anything else is not a time the provider meant.
  return time.getTime() < Date.UTC(2000, 0, 1) || time.getTime() > now.getTime() + 86_400_000 ? now : time;
}

/** A text field of a loosely typed object. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
