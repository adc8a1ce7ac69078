import type { KeyObject } from 'node:crypto';
import type { FakeHttpServer, FakeServerOptions, RecordedRequest } from './fake-http-server.mjs';
import type { FakeEventOptions, FakeEventSource, SesEvent, SesEventFormat, SnsSignatureVersion } from './provider-events.mjs';

/** The parts of a SigV4 `Authorization` header. */
export interface SigV4 {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export function parseSigV4(header: string | undefined): SigV4 | undefined;

/** SES's identity verification states, and NOT_FOUND for an identity SES does not know (404). */
export type IdentityStatus = 'SUCCESS' | 'PENDING' | 'FAILED' | 'TEMPORARY_FAILURE' | 'NOT_STARTED' | 'NOT_FOUND';

export interface AwsSesFakeOptions extends FakeServerOptions, Pick<FakeEventOptions, 'webhookUrl' | 'autoEvent' | 'autoEventDelayMs'> {
  /** The SNS topic of its confirmations and events (default FAKE_SNS_TOPIC_ARN). */
  snsTopicArn?: string;
  /** SignatureVersion of the events' Notifications (`emitEvent`, `autoEvent`); default '1'. */
  snsSignatureVersion?: SnsSignatureVersion;
  /** The events' SES format: event publishing (`event`, default; Herald's id in `mail.tags`) or identity `notification`. */
  sesEventFormat?: SesEventFormat;
  /** The only region accepted in the credential scope; any when not given. */
  region?: string;
  /** The only long-term access key id accepted (assumed-role keys the fake issued are accepted too); any when not given. */
  accessKeyId?: string;
  /** What an identity the fake was told nothing about is; default SUCCESS. */
  identityStatus?: IdentityStatus;
  /** Lifetime of assumed-role credentials; default the DurationSeconds asked for, else 3600. */
  assumedRoleSeconds?: number;
}

/** A recorded request with its parsed SigV4 header (set once the fake has looked at it). */
export type AwsRecordedRequest = RecordedRequest & { sigv4?: SigV4 };

/** Herald's answer to an SNS message. */
export interface SnsPostResult {
  status: number;
  body: unknown;
}

/** The fake's Amazon SNS side (same port). */
export interface FakeSns {
  readonly topicArn: string;
  /** The subscription ARN of `topicArn` (in ConfirmSubscription's answer and x-amz-sns-subscription-arn). */
  readonly subscriptionArn: string;
  /** The RSA key that signs its messages, and its self-signed certificate (CN sns.amazonaws.com) as PEM. */
  readonly privateKey: KeyObject;
  readonly certPem: string;
  /** `/SimpleNotificationService-<32 hex>.pem`, and the whole SigningCertURL on the fake. */
  readonly certPath: string;
  readonly certUrl: string;
  /** Every successful ConfirmSubscription (refused ones are only in `requests`), until reset. */
  readonly confirmations: { topicArn: string; token: string }[];
  /** The GETs of the certificate. */
  certFetches(): RecordedRequest[];
  /**
   * Posts a signed SubscriptionConfirmation (a new token, good for ConfirmSubscription on that topic) to `webhookUrl`
   * (Herald's base URL, or the webhook's whole URL; default the `webhookUrl` option); resolves with Herald's answer.
   */
  subscribe(webhookUrl?: string, options?: { signatureVersion?: SnsSignatureVersion; topicArn?: string }): Promise<SnsPostResult>;
  /** Posts a signed UnsubscribeConfirmation (its SubscribeURL re-subscribes, as SNS's does). */
  unsubscribe(webhookUrl?: string, options?: { signatureVersion?: SnsSignatureVersion; topicArn?: string }): Promise<SnsPostResult>;
  /** Posts a signed Notification whose Message is `event` (an object is sent as its JSON text, a string as is). */
  notify(
    webhookUrl: string | undefined,
    event: SesEvent | object | string,
    options?: { signatureVersion?: SnsSignatureVersion; subject?: string; messageId?: string; timestamp?: string; topicArn?: string },
  ): Promise<SnsPostResult>;
}

/**
 * SES v2, STS and SNS on one port. Delivery events (FakeEventSource): each accepted SendEmail (Herald's id from its
 * `herald_message_id` EmailTag, SES's MessageId, the first recipient) can be answered by a signed SNS Notification
 * carrying the SES event; `webhookKey()` is `{ topic_arn }`.
 */
export interface AwsSesFake extends FakeHttpServer, FakeEventSource {
  readonly sns: FakeSns;
  /** The next `count` SendEmail calls answer 429 TooManyRequestsException (retryable). */
  throttleNext(count?: number): void;
  /** The next `count` SendEmail calls answer 400 MessageRejected (permanent). */
  rejectNext(count?: number): void;
  /** What GetEmailIdentity answers for an identity (until reset); SendEmail from an unverified one is MessageRejected. */
  setIdentityStatus(identity: string, status: IdentityStatus): void;
  sends(): AwsRecordedRequest[];
  identityChecks(): AwsRecordedRequest[];
  assumeRoleCalls(): AwsRecordedRequest[];
  /** Every AssumeRole answered: the role, the session name, the key that asked, the temporary key handed out. */
  readonly assumedRoles: { roleArn: string; roleSessionName: string; callerAccessKeyId: string; accessKeyId: string }[];
}

export function startAwsSesFake(options?: AwsSesFakeOptions): Promise<AwsSesFake>;
