import type { KeyObject } from 'node:crypto';

export type FakeEventType = 'delivered' | 'bounced' | 'complained' | 'deferred';
export const EVENT_TYPES: FakeEventType[];
export const WEBHOOK_PATHS: { mailgun: string; twilio: string; sendgrid: string; mandrill: string; awsSes: string };
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

// ---------------------------------------------------------------- Amazon SNS carrying SES events

/** `arn:aws:sns:us-east-1:123456789012:herald-ses-events`: the SES fake's topic unless one is given. */
export const FAKE_SNS_TOPIC_ARN: string;
export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
export const SNS_MESSAGE_TYPES: SnsMessageType[];
/** '1': SHA1withRSA; '2': SHA256withRSA. */
export type SnsSignatureVersion = '1' | '2';

/** An SNS message's fields by their SNS names (the body Herald receives, parsed). */
export interface SnsFields {
  Type: SnsMessageType;
  MessageId: string;
  Token?: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  SubscribeURL?: string;
  Timestamp: string;
  SignatureVersion?: string;
  Signature?: string;
  SigningCertURL?: string;
  UnsubscribeURL?: string;
}

/** What SNS signs: `Key\nValue\n` for each signed key of the message's type, in SNS's order (an absent Subject left out). */
export function snsStringToSign(fields: SnsFields): string;
/** Base64 SHA1withRSA (version '1', the default) or SHA256withRSA ('2') of snsStringToSign(fields). */
export function snsSignature(privateKey: KeyObject, fields: SnsFields, signatureVersion?: SnsSignatureVersion): string;
/** `/SimpleNotificationService-<32 hex>.pem` (random hex unless given). */
export function snsCertPath(id?: string): string;
/** `<base>/?Action=ConfirmSubscription&TopicArn=<url-encoded arn>&Token=<token>`. */
export function snsSubscribeUrl(base: string, topicArn: string, token: string): string;
/** `<base>/?Action=Unsubscribe&SubscriptionArn=<url-encoded arn>`. */
export function snsUnsubscribeUrl(base: string, subscriptionArn: string): string;
/** A new confirmation token (224 hex digits). */
export function snsToken(): string;

/**
 * One signed SNS message to Herald's SES webhook (`path` is WEBHOOK_PATHS.awsSes; `body` the JSON text SNS sends).
 * `message`: the Message (an object is sent as its JSON text; the confirmations have SNS's words by default).
 * SubscribeURL and UnsubscribeURL default to `certUrl`'s origin (the SNS endpoint); `token` defaults to a new one.
 */
export function snsMessage(options: {
  type: SnsMessageType;
  topicArn?: string;
  message?: string | object;
  subject?: string;
  messageId?: string;
  token?: string;
  subscribeUrl?: string;
  unsubscribeUrl?: string;
  /** In the x-amz-sns-subscription-arn header (Notification, UnsubscribeConfirmation) and the default UnsubscribeURL. */
  subscriptionArn?: string;
  /** ISO 8601 with milliseconds; default now. */
  timestamp?: string;
  signatureVersion?: SnsSignatureVersion;
  /** The SigningCertURL: where the certificate of `privateKey` is served. */
  certUrl: string;
  privateKey: KeyObject;
}): WebhookCall & { path: string };

/** SES event types: Delivery, Bounce, Complaint, DeliveryDelay, Reject, Send, Open, Click, 'Rendering Failure', Subscription. */
export type SesEventType = 'Delivery' | 'Bounce' | 'Complaint' | 'DeliveryDelay' | 'Reject' | 'Send' | 'Open' | 'Click' | 'Rendering Failure' | 'Subscription';
export type SesEventFormat = 'event' | 'notification';
export type SesBounceType = 'Permanent' | 'Transient' | 'Undetermined';

/** An SES event as SNS carries it in its Message (parsed). */
export interface SesEvent {
  /** Event publishing (format `event`). */
  eventType?: SesEventType;
  /** Identity notifications (format `notification`). */
  notificationType?: 'Delivery' | 'Bounce' | 'Complaint';
  mail: {
    timestamp: string;
    messageId: string;
    source: string;
    sourceArn: string;
    sendingAccountId: string;
    destination: string[];
    headersTruncated: boolean;
    /** Event publishing only: `ses:configuration-set`, ..., and `herald_message_id` when Herald tagged the send. */
    tags?: Record<string, string[]>;
    [key: string]: unknown;
  };
  delivery?: { timestamp: string; processingTimeMillis: number; recipients: string[]; smtpResponse: string; reportingMTA: string; remoteMtaIp?: string };
  bounce?: {
    bounceType: SesBounceType;
    bounceSubType: string;
    bouncedRecipients: { emailAddress: string; action?: string; status?: string; diagnosticCode?: string }[];
    timestamp: string;
    feedbackId: string;
    reportingMTA?: string;
  };
  complaint?: {
    complainedRecipients: { emailAddress: string }[];
    timestamp: string;
    feedbackId: string;
    complaintFeedbackType?: string;
    userAgent?: string;
    [key: string]: unknown;
  };
  deliveryDelay?: {
    delayType: string;
    expirationTime: string;
    delayedRecipients: { emailAddress: string; status: string; diagnosticCode: string }[];
    timestamp: string;
  };
  reject?: { reason: string };
  [key: string]: unknown;
}

/** A new SES message id (`0100<16 hex>-<uuid>-000000`), as SendEmail answers it. */
export function sesMessageId(): string;

/**
 * One SES event. `type` maps to Delivery, Bounce (Permanent unless `bounceType`), Complaint, DeliveryDelay; `kind` names
 * any SES event type instead. `messageId` (Herald's id) goes in `mail.tags.herald_message_id`, in the `event` format only;
 * `providerMessageId` is `mail.messageId`. The `notification` format has Delivery, Bounce and Complaint only (else it throws).
 */
export function sesEvent(options: {
  type?: FakeEventType;
  kind?: SesEventType;
  /** Default `event`. */
  format?: SesEventFormat;
  messageId?: string;
  providerMessageId?: string;
  recipient?: string;
  /** The sender (mail.source); default privacy@example.com. */
  source?: string;
  /** The `ses:configuration-set` tag (format `event`); default `herald`. */
  configurationSet?: string;
  bounceType?: SesBounceType;
  /** Default General (Undetermined for an Undetermined bounce). */
  bounceSubType?: string;
}): SesEvent;

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
  /** AWS SES: the sender and the configuration set of the send, for the event's `mail`. */
  source?: string;
  configurationSet?: string;
}

/** What a fake can do with delivery events (added to the provider fakes). */
export interface FakeEventSource {
  readonly accepted: AcceptedMessage[];
  /** The result of every event posted, auto or on demand (errors included). */
  readonly emitted: { type: string; messageId?: string; status?: number; body?: unknown; error?: string }[];
  /** Posts `type` for an accepted message (Herald's id or the provider's; default the last one). */
  emitEvent(options: { type: FakeEventType; messageId?: string; webhookUrl?: string }): Promise<{ status: number; body: unknown }>;
  /**
   * Mailgun: `{ signing_key }`; SendGrid: `{ public_key, public_key_pem }`; Mandrill: `{ webhook_key }`; AWS SES: `{ topic_arn }`
   * (also at `GET /__fake/webhook-key`).
   */
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
  /** AWS SES: the SNS topic the events come from (default FAKE_SNS_TOPIC_ARN). */
  snsTopicArn?: string;
  /** AWS SES: the subscription they come by (default `<topic>:<uuid>`). */
  snsSubscriptionArn?: string;
  /** AWS SES: the key that signs the SNS messages, and the SigningCertURL of its certificate (the SES fake gives its own). */
  snsPrivateKey?: KeyObject;
  snsCertUrl?: string | (() => string);
  /** AWS SES: SignatureVersion of the Notifications (default '1'). */
  snsSignatureVersion?: SnsSignatureVersion;
  /** AWS SES: event publishing (`event`, the default) or identity notifications (`notification`). */
  sesEventFormat?: SesEventFormat;
}
