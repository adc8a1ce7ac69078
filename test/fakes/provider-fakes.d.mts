import type { AwsSesFake, AwsSesFakeOptions } from './aws-ses-fake.mjs';
import type { FakeHttpServer, FakeServerOptions, RecordedRequest } from './fake-http-server.mjs';
import type { FakeEventOptions, FakeEventSource } from './provider-events.mjs';

export type { FailOptions, FakeAnswer, FakeHttpServer, FakeServerOptions, FieldValue, RecordedRequest, UploadedFile } from './fake-http-server.mjs';
export { startFakeHttpServer } from './fake-http-server.mjs';
export type { AwsRecordedRequest, AwsSesFake, AwsSesFakeOptions, IdentityStatus, SigV4 } from './aws-ses-fake.mjs';
export { parseSigV4, startAwsSesFake } from './aws-ses-fake.mjs';

/** A recorded field as text; throws when the request is missing or the field is missing, repeated or a file. */
export function fieldText(request: RecordedRequest | undefined, name: string): string;
/** A recorded field as text, or undefined when it is missing; throws when it is repeated or a file. */
export function optionalFieldText(request: RecordedRequest | undefined, name: string): string | undefined;

export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined;
export function parseBearerAuth(header: string | undefined): string | undefined;

/** A provider fake: a fake HTTP server that also posts the provider's delivery events to Herald (decision D26). */
export type ProviderFake = FakeHttpServer & FakeEventSource;

/** A fake holding provider-side templates by name (decision D32): `templates` is changed by tests, restored by `reset()`. */
export type TemplateFake = ProviderFake & { readonly templates: Set<string> };

export interface MailgunFakeOptions extends FakeServerOptions, FakeEventOptions {
  /** The only key accepted (user `api`); any non-empty key when not given. */
  apiKey?: string;
  /** Stored templates at the start (and after `reset()`), by name, e.g. `['fides']`. */
  templates?: string[];
}
export interface TwilioFakeOptions extends FakeServerOptions, FakeEventOptions {
  /** The only account accepted (the Basic user must also match the path's account); any when not given. */
  accountSid?: string;
  /** The only auth token accepted; any non-empty one when not given. */
  authToken?: string;
}
export interface SendGridFakeOptions extends FakeServerOptions, FakeEventOptions {
  /** The only Bearer key accepted; any when not given. */
  apiKey?: string;
  /** Dynamic templates at the start (and after `reset()`), by name, e.g. `['fides']`. */
  templates?: string[];
}

export function startMailgunFake(options?: MailgunFakeOptions): Promise<TemplateFake>;
export function startTwilioFake(options?: TwilioFakeOptions): Promise<ProviderFake>;
export function startSendGridFake(options?: SendGridFakeOptions): Promise<TemplateFake>;
/** The id the SendGrid fake gives a dynamic template of that name. */
export function sendgridTemplateId(name: string): string;

export interface ProviderFakesOptions {
  host?: string;
  ports?: { mailgun?: number; twilio?: number; sendgrid?: number; awsSes?: number };
  mailgun?: Omit<MailgunFakeOptions, 'host' | 'port' | 'onRequest'>;
  twilio?: Omit<TwilioFakeOptions, 'host' | 'port' | 'onRequest'>;
  sendgrid?: Omit<SendGridFakeOptions, 'host' | 'port' | 'onRequest'>;
  awsSes?: Omit<AwsSesFakeOptions, 'host' | 'port' | 'onRequest'>;
  onRequest?: (request: RecordedRequest) => void;
  /** Herald's base URL, for the delivery events of all four. */
  webhookUrl?: string;
  /** Post this event after every message any of them accepts. */
  autoEvent?: FakeEventOptions['autoEvent'];
}

export interface ProviderFakes {
  mailgun: TemplateFake;
  twilio: ProviderFake;
  sendgrid: TemplateFake;
  awsSes: AwsSesFake;
  urls: { mailgun: string; twilio: string; sendgrid: string; awsSes: string };
  /** Herald's settings pointing at the fakes: spread into `loadSettings({ ... })` or the environment. */
  env: {
    MAILGUN_API_URL: string;
    TWILIO_API_URL: string;
    SENDGRID_API_URL: string;
    AWS_SES_ENDPOINT_URL: string;
    AWS_STS_ENDPOINT_URL: string;
    /** Where Herald fetches SNS signing certificates and confirms subscriptions (the SES fake). */
    AWS_SNS_ENDPOINT_URL: string;
  };
  reset(): void;
  close(): Promise<void>;
}

export function startProviderFakes(options?: ProviderFakesOptions): Promise<ProviderFakes>;
