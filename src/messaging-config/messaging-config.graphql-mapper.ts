import { camelCaseLoc, invalid, type Loc } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import type {
  MessagingConfigDetailsObject,
  MessagingConfigInput,
  MessagingConfigObject,
  MessagingDefaultInput,
  MessagingSecretsInput,
} from './dto/messaging-config.graphql.js';
import { validateDetails, type MessagingConfigDetails } from './messaging-config-details.js';
import type { MessagingConfigEntity } from './messaging-config.entity.js';
import type { SaveMessagingConfigCommand } from './messaging-config.service.js';

// GraphQL's shapes, both ways: typed inputs into the service's command and raw secrets (problems located in Fides'
// names relative to the input; `configLoc` renames them into GraphQL's), entities into GraphQL objects.

function detailsObject(d: MessagingConfigDetails | null): MessagingConfigDetailsObject | null {
  if (!d) return null;
  const useProviderTemplate = 'use_provider_template' in d && d.use_provider_template === true;
  if ('is_eu_domain' in d) return { domain: d.domain, isEuDomain: d.is_eu_domain, apiVersion: d.api_version, useProviderTemplate };
  if ('twilio_email_from' in d) return { twilioEmailFrom: d.twilio_email_from, useProviderTemplate };
  if ('aws_region' in d) return { awsRegion: d.aws_region, emailFrom: d.email_from, domain: d.domain, configurationSetName: d.configuration_set_name ?? null };
  if ('host' in d) return { host: d.host, port: d.port, security: d.security, emailFrom: d.email_from };
  return { emailFrom: d.email_from };
}

export function toMessagingConfigObject(c: MessagingConfigEntity, knownHasSecrets?: boolean): MessagingConfigObject {
  return {
    key: c.key,
    name: c.name,
    serviceType: c.serviceType,
    details: detailsObject(c.details),
    id: c.id,
    knownHasSecrets,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    lastTestTimestamp: c.lastTestTimestamp ?? null,
    lastTestSucceeded: c.lastTestSucceeded ?? null,
  };
}

/** The details input fields a config or default input may carry. */
type DetailsFields = Partial<Pick<MessagingConfigInput, 'mailgun' | 'twilioEmail' | 'mailchimpTransactional' | 'smtp' | 'awsSes'>>;

/** Each details field of the input, as Fides' `details`. */
const DETAILS_INPUTS: Readonly<Record<string, (input: DetailsFields) => Record<string, unknown> | undefined>> = {
  mailgun: ({ mailgun: m }) => m && { domain: m.domain, is_eu_domain: m.isEuDomain, api_version: m.apiVersion, ...providerTemplate(m.useProviderTemplate) },
  twilioEmail: ({ twilioEmail: t }) => t && { twilio_email_from: t.twilioEmailFrom, ...providerTemplate(t.useProviderTemplate) },
  mailchimpTransactional: ({ mailchimpTransactional: m }) => m && { email_from: m.emailFrom },
  smtp: ({ smtp }) => smtp && { host: smtp.host, port: smtp.port ?? undefined, security: smtp.security ?? undefined, email_from: smtp.emailFrom },
  awsSes: ({ awsSes: s }) =>
    s && { aws_region: s.awsRegion, email_from: s.emailFrom ?? null, domain: s.domain ?? null, configuration_set_name: s.configurationSetName ?? null },
};

/** Fides' `details` from the input's typed fields; null when none is given, a 422 when several are. */
function rawDetails(input: DetailsFields): Record<string, unknown> | null {
  const given = Object.entries(DETAILS_INPUTS)
    .map(([field, read]) => [field, read(input)] as const)
    .filter(([, details]) => details !== undefined && details !== null);
  if (given.length > 1) throw invalid([], `give one kind of details, not ${given.map(([field]) => field).join(' and ')}`);
  return given[0]?.[1] ?? null;
}

/** The input as the service's command: its details (given as `mailgun`, `twilioEmail`, ...) checked for the service type. */
export function toSaveCommand(input: MessagingConfigInput): SaveMessagingConfigCommand {
  const details = rawDetails(input);
  // AWS SES details share `domain` with Mailgun's: across the two, a key's place in the input would be ambiguous.
  const ses = input.serviceType === MessagingServiceType.AWS_SES;
  const foreign = ses ? (input.mailgun ? 'mailgun' : input.twilioEmail ? 'twilioEmail' : undefined) : input.awsSes ? 'awsSes' : undefined;
  if (foreign) throw invalid([foreign], `this config is of service type ${input.serviceType}: give the details for that type`);
  return { name: input.name, key: input.key ?? undefined, serviceType: input.serviceType, details: validateDetails(input.serviceType, details) };
}

/** The default input's details for `MessagingDefaultService.put`: undefined (keep) when neither field is given. */
export const defaultDetailsOf = (input: MessagingDefaultInput): Record<string, unknown> | undefined => rawDetails(input) ?? undefined;

/** The D32 switch as a details key, only when given (an absent key keeps Fides' details). */
const providerTemplate = (value: boolean | null | undefined) => (value === undefined || value === null ? {} : { use_provider_template: value });

/** Where each key of Fides' `details` travels in the GraphQL input. */
const DETAILS_FIELDS: Readonly<Record<string, Loc>> = {
  domain: ['mailgun', 'domain'],
  is_eu_domain: ['mailgun', 'isEuDomain'],
  api_version: ['mailgun', 'apiVersion'],
  twilio_email_from: ['twilioEmail', 'twilioEmailFrom'],
  host: ['smtp', 'host'],
  port: ['smtp', 'port'],
  security: ['smtp', 'security'],
};

/** Details keys that several types share, by the service type's input field. */
const SHARED_DETAILS_FIELDS: Readonly<Record<string, Readonly<Partial<Record<MessagingServiceType, Loc>>>>> = {
  email_from: { [MessagingServiceType.MAILCHIMP_TRANSACTIONAL]: ['mailchimpTransactional', 'emailFrom'], [MessagingServiceType.SMTP]: ['smtp', 'emailFrom'] },
};

/** The same for the types whose keys another type also has (`domain`), by service type. */
const DETAILS_FIELDS_OF: Readonly<Partial<Record<MessagingServiceType, Readonly<Record<string, Loc>>>>> = {
  [MessagingServiceType.AWS_SES]: {
    aws_region: ['awsSes', 'awsRegion'],
    email_from: ['awsSes', 'emailFrom'],
    domain: ['awsSes', 'domain'],
    configuration_set_name: ['awsSes', 'configurationSetName'],
    __root__: ['awsSes'],
  },
};

/** The input field that carries a service type's details. */
const DETAILS_FIELD: Readonly<Partial<Record<MessagingServiceType, string>>> = {
  [MessagingServiceType.MAILGUN]: 'mailgun',
  [MessagingServiceType.TWILIO_EMAIL]: 'twilioEmail',
  [MessagingServiceType.MAILCHIMP_TRANSACTIONAL]: 'mailchimpTransactional',
  [MessagingServiceType.SMTP]: 'smtp',
  [MessagingServiceType.AWS_SES]: 'awsSes',
};

/**
 * A `loc` relative to the config command, in the GraphQL input's names: Fides' `details.<key>` is where that key
 * travels (`['details', 'is_eu_domain']` → `['mailgun', 'isEuDomain']`), and details missing for a service type
 * (Fides' `__root__`) are the field that should carry them (`['mailgun']`).
 */
export const configLoc =
  (serviceType: MessagingServiceType) =>
  (loc: Loc): Loc => {
    const [head, key, ...rest] = loc;
    const carrier = DETAILS_FIELD[serviceType];
    if (head === '__root__' && carrier) return [carrier, ...(key === undefined ? [] : [key]), ...rest];
    if (head === 'details' && key === 'use_provider_template' && carrier) return [carrier, 'useProviderTemplate', ...rest];
    const own = DETAILS_FIELDS_OF[serviceType];
    if (head === 'details' && typeof key === 'string' && own?.[key]) return [...own[key], ...rest];
    const field = typeof key === 'string' ? (SHARED_DETAILS_FIELDS[key]?.[serviceType] ?? DETAILS_FIELDS[key]) : undefined;
    if (head === 'details' && field) return [...field, ...rest];
    return camelCaseLoc(loc);
  };

/** Secrets come as exactly one kind (checked before the config is looked up). */
export function checkOneKindOfSecrets(input: MessagingSecretsInput): void {
  const given = [input.mailgun, input.twilioText, input.twilioEmail, input.mailchimpTransactional, input.smtp, input.awsSes].filter(
    (v) => v !== undefined && v !== null,
  );
  if (given.length !== 1) throw invalid([], 'exactly one of mailgun, twilioText, twilioEmail, mailchimpTransactional, smtp or awsSes is required');
}

/** The typed secrets as the snake_case object the service validates for the config's service type (and Fides stores). */
export function toRawSecrets(serviceType: MessagingServiceType, input: MessagingSecretsInput): Record<string, unknown> {
  switch (serviceType) {
    case MessagingServiceType.MAILGUN:
      if (!input.mailgun) throw mismatch('mailgun', serviceType);
      return { mailgun_api_key: input.mailgun.apiKey, mailgun_webhook_signing_key: input.mailgun.webhookSigningKey };
    case MessagingServiceType.TWILIO_TEXT:
      if (!input.twilioText) throw mismatch('twilioText', serviceType);
      return {
        twilio_account_sid: input.twilioText.accountSid,
        twilio_auth_token: input.twilioText.authToken,
        twilio_messaging_service_sid: input.twilioText.messagingServiceSid ?? null,
        twilio_sender_phone_number: input.twilioText.senderPhoneNumber ?? null,
      };
    case MessagingServiceType.TWILIO_EMAIL:
      if (!input.twilioEmail) throw mismatch('twilioEmail', serviceType);
      return { twilio_api_key: input.twilioEmail.apiKey, twilio_email_webhook_public_key: input.twilioEmail.webhookPublicKey };
    case MessagingServiceType.MAILCHIMP_TRANSACTIONAL:
      if (!input.mailchimpTransactional) throw mismatch('mailchimpTransactional', serviceType);
      return {
        mailchimp_transactional_api_key: input.mailchimpTransactional.apiKey,
        mailchimp_transactional_webhook_key: input.mailchimpTransactional.webhookKey,
      };
    case MessagingServiceType.SMTP:
      if (!input.smtp) throw mismatch('smtp', serviceType);
      return { smtp_username: input.smtp.username, smtp_password: input.smtp.password };
    case MessagingServiceType.AWS_SES:
      if (!input.awsSes) throw mismatch('awsSes', serviceType);
      return {
        auth_method: input.awsSes.authMethod,
        aws_access_key_id: input.awsSes.accessKeyId ?? null,
        aws_secret_access_key: input.awsSes.secretAccessKey ?? null,
        aws_assume_role_arn: input.awsSes.assumeRoleArn ?? null,
        aws_sns_topic_arn: input.awsSes.snsTopicArn,
      };
  }
}

const mismatch = (field: string, serviceType: MessagingServiceType) =>
  invalid([field], `this config is of service type ${serviceType}: give the secrets for that type`);
