import { verify } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { invalid, RequestValidationError } from '../../../common/errors/herald.error.js';
import { findHostile, nestedDeeperThan } from '../../../common/validation/hostile-input.js';
import { snsTopicArns } from '../../../secrets/index.js';
import {
  eventReason,
  eventTime,
  heraldMessageId,
  record,
  storedEventId,
  text,
  WebhookRefused,
  type DeliveryEventType,
  type ProviderEvent,
  type WebhookReader,
} from '../provider-webhook.js';
import type { SnsEndpoint } from './aws-sns.endpoint.js';

/** The fields SNS signs, in the order it signs them, by message type (Subject only when present). */
const SIGNED_FIELDS = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
} as const;
type SnsType = keyof typeof SIGNED_FIELDS;
const ALGORITHMS: Readonly<Record<string, string>> = { '1': 'sha1', '2': 'sha256' };

/**
 * SNS keeps retrying a message for at most about an hour under any delivery policy; an older signed message is a
 * replay. A day stays well inside the replay table's memory (3 days), which catches the replays within it.
 */
const MAX_AGE_MS = 24 * 3_600_000;
const MAX_AHEAD_MS = 5 * 60_000;

/** An SES message id: letters, digits and dashes (anything else is stored as nothing). */
const SES_MESSAGE_ID = /^[\w.@+-]{1,200}$/;

interface SnsMessage {
  Type: SnsType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
}

const logger = new Logger('DeliveryEvents');

/**
 * SES's delivery events (decision D26) as SNS posts them to an HTTPS subscription of the topics named in the config's
 * `aws_sns_topic_arn`: both SES's configuration-set event publishing (`eventType`, with Herald's `herald_message_id`
 * tag) and its identity notifications (`notificationType`, matched by SES's message id). The message's topic must be
 * one of those, its timestamp recent, and its signature SNS's (RSA, SHA1 or SHA256) under the certificate SNS serves
 * for that topic's region. A subscription confirmation that passes is confirmed at once.
 */
export function awsSesWebhookReader(sns: SnsEndpoint): WebhookReader {
  return async (request, secrets) => {
    const configured = text((secrets as unknown as Record<string, unknown>).aws_sns_topic_arn);
    const topics = configured === undefined ? undefined : snsTopicArns(configured);
    if (!topics) throw new WebhookRefused('No aws_sns_topic_arn is configured for AWS_SES');
    const message = snsMessage(request.body);
    // Before any fetch: only a message of a configured topic can make Herald fetch a certificate.
    if (!topics.includes(message.TopicArn)) throw new WebhookRefused('An SNS message of a topic not configured in aws_sns_topic_arn');
    const sent = Date.parse(message.Timestamp);
    const now = request.now.getTime();
    if (!Number.isFinite(sent) || sent < now - MAX_AGE_MS || sent > now + MAX_AHEAD_MS) throw new WebhookRefused('SNS message timestamp too old or ahead');
    const key = await sns.publicKey(message.SigningCertURL, message.TopicArn);
    if (!verify(ALGORITHMS[message.SignatureVersion], Buffer.from(stringToSign(message), 'utf8'), key, Buffer.from(message.Signature, 'base64'))) {
      throw new WebhookRefused('Invalid SNS signature');
    }
    if (message.Type === 'SubscriptionConfirmation') {
      await sns.confirm(message.SubscribeURL!, message.TopicArn);
      // The topic by its place in aws_sns_topic_arn: the secret's value stays out of the log.
      logger.log({ topic: topics.indexOf(message.TopicArn) + 1, topics: topics.length }, 'SNS subscription of AWS_SES delivery events confirmed');
      return [];
    }
    if (message.Type === 'UnsubscribeConfirmation') {
      logger.warn({ topic: topics.indexOf(message.TopicArn) + 1, topics: topics.length }, 'SNS subscription of AWS_SES delivery events ended');
      return [];
    }
    return sesEvents(message, request.now);
  };
}

/** SNS's text to sign: each signed field present, as `name\nvalue\n`. */
function stringToSign(message: SnsMessage): string {
  let data = '';
  for (const name of SIGNED_FIELDS[message.Type]) {
    const value = message[name];
    if (value !== undefined) data += `${name}\n${value}\n`;
  }
  return data;
}

/**
 * The body as an SNS message: JSON sent as text/plain (or as application/json, when the subscription's delivery
 * policy says so), with the fields of its type. Anything else is no SNS message: refused as unsigned.
 */
function snsMessage(body: unknown): SnsMessage {
  let value = body;
  if (typeof body === 'string') {
    if (nestedDeeperThan(body)) throw new WebhookRefused('Not an SNS message');
    try {
      value = JSON.parse(body);
    } catch {
      throw new WebhookRefused('Not an SNS message');
    }
  }
  const fields = record(value);
  const type = fields?.Type;
  if (!fields || (type !== 'Notification' && type !== 'SubscriptionConfirmation' && type !== 'UnsubscribeConfirmation')) {
    throw new WebhookRefused('Not an SNS message');
  }
  const required = [...SIGNED_FIELDS[type].filter((name) => name !== 'Subject'), 'SignatureVersion', 'Signature', 'SigningCertURL'];
  if (
    required.some((name) => typeof fields[name] !== 'string') ||
    (fields.Subject !== undefined && fields.Subject !== null && typeof fields.Subject !== 'string')
  ) {
    throw new WebhookRefused('Not an SNS message');
  }
  if (!ALGORITHMS[fields.SignatureVersion as string]) throw new WebhookRefused('Unknown SNS SignatureVersion');
  // SNS sends `"Subject": null` when a message has none; it is then not signed.
  return { ...(fields as unknown as SnsMessage), Subject: typeof fields.Subject === 'string' ? fields.Subject : undefined };
}

/**
 * The SES event a verified notification carries. Decision D27 tracks delivery: `Send`, `Open`, `Click`,
 * `Subscription` and SES's own notices (`AmazonSnsSubscriptionSucceeded`) are left out, as is anything published to
 * the topic that is not an SES event. A permanent bounce and a complaint suppress the recipient (D28); a transient or
 * undetermined bounce (SES has stopped trying) and a rejection are `undelivered`.
 */
function sesEvents(message: SnsMessage, now: Date): ProviderEvent[] {
  const loc = ['body', 'Message'];
  if (nestedDeeperThan(message.Message)) throw invalid(loc, 'JSON nested too deep', 'value_error.json.max_depth');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.Message);
  } catch {
    return [];
  }
  const event = record(parsed);
  if (!event) return [];
  const hostile = findHostile(event, loc);
  if (hostile) throw new RequestValidationError([hostile]);
  const kind = text(event.eventType) ?? text(event.notificationType);
  const outcome = kind ? classify(kind, event) : undefined;
  if (!outcome) return [];
  const mail = record(event.mail) ?? {};
  const sesId = text(mail.messageId);
  const tags = record(mail.tags);
  const tagged: unknown = Array.isArray(tags?.herald_message_id) ? (tags.herald_message_id as unknown[])[0] : undefined;
  const at = Date.parse(text(outcome.detail.timestamp) ?? '');
  const recipient = outcome.recipient ?? (Array.isArray(mail.destination) ? text(mail.destination[0]) : undefined);
  return [
    {
      replayKey: `aws_ses:${message.MessageId}`,
      // The same event may reach Herald through two topics (identity notifications and a configuration set): one entry.
      providerEventId: storedEventId(`${kind}:${text(outcome.detail.feedbackId) ?? text(outcome.detail.timestamp) ?? message.MessageId}`),
      messageId: heraldMessageId(tagged),
      providerMessageId: sesId !== undefined && SES_MESSAGE_ID.test(sesId) ? sesId : null,
      type: outcome.type,
      occurredAt: Number.isFinite(at) ? eventTime(at / 1000, now) : now,
      reason: outcome.words ? eventReason(outcome.words, recipient) : null,
      suppress: outcome.suppress,
    },
  ];
}

interface Outcome {
  type: DeliveryEventType;
  suppress: ProviderEvent['suppress'];
  /** The part of the event that says what happened (its `timestamp`, `feedbackId`). */
  detail: Record<string, unknown>;
  words?: string;
  recipient?: string;
}

function classify(kind: string, event: Record<string, unknown>): Outcome | undefined {
  const part = (name: string) => record(event[name]) ?? {};
  const first = (list: unknown) => (Array.isArray(list) ? record(list[0]) : undefined);
  const join = (...words: (string | undefined)[]) => words.filter((w) => w !== undefined).join(' ') || undefined;
  switch (kind) {
    case 'Delivery': {
      const detail = part('delivery');
      return { type: 'delivered', suppress: null, detail };
    }
    case 'Bounce': {
      const detail = part('bounce');
      const bounced = first(detail.bouncedRecipients);
      const permanent = detail.bounceType === 'Permanent';
      const words = join(
        `${text(detail.bounceType) ?? 'Undetermined'} bounce (${text(detail.bounceSubType) ?? 'General'}):`,
        text(bounced?.diagnosticCode) ?? text(bounced?.status),
      );
      return { type: permanent ? 'bounced' : 'undelivered', suppress: permanent ? 'bounce' : null, detail, words, recipient: text(bounced?.emailAddress) };
    }
    case 'Complaint': {
      const detail = part('complaint');
      const words = join('Complaint:', text(detail.complaintFeedbackType) ?? 'reported as spam');
      return { type: 'complained', suppress: 'complaint', detail, words, recipient: text(first(detail.complainedRecipients)?.emailAddress) };
    }
    case 'DeliveryDelay': {
      const detail = part('deliveryDelay');
      const delayed = first(detail.delayedRecipients);
      return {
        type: 'deferred',
        suppress: null,
        detail,
        words: join(`Delayed (${text(detail.delayType) ?? 'Undetermined'}):`, text(delayed?.diagnosticCode)),
        recipient: text(delayed?.emailAddress),
      };
    }
    case 'Reject': {
      const detail = part('reject');
      return { type: 'undelivered', suppress: null, detail, words: join('Rejected by SES:', text(detail.reason)) };
    }
    case 'Rendering Failure':
    case 'RenderingFailure': {
      const detail = part('failure');
      return { type: 'undelivered', suppress: null, detail, words: join('Rendering failure:', text(detail.errorMessage)) };
    }
    default:
      return undefined;
  }
}
