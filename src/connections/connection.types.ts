// The connections' domain types, shared by the entity, the service, its tester, the mappers and the DTOs, on their own
// so that none of them imports the service back (no cycle, docs/architecture.md rule 6).
//
// Each enumeration is declared once here, as a const object: its values are the type (`'email'`), GraphQL registers
// the object itself (dto/connection.graphql.ts, keys as GraphQL's names) and OpenAPI lists its values
// (connections.openapi.ts, dto/connection.request.dto.ts).

/**
 * Decision D14: Herald keeps third-party email connectors only: `email` (one email per request and dataset) and, by
 * decision D34, `generic_erasure_email` (one weekly email per connector listing the identities of every waiting request).
 */
export const ConnectionType = { EMAIL: 'email', GENERIC_ERASURE_EMAIL: 'generic_erasure_email' } as const;
export type ConnectionType = (typeof ConnectionType)[keyof typeof ConnectionType];

/** `write` lets erasure requests email the third party. */
export const AccessLevel = { READ: 'read', WRITE: 'write' } as const;
export type AccessLevel = (typeof AccessLevel)[keyof typeof AccessLevel];

/** How a connection's last test went, for filtering lists. */
export const TestStatusFilter = { PASSED: 'passed', FAILED: 'failed', UNTESTED: 'untested' } as const;
export type TestStatusFilter = (typeof TestStatusFilter)[keyof typeof TestStatusFilter];

/** The outcome of a connection test. */
export const TestStatus = { SUCCEEDED: 'succeeded', FAILED: 'failed' } as const;
export type TestStatus = (typeof TestStatus)[keyof typeof TestStatus];

/**
 * One create-or-update item, validated by the transport. Problems the service finds are located relative to the
 * list of commands (`[3, 'name']`).
 */
export interface UpsertConnectionCommand {
  name: string;
  key: string | null;
  connectionType: ConnectionType;
  access: AccessLevel;
  disabled: boolean;
  description: string | null;
}

/**
 * New secrets for a connection: the raw object (Fides' EmailSchema, validated by the service after the connection is
 * found; problems located relative to it, `['to_email']`), and whether to send the test email.
 */
export interface SetConnectionSecretsCommand {
  secrets: unknown;
  verify: boolean;
}

export interface ConnectionFilter {
  search?: string;
  connectionTypes?: string[];
  disabled?: boolean;
  testStatus?: TestStatusFilter;
  /** A filter no connection can match (Fides' system types other than `database`). */
  none?: boolean;
}

/** The email connector's secrets as stored (Fides' shape: `url` kept, always null). */
export interface EmailSecrets {
  to_email: string;
  test_email: string | null;
  url: null;
}

/** The identity types a `generic_erasure_email` connector lists (Fides' `advanced_settings.identity_types`). */
export interface ErasureEmailIdentityTypes {
  email: boolean;
  phone_number: boolean;
}

/** A `generic_erasure_email` connector's secrets as stored (Fides' ExtendedEmailSchema). */
export interface ErasureEmailSecrets {
  third_party_vendor_name: string;
  recipient_email_address: string;
  test_email_address: string | null;
  advanced_settings: { identity_types: ErasureEmailIdentityTypes };
}

/** Either kind of connection's secrets; the connection's type says which. */
export type ConnectionSecrets = EmailSecrets | ErasureEmailSecrets;
