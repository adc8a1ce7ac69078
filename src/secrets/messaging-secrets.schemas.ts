import { plainToInstance } from 'class-transformer';
import { createPublicKey } from 'node:crypto';
import { IsString, validateSync } from 'class-validator';
import { HeraldError } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import { issuesOf } from '../common/validation/fides-validation.pipe.js';
import { MAX_LENGTH, MaxLen, Optional, Required } from '../common/validation/fides-validators.js';

/** Fides' messaging secrets schemas (all forbid extra keys). Stored as validated, optional keys present as null. */
export class MailgunSecrets {
  @Required() @IsString() @MaxLen(MAX_LENGTH.secret) mailgun_api_key: string;
  /** Decision D26: Mailgun's "HTTP webhook signing key", which signs the delivery events it posts to Herald. */
  @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) mailgun_webhook_signing_key?: string | null;
}

export class TwilioTextSecrets {
  @Required() @IsString() @MaxLen(MAX_LENGTH.secret) twilio_account_sid: string;
  @Required() @IsString() @MaxLen(MAX_LENGTH.secret) twilio_auth_token: string;
  @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) twilio_messaging_service_sid?: string | null;
  @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) twilio_sender_phone_number?: string | null;
}

export class TwilioEmailSecrets {
  @Required() @IsString() @MaxLen(MAX_LENGTH.secret) twilio_api_key: string;
  /** Decision D26: the event webhook's verification key (SendGrid shows it as base64 DER; PEM is taken too). */
  @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) twilio_email_webhook_public_key?: string | null;
}

export class MailchimpTransactionalSecrets {
  @Required() @IsString() @MaxLen(MAX_LENGTH.secret) mailchimp_transactional_api_key: string;
  /** Decision D26: the Mandrill webhook's key (Settings → Webhooks), which signs the delivery events it posts to Herald. */
  @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) mailchimp_transactional_webhook_key?: string | null;
}

/** Decision D33: the SMTP server's login (AUTH PLAIN or LOGIN, as the server offers). */
export class SmtpSecrets {
  @Required() @IsString() @MaxLen(MAX_LENGTH.secret) smtp_username: string;
  @Required() @IsString() @MaxLen(MAX_LENGTH.secret) smtp_password: string;
}

/** How an AWS_SES config finds its credentials: the key pair given here, or the default credential chain. */
export const AWS_SES_AUTH_METHODS = ['automatic', 'secret_keys'] as const;

/** Decision D33 (Fides' `MessagingServiceSecretsAWS_SES`); the keys are checked by `awsSesProblems`. */
export class AwsSesSecrets {
  @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) auth_method: 'automatic' | 'secret_keys';
  @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) aws_access_key_id?: string | null;
  @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) aws_secret_access_key?: string | null;
  @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) aws_assume_role_arn?: string | null;
  /**
   * Decision D26: the SNS topics SES publishes this config's delivery events to (one ARN, or several separated by
   * commas); Herald takes SNS messages of these topics only, and confirms subscriptions to them.
   */
  @Optional() @IsString() @MaxLen(MAX_LENGTH.secret) aws_sns_topic_arn?: string | null;
}

export type MessagingSecrets = MailgunSecrets | TwilioTextSecrets | TwilioEmailSecrets | MailchimpTransactionalSecrets | SmtpSecrets | AwsSesSecrets;

/**
 * `keys` are stored as Fides stores them (optional ones as null); `extras`, Herald's own (decision D26), only when given,
 * so that secrets without them are stored exactly as before.
 */
const SCHEMAS: Record<MessagingServiceType, { type: new () => object; keys: string[]; extras?: string[] }> = {
  [MessagingServiceType.MAILGUN]: { type: MailgunSecrets, keys: ['mailgun_api_key'], extras: ['mailgun_webhook_signing_key'] },
  [MessagingServiceType.TWILIO_TEXT]: {
    type: TwilioTextSecrets,
    keys: ['twilio_account_sid', 'twilio_auth_token', 'twilio_messaging_service_sid', 'twilio_sender_phone_number'],
  },
  [MessagingServiceType.TWILIO_EMAIL]: { type: TwilioEmailSecrets, keys: ['twilio_api_key'], extras: ['twilio_email_webhook_public_key'] },
  [MessagingServiceType.MAILCHIMP_TRANSACTIONAL]: {
    type: MailchimpTransactionalSecrets,
    keys: ['mailchimp_transactional_api_key'],
    extras: ['mailchimp_transactional_webhook_key'],
  },
  [MessagingServiceType.SMTP]: { type: SmtpSecrets, keys: ['smtp_username', 'smtp_password'] },
  [MessagingServiceType.AWS_SES]: {
    type: AwsSesSecrets,
    keys: ['auth_method', 'aws_access_key_id', 'aws_secret_access_key', 'aws_assume_role_arn'],
    extras: ['aws_sns_topic_arn'],
  },
};

export const TWILIO_SENDER_REQUIRED = 'Either the twilio_messaging_service_sid or the twilio_sender_phone_number should be supplied.';
export const TWILIO_PHONE_FORMAT = 'Sender phone number must include country code, formatted like +15558675309';
export const AWS_SES_AUTH_METHOD_REQUIRED = "MessagingServiceSecretsAWS_SES must be supplied all of: ['auth_method'].";
export const AWS_SES_KEYS_REQUIRED = 'An Access Key ID and a Secret Access Key must be provided if using the `secret_keys` Authentication Method';
export const AWS_ROLE_ARN_FORMAT = 'aws_assume_role_arn must be an IAM role ARN, such as arn:aws:iam::123456789012:role/herald-ses';
/** An IAM role ARN (any partition); STS would refuse anything else. */
const AWS_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const AWS_SNS_TOPIC_ARN_FORMAT =
  'aws_sns_topic_arn must be one SNS topic ARN, or up to 10 separated by commas, such as arn:aws:sns:us-east-1:123456789012:ses-events';
/** An SNS topic ARN (any partition; FIFO topics end in .fifo). */
const AWS_SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:[\w-]{1,256}(\.fifo)?$/;
const MAX_SNS_TOPICS = 10;

/** The topics of an `aws_sns_topic_arn` secret, or undefined when one of them is not a topic ARN. */
export function snsTopicArns(text: string): string[] | undefined {
  const arns = text
    .split(',')
    .map((arn) => arn.trim())
    .filter((arn) => arn !== '');
  return arns.length > 0 && arns.length <= MAX_SNS_TOPICS && arns.every((arn) => AWS_SNS_TOPIC_ARN.test(arn)) ? arns : undefined;
}

/** Fides' model-level checks of AWS SES secrets (its texts, `loc` `__root__`), and the ARN's form. */
function awsSesProblems(raw: Record<string, unknown>): string[] {
  const given = (key: string) => {
    const value = raw[key];
    return typeof value === 'string' && value.trim() !== '';
  };
  const problems: string[] = [];
  if (!given('auth_method')) problems.push(`${AWS_SES_AUTH_METHOD_REQUIRED} ('__root__',)`);
  else if (!(AWS_SES_AUTH_METHODS as readonly unknown[]).includes(raw.auth_method)) {
    problems.push(`value is not a valid enumeration member; permitted: ${AWS_SES_AUTH_METHODS.map((m) => `'${m}'`).join(', ')} ('auth_method',)`);
  }
  if (raw.auth_method === 'secret_keys' && (!given('aws_access_key_id') || !given('aws_secret_access_key')))
    problems.push(`${AWS_SES_KEYS_REQUIRED} ('__root__',)`);
  const arn = raw.aws_assume_role_arn;
  if (typeof arn === 'string' && arn.trim() !== '' && !AWS_ROLE_ARN.test(arn.trim())) problems.push(`${AWS_ROLE_ARN_FORMAT} ('aws_assume_role_arn',)`);
  const topics = raw.aws_sns_topic_arn;
  if (typeof topics === 'string' && topics.trim() !== '' && !snsTopicArns(topics)) problems.push(`${AWS_SNS_TOPIC_ARN_FORMAT} ('aws_sns_topic_arn',)`);
  return problems;
}

export const WEBHOOK_PUBLIC_KEY_FORMAT = 'The webhook public key must be an ECDSA P-256 public key, base64 (as SendGrid shows it) or PEM';

/** SendGrid's verification key: base64 of the DER SubjectPublicKeyInfo, or the same as PEM; P-256 only. */
export function isWebhookPublicKey(text: string): boolean {
  const trimmed = text.trim();
  try {
    const key = trimmed.startsWith('-----')
      ? createPublicKey(trimmed)
      : /^[A-Za-z0-9+/=\s]+$/.test(trimmed)
        ? createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' })
        : undefined;
    return key?.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

/**
 * Validates secrets for a service type as Fides does, answering problems as its 400 list of strings
 * (`"field required ('mailgun_api_key',)"`). Returns the object to store. Messages never contain a value.
 */
export function validateMessagingSecrets(serviceType: MessagingServiceType, raw: unknown): MessagingSecrets {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new HeraldError('bad_request', ["value is not a valid dict ('__root__',)"]);
  }
  const schema = SCHEMAS[serviceType];
  if (Object.values(raw).some((v) => typeof v === 'object' && v !== null)) {
    // Every secret is a string or a boolean; an object (one with a `constructor` key would crash class-transformer) is not.
    const key = Object.entries(raw).find(([, v]) => typeof v === 'object' && v !== null)![0];
    throw new HeraldError('bad_request', [`str type expected ('${key}',)`]);
  }
  const instance = plainToInstance(schema.type, raw);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  const problems = issuesOf(errors, []).map((i) => `${i.msg} (${i.loc.map((l) => `'${l}'`).join(', ')},)`);
  if (serviceType === MessagingServiceType.TWILIO_TEXT) {
    const { twilio_messaging_service_sid: sid, twilio_sender_phone_number: phone } = raw as Record<string, unknown>;
    if (!sid && !phone) problems.push(`${TWILIO_SENDER_REQUIRED} ('__root__',)`);
    if (phone && (typeof phone !== 'string' || !/^\+\d+$/.test(phone))) problems.push(`${TWILIO_PHONE_FORMAT} ('__root__',)`);
  }
  if (serviceType === MessagingServiceType.TWILIO_EMAIL) {
    const { twilio_email_webhook_public_key: key } = raw as Record<string, unknown>;
    if (typeof key === 'string' && key.trim() !== '' && !isWebhookPublicKey(key))
      problems.push(`${WEBHOOK_PUBLIC_KEY_FORMAT} ('twilio_email_webhook_public_key',)`);
  }
  if (serviceType === MessagingServiceType.AWS_SES) problems.push(...awsSesProblems(raw as Record<string, unknown>));
  if (problems.length > 0) throw new HeraldError('bad_request', problems);
  const values = raw as Record<string, unknown>;
  const extras = (schema.extras ?? []).filter((k) => values[k] !== undefined && values[k] !== null).map((k) => [k, values[k]]);
  return Object.fromEntries([...schema.keys.map((k) => [k, values[k] ?? null]), ...extras]) as MessagingSecrets;
}
