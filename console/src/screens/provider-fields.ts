// What each provider's details and secrets consist of (schema.gql's *DetailsInput and *SecretsInput), as form fields.
import type { ConfigDetails, ConfigInput, ServiceType } from '../operations';

export interface FieldSpec {
  name: string;
  label: string;
  kind?: 'text' | 'checkbox' | 'number' | 'select' | 'secret' | 'textarea';
  options?: string[];
  required?: boolean;
  hint?: string;
}

/** The input key of a service type's details and secrets (MessagingConfigInput, MessagingSecretsInput). */
export const INPUT_KEY: Record<ServiceType, 'mailgun' | 'twilioEmail' | 'mailchimpTransactional' | 'awsSes' | 'smtp' | 'twilioText'> = {
  MAILGUN: 'mailgun',
  TWILIO_EMAIL: 'twilioEmail',
  MAILCHIMP_TRANSACTIONAL: 'mailchimpTransactional',
  AWS_SES: 'awsSes',
  SMTP: 'smtp',
  TWILIO_TEXT: 'twilioText',
};

export const DETAIL_FIELDS: Record<ServiceType, FieldSpec[]> = {
  MAILGUN: [
    { name: 'domain', label: 'Domain', required: true },
    { name: 'apiVersion', label: 'API version', hint: 'v3 unless Mailgun says otherwise' },
    { name: 'isEuDomain', label: 'EU domain', kind: 'checkbox' },
    { name: 'useProviderTemplate', label: 'Use the stored template "fides" when it exists', kind: 'checkbox' },
  ],
  TWILIO_EMAIL: [
    { name: 'twilioEmailFrom', label: 'Sender address', required: true },
    { name: 'useProviderTemplate', label: 'Use the dynamic template "fides" when it exists', kind: 'checkbox' },
  ],
  MAILCHIMP_TRANSACTIONAL: [{ name: 'emailFrom', label: 'Sender address', required: true }],
  AWS_SES: [
    { name: 'awsRegion', label: 'AWS region', required: true },
    { name: 'emailFrom', label: 'Sender address', hint: 'give the sender address, the domain or both' },
    { name: 'domain', label: 'Domain' },
    { name: 'configurationSetName', label: 'Configuration set', hint: 'named in every send; its event destinations publish delivery events' },
  ],
  SMTP: [
    { name: 'host', label: 'Host', required: true },
    { name: 'port', label: 'Port', kind: 'number', hint: 'default 587 (starttls), 465 (tls) or 25 (none)' },
    { name: 'security', label: 'Security', kind: 'select', options: ['starttls', 'tls', 'none'] },
    { name: 'emailFrom', label: 'Sender address', required: true },
  ],
  TWILIO_TEXT: [],
};

export const SECRET_FIELDS: Record<ServiceType, FieldSpec[]> = {
  MAILGUN: [
    { name: 'apiKey', label: 'API key', kind: 'secret', required: true },
    { name: 'webhookSigningKey', label: 'Webhook signing key', kind: 'secret', hint: 'verifies the delivery events Mailgun posts' },
  ],
  TWILIO_EMAIL: [
    { name: 'apiKey', label: 'SendGrid API key', kind: 'secret', required: true },
    { name: 'webhookPublicKey', label: 'Event webhook verification key', kind: 'textarea', hint: 'base64 or PEM' },
  ],
  MAILCHIMP_TRANSACTIONAL: [
    { name: 'apiKey', label: 'API key', kind: 'secret', required: true },
    { name: 'webhookKey', label: 'Webhook key', kind: 'secret', hint: 'verifies the delivery events Mandrill posts' },
  ],
  AWS_SES: [
    { name: 'authMethod', label: 'Credentials', kind: 'select', options: ['automatic', 'secret_keys'], required: true },
    { name: 'accessKeyId', label: 'Access key id', kind: 'secret' },
    { name: 'secretAccessKey', label: 'Secret access key', kind: 'secret' },
    { name: 'assumeRoleArn', label: 'Role to assume (ARN)' },
    { name: 'snsTopicArn', label: 'SNS topic ARN(s) of delivery events', hint: 'separated by commas; Herald takes SNS messages of these topics only' },
  ],
  SMTP: [
    { name: 'username', label: 'Username', kind: 'secret', required: true },
    { name: 'password', label: 'Password', kind: 'secret', required: true },
  ],
  TWILIO_TEXT: [
    { name: 'accountSid', label: 'Account SID', kind: 'secret', required: true },
    { name: 'authToken', label: 'Auth token', kind: 'secret', required: true },
    { name: 'messagingServiceSid', label: 'Messaging service SID', kind: 'secret' },
    { name: 'senderPhoneNumber', label: 'Sender phone number (E.164)' },
  ],
};

export type FormValues = Record<string, string | boolean>;

/** A config's details as form values. */
export function detailValues(details: ConfigDetails | null): FormValues {
  if (!details) return {};
  const { __typename: _, ...rest } = details;
  const values: FormValues = {};
  for (const [name, value] of Object.entries(rest)) {
    const field = name === 'sesDomain' ? 'domain' : name === 'sesEmailFrom' ? 'emailFrom' : name;
    values[field] = typeof value === 'boolean' ? value : value === null ? '' : String(value);
  }
  return values;
}

/** Form values as MessagingConfigInput (blank optional fields left out). */
export function configInput(serviceType: ServiceType, name: string, key: string, values: FormValues): ConfigInput {
  const input: ConfigInput = { name, serviceType };
  if (key) input.key = key;
  const fields = DETAIL_FIELDS[serviceType];
  if (fields.length === 0) return input;
  const details: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind === 'checkbox') details[field.name] = value === true;
    else if (typeof value === 'string' && value.trim() !== '') details[field.name] = field.kind === 'number' ? Number(value) : value.trim();
  }
  (input as unknown as Record<string, unknown>)[INPUT_KEY[serviceType]] = details;
  return input;
}

/** Form values as MessagingSecretsInput. */
export function secretsInput(serviceType: ServiceType, values: FormValues): Record<string, Record<string, string>> {
  const secrets: Record<string, string> = {};
  for (const field of SECRET_FIELDS[serviceType]) {
    const value = values[field.name];
    if (typeof value === 'string' && value.trim() !== '') secrets[field.name] = value.trim();
  }
  return { [INPUT_KEY[serviceType]]: secrets };
}
