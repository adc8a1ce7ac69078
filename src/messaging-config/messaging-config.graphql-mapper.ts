import { camelCaseLoc, invalid, type Loc } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import type { MessagingConfigInput, MessagingConfigObject, MessagingDefaultInput, MessagingSecretsInput } from './dto/messaging-config.graphql.js';
import { validateDetails } from './messaging-config-details.js';
import type { MessagingConfigEntity } from './messaging-config.entity.js';
import type { SaveMessagingConfigCommand } from './messaging-config.service.js';

// GraphQL's shapes, both ways: typed inputs into the service's command and raw secrets (problems located in Fides'
// names relative to the input; `configLoc` renames them into GraphQL's), entities into GraphQL objects.

export function toMessagingConfigObject(c: MessagingConfigEntity, knownHasSecrets?: boolean): MessagingConfigObject {
  const d = c.details;
  return {
    key: c.key,
    name: c.name,
    serviceType: c.serviceType,
    details: !d
      ? null
      : 'domain' in d
        ? { domain: d.domain, isEuDomain: d.is_eu_domain, apiVersion: d.api_version, useProviderTemplate: d.use_provider_template === true }
        : { twilioEmailFrom: d.twilio_email_from, useProviderTemplate: d.use_provider_template === true },
    id: c.id,
    knownHasSecrets,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    lastTestTimestamp: c.lastTestTimestamp ?? null,
    lastTestSucceeded: c.lastTestSucceeded ?? null,
  };
}

/** Fides' `details` from the input's typed fields (`mailgun` or `twilioEmail`); null when neither is given. */
function rawDetails(input: Pick<MessagingConfigInput, 'mailgun' | 'twilioEmail'>): Record<string, unknown> | null {
  if (input.mailgun && input.twilioEmail) throw invalid([], 'give mailgun or twilioEmail details, not both');
  return input.mailgun
    ? {
        domain: input.mailgun.domain,
        is_eu_domain: input.mailgun.isEuDomain,
        api_version: input.mailgun.apiVersion,
        ...providerTemplate(input.mailgun.useProviderTemplate),
      }
    : input.twilioEmail
      ? { twilio_email_from: input.twilioEmail.twilioEmailFrom, ...providerTemplate(input.twilioEmail.useProviderTemplate) }
      : null;
}

/** The input as the service's command: its details (given as `mailgun` or `twilioEmail`) checked for the service type. */
export function toSaveCommand(input: MessagingConfigInput): SaveMessagingConfigCommand {
  const details = rawDetails(input);
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
};

/** The input field that carries a service type's details. */
const DETAILS_FIELD: Readonly<Partial<Record<MessagingServiceType, string>>> = {
  [MessagingServiceType.MAILGUN]: 'mailgun',
  [MessagingServiceType.TWILIO_EMAIL]: 'twilioEmail',
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
    if (head === 'details' && typeof key === 'string' && DETAILS_FIELDS[key]) return [...DETAILS_FIELDS[key], ...rest];
    return camelCaseLoc(loc);
  };

/** Secrets come as exactly one kind (checked before the config is looked up). */
export function checkOneKindOfSecrets(input: MessagingSecretsInput): void {
  const given = [input.mailgun, input.twilioText, input.twilioEmail].filter((v) => v !== undefined && v !== null);
  if (given.length !== 1) throw invalid([], 'exactly one of mailgun, twilioText or twilioEmail is required');
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
  }
}

const mismatch = (field: string, serviceType: MessagingServiceType) =>
  invalid([field], `this config is of service type ${serviceType}: give the secrets for that type`);
