import { MessagingServiceType } from '../common/messaging-service-type.js';
import { boolean, dateTime, enumOf, integer, model, NULL, nullable, object, oneOf, string } from '../common/openapi.js';

const PROVIDER_TEMPLATE = {
  ...boolean,
  description: "Herald's own (decision D32): send through the provider's stored template named `fides` when it exists; shown only when set",
};
const MAILGUN_DETAILS = object({ domain: string, is_eu_domain: boolean, api_version: string, use_provider_template: PROVIDER_TEMPLATE }, [
  'use_provider_template',
]);
const TWILIO_EMAIL_DETAILS = object({ twilio_email_from: string, use_provider_template: PROVIDER_TEMPLATE }, ['use_provider_template']);
const MAILCHIMP_TRANSACTIONAL_DETAILS = object({ email_from: string });
const CONFIGURATION_SET = {
  ...string,
  description: "Herald's own: the SES configuration set every send names (its event destinations publish delivery events); shown only when set",
};
const AWS_SES_DETAILS = object({ aws_region: string, email_from: nullable(string), domain: nullable(string), configuration_set_name: CONFIGURATION_SET }, [
  'configuration_set_name',
]);
const SMTP_DETAILS = object({ host: string, port: integer, security: enumOf(['starttls', 'tls', 'none']), email_from: string });

const DETAILS = oneOf(
  [MAILGUN_DETAILS, TWILIO_EMAIL_DETAILS, MAILCHIMP_TRANSACTIONAL_DETAILS, SMTP_DETAILS, AWS_SES_DETAILS, NULL],
  "The service type's details (see the request body); null for TWILIO_TEXT",
);

const configOf = <const T extends readonly string[]>(serviceTypes: T) =>
  object({
    name: string,
    key: string,
    service_type: enumOf(serviceTypes),
    details: DETAILS,
  });

/** Fides' MessagingConfigResponse. */
export const MESSAGING_CONFIG = model('MessagingConfig', configOf(Object.values(MessagingServiceType)));

/** fidesops' EmailConfigResponse: the same, the service type in lower case. */
export const EMAIL_CONFIG = model('EmailConfig', configOf(['mailgun']));

/** The answer to a secrets update (Fides' TestMessagingStatusMessage: no test is run). */
export const SECRETS_UPDATED = model('SecretsUpdated', object({ msg: string, test_status: nullable(string), failure_reason: nullable(string) }));

/** The later routes' MessagingConfigResponse (decision D31): the service type as Fides now spells it, and the last test. */
export const MESSAGING_DEFAULT_CONFIG = model(
  'MessagingDefaultConfig',
  object({
    service_type: enumOf(Object.values(MessagingServiceType).map((t) => t.toLowerCase())),
    details: DETAILS,
    name: string,
    key: string,
    last_test_timestamp: nullable(dateTime),
    last_test_succeeded: nullable(boolean),
  }),
);

/** `GET /messaging/default/status`. */
export const MESSAGING_DEFAULT_STATUS = model(
  'MessagingDefaultStatus',
  object({ config_status: enumOf(['configured', 'not configured'] as const), detail: string }),
);
