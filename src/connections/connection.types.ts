import type { AccessLevel, ConnectionType } from './connection.entity.js';

// Types shared by the service, its tester and its DTOs, on their own so that neither imports the service back
// (no cycle, docs/architecture.md rule 6).

/** A create-or-update item, validated by the transport. */
export interface ConnectionInput {
  name: string;
  key: string | null;
  connectionType: ConnectionType;
  access: AccessLevel;
  disabled: boolean;
  description: string | null;
}

export type TestStatusFilter = 'passed' | 'failed' | 'untested';

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
