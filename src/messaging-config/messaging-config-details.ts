import { isIP } from 'node:net';
import { IsBoolean, IsString, Matches, ValidateIf } from 'class-validator';
import { RequestValidationError, invalid } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import { validateObject } from '../common/validation/fides-validation.pipe.js';
import { Email, IntBetween, MAX_LENGTH, MaxLen, OneOf, Optional, Required } from '../common/validation/fides-validators.js';

/** `details` of a MAILGUN config, as Fides stores it (defaults filled). */
export interface MailgunDetails {
  domain: string;
  is_eu_domain: boolean;
  api_version: string;
  /** Decision D32: send through the domain's stored template `fides` when it has one (as Fides always does). Absent: off. */
  use_provider_template?: boolean;
}

/** `details` of a TWILIO_EMAIL config (decision D5): the SendGrid sender. */
export interface TwilioEmailDetails {
  twilio_email_from: string;
  /** Decision D32: send through the account's dynamic template named `fides` when it has one (as Fides always does). Absent: off. */
  use_provider_template?: boolean;
}

/** Stored only when given, so a config that never set it keeps Fides' exact details. */
const switchOf = (value: boolean | null | undefined) => (typeof value === 'boolean' ? { use_provider_template: value } : {});

/** `details` of a MAILCHIMP_TRANSACTIONAL config (Fides' schema): the sender. */
export interface MailchimpTransactionalDetails {
  email_from: string;
}

export const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

/** `details` of an SMTP config (decision D33), stored with the port and security filled. */
export interface SmtpDetails {
  host: string;
  port: number;
  security: SmtpSecurity;
  email_from: string;
}

/** `details` of an AWS_SES config (decision D33): both sender keys stored, null when absent. */
export interface AwsSesDetails {
  aws_region: string;
  email_from: string | null;
  domain: string | null;
  /** Herald's own (kept only when given): the SES configuration set every send names, for its event destinations. */
  configuration_set_name?: string;
}

export type MessagingConfigDetails = MailgunDetails | TwilioEmailDetails | MailchimpTransactionalDetails | SmtpDetails | AwsSesDetails;

/**
 * A host name as RFC 1123 has it: dot-separated labels of letters, digits and inner hyphens, 1 to 63 characters each,
 * at most 253 in all, the last label not all digits (so no IP address). The domain is a segment of the provider's
 * URL and the sender's address: no scheme, `@`, `/`, `:`, `#`, space or anything else that could change either.
 */
export const HOST_NAME = /^(?=.{1,253}$)(?!(?:.*\.)?\d+$)[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?)*$/i;
export const HOST_NAME_MESSAGE = 'value is not a valid host name (such as mg.example.com)';

/** Mailgun sends messages through its v3 API only (D20); any other value would only change the request path. */
export const MAILGUN_API_VERSIONS = ['v3'] as const;

export class MailgunDetailsDto {
  @Required() @IsString() @Matches(HOST_NAME, { message: HOST_NAME_MESSAGE, context: { type: 'value_error.hostname' } }) domain: string;
  @Optional() @IsBoolean() is_eu_domain?: boolean;
  @Optional() @IsString() @OneOf(MAILGUN_API_VERSIONS) api_version?: string;
  @Optional() @IsBoolean() use_provider_template?: boolean | null;
}

export class TwilioEmailDetailsDto {
  @Required() @IsString() @Email() twilio_email_from: string;
  @Optional() @IsBoolean() use_provider_template?: boolean | null;
}

export class MailchimpTransactionalDetailsDto {
  @Required() @IsString() @Email() email_from: string;
}

/** The port each security mode is usually served on (submission 587, implicit TLS 465, plain 25). */
export const SMTP_DEFAULT_PORT: Readonly<Record<SmtpSecurity, number>> = { starttls: 587, tls: 465, none: 25 };
const SMTP_HOST_MESSAGE = 'value is not a valid host name or IP address (such as smtp.example.com)';

export class SmtpDetailsDto {
  @Required()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  // An IP address (a loopback relay, a private network's) is as good a host as a name.
  @ValidateIf((d: SmtpDetailsDto) => typeof d.host !== 'string' || isIP(d.host) === 0)
  @Matches(HOST_NAME, { message: SMTP_HOST_MESSAGE, context: { type: 'value_error.hostname' } })
  host: string;
  @Optional() @IntBetween(1, 65535) port?: number;
  @Optional() @IsString() @OneOf(SMTP_SECURITY) security?: SmtpSecurity;
  @Required() @IsString() @Email() email_from: string;
}

/** An AWS region name (`us-east-1`, `eu-central-2`, `us-gov-west-1`): it becomes part of the endpoint's host name. */
export const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
export const AWS_REGION_MESSAGE = 'value is not a valid AWS region (such as us-east-1)';
/** SES's rule for a configuration set's name. */
const SES_CONFIGURATION_SET = /^[A-Za-z0-9_-]{1,64}$/;
const SES_CONFIGURATION_SET_MESSAGE = 'value is not an SES configuration set name (letters, digits, _ and -, up to 64)';
/** Fides' text (`MessagingServiceDetailsAWS_SES`) when neither sender is given. */
export const AWS_SES_SENDER_REQUIRED = "Either 'email_from' or 'domain' must be provided.";

export class AwsSesDetailsDto {
  @Required() @IsString() @Matches(AWS_REGION, { message: AWS_REGION_MESSAGE, context: { type: 'value_error' } }) aws_region: string;
  @Optional() @IsString() @Email() email_from?: string | null;
  @Optional() @IsString() @Matches(HOST_NAME, { message: HOST_NAME_MESSAGE, context: { type: 'value_error.hostname' } }) domain?: string | null;
  @Optional()
  @IsString()
  @Matches(SES_CONFIGURATION_SET, { message: SES_CONFIGURATION_SET_MESSAGE, context: { type: 'value_error' } })
  configuration_set_name?: string | null;
}

const MISSING: Record<MessagingServiceType, string | undefined> = {
  [MessagingServiceType.MAILGUN]: 'Mailgun messaging config must include details',
  // The text of the Fides commit that added TWILIO_EMAIL (docs/compatibility.md#messaging-configs-and-secrets); MAILGUN keeps the reference's text.
  [MessagingServiceType.TWILIO_EMAIL]: 'Messaging config must include details',
  [MessagingServiceType.TWILIO_TEXT]: undefined,
  // Fides: details are optional for this type; sending without them fails (`No Mailchimp Transactional config details...`).
  [MessagingServiceType.MAILCHIMP_TRANSACTIONAL]: undefined,
  [MessagingServiceType.SMTP]: 'SMTP messaging config must include details',
  [MessagingServiceType.AWS_SES]: 'Messaging config must include details',
};

/**
 * The details a service type needs, validated and with defaults filled; null for a type without details. Problems are
 * located relative to the config command (`['details', 'domain']`, or `['__root__']` when details are missing): the
 * transport says where the command sits (`body` over REST) and in which names.
 */
export function validateDetails(serviceType: MessagingServiceType, details: unknown): MessagingConfigDetails | null {
  const absent = details === undefined || details === null || (typeof details === 'object' && Object.keys(details).length === 0);
  const missing = MISSING[serviceType];
  if (absent) {
    if (missing) throw invalid(['__root__'], missing);
    return null;
  }
  const loc = ['details'];
  switch (serviceType) {
    case MessagingServiceType.MAILGUN:
      return RequestValidationError.prefixed(loc, () => mailgunDetails(details));
    case MessagingServiceType.TWILIO_EMAIL: {
      const d = validateObject(TwilioEmailDetailsDto, details, loc);
      return { twilio_email_from: d.twilio_email_from, ...switchOf(d.use_provider_template) };
    }
    case MessagingServiceType.MAILCHIMP_TRANSACTIONAL:
      return { email_from: validateObject(MailchimpTransactionalDetailsDto, details, loc).email_from };
    case MessagingServiceType.SMTP:
      return smtpDetails(validateObject(SmtpDetailsDto, details, loc));
    case MessagingServiceType.TWILIO_TEXT:
      // No details schema: every key is an extra field. (class-validator refuses a class without rules as an
      // "unknown value" instead of listing its keys, so they are listed here.)
      if (typeof details !== 'object' || Array.isArray(details)) throw invalid(loc, 'value is not a valid dict', 'type_error.dict');
      throw new RequestValidationError(Object.keys(details).map((k) => ({ loc: [...loc, k], msg: 'extra fields not permitted', type: 'value_error.extra' })));
    case MessagingServiceType.AWS_SES:
      return RequestValidationError.prefixed(loc, () => awsSesDetails(details));
  }
}

/** AWS SES details, both senders kept (null when absent); at least one of them is required. */
export function awsSesDetails(details: unknown): AwsSesDetails {
  const d = validateObject(AwsSesDetailsDto, details, []);
  const emailFrom = d.email_from ?? null;
  const domain = d.domain ?? null;
  if (emailFrom === null && domain === null) throw invalid(['__root__'], AWS_SES_SENDER_REQUIRED);
  return { aws_region: d.aws_region, email_from: emailFrom, domain, ...(d.configuration_set_name ? { configuration_set_name: d.configuration_set_name } : {}) };
}

/** Mailgun details with Fides' defaults, problems located within them; `{}` reports the missing domain (fidesops' behaviour). */
export function mailgunDetails(details: unknown): MailgunDetails {
  const d = validateObject(MailgunDetailsDto, details, []);
  return { domain: d.domain, is_eu_domain: d.is_eu_domain ?? false, api_version: d.api_version ?? 'v3', ...switchOf(d.use_provider_template) };
}

function smtpDetails(d: SmtpDetailsDto): SmtpDetails {
  const security = d.security ?? 'starttls';
  return { host: d.host, port: d.port ?? SMTP_DEFAULT_PORT[security], security, email_from: d.email_from };
}
