import { fidesDateTime } from '../common/datetime.js';
import type { ConnectionEntity } from './connection.entity.js';
import type { BulkResult, ConnectionInput, SecretsResult } from './connections.service.js';

/** Fides' ConnectionConfigurationResponse: exactly these keys (secrets and disabled_at never). */
export interface ConnectionResponse {
  name: string;
  key: string;
  description: string | null;
  connection_type: string;
  access: string;
  created_at: string;
  updated_at: string;
  disabled: boolean;
  last_test_timestamp: string | null;
  last_test_succeeded: boolean | null;
  saas_config: null;
}

export const toConnectionResponse = (c: ConnectionEntity): ConnectionResponse => ({
  name: c.name,
  key: c.key,
  description: c.description,
  connection_type: c.connectionType,
  access: c.access,
  created_at: fidesDateTime(c.createdAt),
  updated_at: fidesDateTime(c.updatedAt),
  disabled: c.disabled,
  last_test_timestamp: fidesDateTime(c.lastTestTimestamp),
  last_test_succeeded: c.lastTestSucceeded,
  saas_config: null,
});

/** A failed item as Fides echoes it: all six fields, the key null when none was given. */
export const toFailedItemData = (i: ConnectionInput) => ({
  name: i.name,
  key: i.key,
  connection_type: i.connectionType,
  access: i.access,
  disabled: i.disabled,
  description: i.description,
});

export const toBulkResponse = (r: BulkResult) => ({
  succeeded: r.succeeded.map(toConnectionResponse),
  failed: r.failed.map((f) => ({ message: f.message, data: toFailedItemData(f.input) })),
});

/** Fides' TestStatusMessage. */
export interface TestStatusMessage {
  msg: string;
  test_status: 'succeeded' | 'failed' | null;
  failure_reason: string | null;
}

export const toTestStatusMessage = (msg: string, r: SecretsResult): TestStatusMessage => ({
  msg,
  test_status: r.test?.status ?? null,
  failure_reason: r.test?.reason ?? null,
});
