import type { MessagingConfigDetails } from './messaging-config-details.js';
import type { MessagingConfigEntity } from './messaging-config.entity.js';

/** Fides' MessagingConfigResponse: exactly these four keys. */
export interface MessagingConfigResponse {
  name: string;
  key: string;
  service_type: string;
  details: MessagingConfigDetails | null;
}

export const toFidesResponse = (c: MessagingConfigEntity): MessagingConfigResponse => ({
  name: c.name,
  key: c.key,
  service_type: c.serviceType,
  details: c.details,
});

/** fidesops' EmailConfigResponse: the service type in lower case. */
export const toFidesopsResponse = (c: MessagingConfigEntity): MessagingConfigResponse => ({
  ...toFidesResponse(c),
  service_type: c.serviceType.toLowerCase(),
});

export interface SecretsUpdatedResponse {
  msg: string;
  test_status: null;
  failure_reason: null;
}

export const secretsUpdated = (msg: string): SecretsUpdatedResponse => ({ msg, test_status: null, failure_reason: null });
