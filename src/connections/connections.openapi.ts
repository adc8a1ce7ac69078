import { alwaysNull, boolean, bulkResultOf, dateTime, enumOf, model, nullable, object, string } from '../common/openapi.js';
import { AccessLevel, ConnectionType, TestStatus } from './connection.types.js';

const CONNECTION_TYPE = enumOf(Object.values(ConnectionType));
const ACCESS = enumOf(Object.values(AccessLevel));

/** Fides' ConnectionConfigurationResponse (never the secrets). */
export const CONNECTION = model(
  'Connection',
  object({
    name: string,
    key: string,
    description: nullable(string),
    connection_type: CONNECTION_TYPE,
    access: ACCESS,
    created_at: dateTime,
    updated_at: dateTime,
    disabled: boolean,
    last_test_timestamp: nullable(dateTime),
    last_test_succeeded: nullable(boolean),
    saas_config: alwaysNull('Always null: Herald has no SaaS connectors'),
  }),
);

/** `PATCH /connection`: each item stored or refused on its own; a refused item is echoed with its message. */
export const CONNECTION_BULK_RESULT = model(
  'ConnectionBulkResult',
  bulkResultOf(
    CONNECTION,
    object({ name: string, key: nullable(string), connection_type: CONNECTION_TYPE, access: ACCESS, disabled: boolean, description: nullable(string) }),
  ),
);

/** Fides' TestStatusMessage: the test is absent (null) when the secrets were stored without one. */
export const TEST_STATUS_MESSAGE = model(
  'TestStatusMessage',
  object({ msg: string, test_status: nullable(enumOf(Object.values(TestStatus))), failure_reason: nullable(string) }),
);
