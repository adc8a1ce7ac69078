import type { KeyObject } from 'node:crypto';

export type FakeEventType = 'delivered' | 'bounced' | 'complained' | 'deferred';
export const EVENT_TYPES: FakeEventType[];
export const WEBHOOK_PATHS: { mailgun: string; twilio: string; sendgrid: string; mandrill: string };
export const FAKE_MAILGUN_SIGNING_KEY: string;
export const FAKE_MANDRILL_WEBHOOK_KEY: string;

/** A webhook call ready to post: to `url`, or to Herald's base URL + `path`. */
export interface WebhookCall {
  url?: string;
  path?: string;
  headers: Record<string, string>;
  body: string;
}

export function mailgunSignature(signingKey: string, timestamp: string, token: string): string;
export function mailgunEvent(options: {
  type: FakeEventType;
  messageId?: string;
  providerMessageId?: string;
  recipient?: string;
  signingKey: string;
  timestamp?: number | string;
  token?: string;
  eventId?: string;
}): WebhookCall;

export function sendgridKeyPair(): { privateKey: KeyObject; publicKey: string; publicKeyPem: string };
export function sendgridSignature(privateKey: KeyObject, timestamp: string, body: string): string;
export function sendgridEvents(options: {
  events: { type: FakeEventType; messageId?: string; providerMessageId?: string; recipient?: string; eventId?: string }[];
  privateKey: KeyObject;
  timestamp?: number | string;
}): WebhookCall;

export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string;
export function twilioStatusCallback(options: {
  url: string;
  type: FakeEventType;
  messageSid: string;
  accountSid?: string;
  to?: string;
  from?: string;
  authToken: string;
}): WebhookCall;

export function mandrillSignature(webhookKey: string, url: string, params: Record<string, string>): string;
/** One Mandrill webhook call to `url` (Herald's whole webhook URL); `kind` is a raw Mandrill event name instead of `type`. */
export function mandrillEvents(options: {
  url: string;
  events: { type?: FakeEventType; kind?: string; messageId?: string; providerMessageId?: string; recipient?: string; ts?: number }[];
  webhookKey: string;
}): WebhookCall;

/** Posts the call; resolves with Herald's status and parsed body. */
export function postEvent(call: WebhookCall, base?: string): Promise<{ status: number; body: unknown }>;

/** A message a provider fake accepted, as its delivery events need it. */
export interface AcceptedMessage {
  messageId?: string;
  providerMessageId: string;
  recipient?: string;
  callbackUrl?: string;
  accountSid?: string;
  authToken?: string;
}

/** What a fake can do with delivery events (added to the provider fakes). */
export interface FakeEventSource {
  readonly accepted: AcceptedMessage[];
  /** The result of every event posted, auto or on demand (errors included). */
  readonly emitted: { type: string; messageId?: string; status?: number; body?: unknown; error?: string }[];
  /** Posts `type` for an accepted message (Herald's id or the provider's; default the last one). */
  emitEvent(options: { type: FakeEventType; messageId?: string; webhookUrl?: string }): Promise<{ status: number; body: unknown }>;
  /** Mailgun: `{ signing_key }`; SendGrid: `{ public_key, public_key_pem }`; Mandrill: `{ webhook_key }` (also at `GET /__fake/webhook-key`). */
  webhookKey(): Record<string, string>;
  /** An event after every accepted message from now on (undefined to stop), to `url` (Herald's base URL). */
  setAutoEvent(type: FakeEventType | undefined, url?: string, delayMs?: number): void;
}

export interface FakeEventOptions {
  /** Herald's base URL, where delivery events are posted (`FAKES_WEBHOOK_URL` for `npm run fakes`). */
  webhookUrl?: string;
  /** Post this event after every accepted message (`FAKES_AUTO_EVENT`). */
  autoEvent?: FakeEventType;
  /** How long after accepting it (default 20 ms). */
  autoEventDelayMs?: number;
  /** Mailgun (default FAKE_MAILGUN_SIGNING_KEY) and Mandrill (default FAKE_MANDRILL_WEBHOOK_KEY): the key that signs. */
  webhookSigningKey?: string;
  /** SendGrid only: the key pair that signs (default a new one). */
  webhookKeyPair?: ReturnType<typeof sendgridKeyPair>;
}
