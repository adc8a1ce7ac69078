import { RequestValidationError } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import type { Static } from '../common/openapi.js';
import type { EmailConfigRequestDto, MessagingConfigRequestDto } from './dto/messaging-config.request.dto.js';
import { mailgunDetails, validateDetails } from './messaging-config-details.js';
import type { MessagingConfigEntity } from './messaging-config.entity.js';
import type { EMAIL_CONFIG, MESSAGING_CONFIG, MESSAGING_DEFAULT_CONFIG, MESSAGING_DEFAULT_STATUS, SECRETS_UPDATED } from './messaging-config.openapi.js';
import type { SaveMessagingConfigCommand } from './messaging-config.service.js';
import type { DefaultStatus } from './messaging-default.service.js';
import { fidesValue } from './messaging-default.texts.js';

// REST's shapes, both ways: request DTOs into the service's command (validation problems located relative to the
// body; the controller puts them under `body`), entities into the answers `messaging-config.openapi.ts` describes.

/** Fides' MessagingConfigResponse: exactly these four keys (the schema is the one source of the shape). */
export type MessagingConfigResponse = Static<typeof MESSAGING_CONFIG>;
export type EmailConfigResponse = Static<typeof EMAIL_CONFIG>;
export type SecretsUpdatedResponse = Static<typeof SECRETS_UPDATED>;
export type MessagingDefaultResponse = Static<typeof MESSAGING_DEFAULT_CONFIG>;
export type MessagingDefaultStatusResponse = Static<typeof MESSAGING_DEFAULT_STATUS>;

/** Fides' body, its details checked for its service type. */
export const toConfigCommand = (dto: MessagingConfigRequestDto): SaveMessagingConfigCommand => ({
  name: dto.name,
  key: dto.key ?? undefined,
  serviceType: dto.service_type,
  details: validateDetails(dto.service_type, dto.details),
});

/** fidesops' body: always Mailgun, details required. */
export const toEmailConfigCommand = (dto: EmailConfigRequestDto): SaveMessagingConfigCommand => ({
  name: dto.name,
  key: dto.key ?? undefined,
  serviceType: MessagingServiceType.MAILGUN,
  details: RequestValidationError.prefixed(['details'], () => mailgunDetails(dto.details)),
});

export const toFidesResponse = (c: MessagingConfigEntity): MessagingConfigResponse => ({
  name: c.name,
  key: c.key,
  service_type: c.serviceType,
  details: c.details,
});

/** fidesops' EmailConfigResponse: the service type in lower case. */
export const toFidesopsResponse = (c: MessagingConfigEntity): EmailConfigResponse => ({
  ...toFidesResponse(c),
  service_type: 'mailgun',
});

export const secretsUpdated = (msg: string): SecretsUpdatedResponse => ({ msg, test_status: null, failure_reason: null });

/** The later routes' shape (decision D31); the 2022 routes keep `toFidesResponse`. */
export const toDefaultResponse = (c: MessagingConfigEntity): MessagingDefaultResponse => ({
  service_type: fidesValue(c.serviceType),
  details: c.details,
  name: c.name,
  key: c.key,
  last_test_timestamp: c.lastTestTimestamp?.toISOString() ?? null,
  last_test_succeeded: c.lastTestSucceeded ?? null,
});

export const toDefaultStatusResponse = (s: DefaultStatus): MessagingDefaultStatusResponse => ({
  config_status: s.configured ? 'configured' : 'not configured',
  detail: s.detail,
});
