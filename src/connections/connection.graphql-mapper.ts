import type { ConnectionEntity } from './connection.entity.js';
import type { ConnectionFilter, SetConnectionSecretsCommand, UpsertConnectionCommand } from './connection.types.js';
import type { BulkResult, SecretsResult } from './connections.service.js';
import type {
  ConnectionBulkResultObject,
  ConnectionInput,
  ConnectionListArgs,
  ConnectionObject,
  ConnectionTestResultObject,
  EmailConnectionSecretsInput,
  ErasureEmailConnectionSecretsInput,
} from './dto/connection.graphql.js';

// GraphQL's shapes, both ways: typed inputs and args into the service's commands, entities and outcomes into GraphQL
// objects. The service's validation problems are in Fides' names; the resolver renames them (`camelCaseLoc`).

export const toConnectionFilter = (args: ConnectionListArgs): ConnectionFilter => ({
  search: args.search,
  connectionTypes: args.connectionTypes,
  disabled: args.disabled,
  testStatus: args.testStatus,
});

export const toUpsertCommand = (input: ConnectionInput): UpsertConnectionCommand => ({
  name: input.name,
  key: input.key ?? null,
  connectionType: input.connectionType,
  access: input.access,
  disabled: input.disabled ?? false,
  description: input.description ?? null,
});

/** Decision D34: the typed secrets as Fides' ExtendedEmailSchema object, which the service checks. */
export const toErasureEmailSecretsCommand = (input: ErasureEmailConnectionSecretsInput, verify: boolean): SetConnectionSecretsCommand => ({
  secrets: {
    third_party_vendor_name: input.thirdPartyVendorName,
    recipient_email_address: input.recipientEmailAddress,
    test_email_address: input.testEmailAddress ?? null,
    ...(input.identityTypes
      ? { advanced_settings: { identity_types: { email: input.identityTypes.email ?? true, phone_number: input.identityTypes.phoneNumber ?? false } } }
      : {}),
  },
  verify,
});

/** The typed secrets as Fides' EmailSchema object, which the service checks. */
export const toSecretsCommand = (input: EmailConnectionSecretsInput, verify: boolean): SetConnectionSecretsCommand => ({
  secrets: { to_email: input.toEmail, test_email: input.testEmail ?? null },
  verify,
});

export function toConnectionObject(c: ConnectionEntity, knownHasSecrets?: boolean): ConnectionObject {
  return {
    id: c.id,
    key: c.key,
    name: c.name,
    description: c.description,
    connectionType: c.connectionType,
    access: c.access,
    disabled: c.disabled,
    disabledAt: c.disabledAt,
    lastTestTimestamp: c.lastTestTimestamp,
    lastTestSucceeded: c.lastTestSucceeded,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    knownHasSecrets,
  };
}

/** A refused item is echoed as it was given (its command holds the same six fields). */
export const toBulkResultObject = (r: BulkResult): ConnectionBulkResultObject => ({
  succeeded: r.succeeded.map((c) => toConnectionObject(c)),
  failed: r.failed.map((f) => ({ message: f.message, data: f.input })),
});

export const toTestResultObject = (r: SecretsResult, knownHasSecrets?: boolean): ConnectionTestResultObject => ({
  connection: toConnectionObject(r.connection, knownHasSecrets),
  testStatus: r.test?.status ?? null,
  failureReason: r.test?.reason ?? null,
  messageId: r.test?.messageId ?? null,
});
