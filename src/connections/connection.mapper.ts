import { fidesDateTime } from '../common/datetime.js';
import type { Static } from '../common/openapi.js';
import type { ConnectionEntity } from './connection.entity.js';
import type { ConnectionFilter, UpsertConnectionCommand } from './connection.types.js';
import type { BulkResult, SecretsResult } from './connections.service.js';
import type { CONNECTION, CONNECTION_BULK_RESULT, TEST_STATUS_MESSAGE } from './connections.openapi.js';
import type { ConnectionListQuery, ConnectionRequestDto } from './dto/connection.request.dto.js';

// REST's shapes, both ways: request DTOs into the service's commands, entities and outcomes into the answers
// `connections.openapi.ts` describes (its schemas are the one source of those shapes).

/** Fides' ConnectionConfigurationResponse: exactly these keys (secrets and disabled_at never). */
export type ConnectionResponse = Static<typeof CONNECTION>;
export type ConnectionBulkResponse = Static<typeof CONNECTION_BULK_RESULT>;
/** Fides' TestStatusMessage. */
export type TestStatusMessage = Static<typeof TEST_STATUS_MESSAGE>;

export const toUpsertCommand = (dto: ConnectionRequestDto): UpsertConnectionCommand => ({
  name: dto.name,
  key: dto.key ?? null,
  connectionType: dto.connection_type,
  access: dto.access,
  disabled: dto.disabled ?? false,
  description: dto.description ?? null,
});

export const toConnectionFilter = (q: ConnectionListQuery): ConnectionFilter => ({
  search: q.search,
  connectionTypes: q.connection_type,
  disabled: q.disabled,
  testStatus: q.test_status,
  // Fides' `database` is every type but saas and manual, so it keeps email connectors; the others keep none.
  none: q.system_type !== undefined && q.system_type !== 'database',
});

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
export const toFailedItemData = (i: UpsertConnectionCommand): ConnectionBulkResponse['failed'][number]['data'] => ({
  name: i.name,
  key: i.key,
  connection_type: i.connectionType,
  access: i.access,
  disabled: i.disabled,
  description: i.description,
});

export const toBulkResponse = (r: BulkResult): ConnectionBulkResponse => ({
  succeeded: r.succeeded.map(toConnectionResponse),
  failed: r.failed.map((f) => ({ message: f.message, data: toFailedItemData(f.input) })),
});

export const toTestStatusMessage = (msg: string, r: SecretsResult): TestStatusMessage => ({
  msg,
  test_status: r.test?.status ?? null,
  failure_reason: r.test?.reason ?? null,
});
