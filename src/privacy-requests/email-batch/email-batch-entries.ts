import type { EntityManager } from 'typeorm';
import type { ErasureEmailIdentityTypesView, RequestIdentity } from './email-batch.types.js';

/** One request listed in one connector's email of one batch (table `email_batch_entry`). */
export interface EmailBatchEntry {
  batchId: string;
  privacyRequestId: string;
  connectionId: string;
  connectionKey: string;
  connectionName: string;
  messageId: string;
  messageKey: string;
}

const COLUMNS = `batch_id AS "batchId", privacy_request_id AS "privacyRequestId", connection_id AS "connectionId",
  connection_key AS "connectionKey", connection_name AS "connectionName", message_id AS "messageId", message_key AS "messageKey"`;

/** The batch email's idempotency key: one message per batch and connector. */
export const batchMessageKey = (batchId: string, connectionId: string) => `email-batch:${batchId}:${connectionId}`;

export async function insertEntries(m: EntityManager, entries: EmailBatchEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await m.query(
    `INSERT INTO email_batch_entry (batch_id, privacy_request_id, connection_id, connection_key, connection_name, message_id, message_key)
     SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::uuid[], $4::varchar[], $5::varchar[], $6::uuid[], $7::varchar[])`,
    [
      entries.map((e) => e.batchId),
      entries.map((e) => e.privacyRequestId),
      entries.map((e) => e.connectionId),
      entries.map((e) => e.connectionKey),
      entries.map((e) => e.connectionName),
      entries.map((e) => e.messageId),
      entries.map((e) => e.messageKey),
    ],
  );
}

/** Every entry of the requests (any batch), oldest first. */
export function entriesOfRequests(m: EntityManager, privacyRequestIds: string[]): Promise<EmailBatchEntry[]> {
  if (privacyRequestIds.length === 0) return Promise.resolve([]);
  return m.query<EmailBatchEntry[]>(`SELECT ${COLUMNS} FROM email_batch_entry WHERE privacy_request_id = ANY($1::varchar[]) ORDER BY created_at`, [
    privacyRequestIds,
  ]);
}

/** The entries of these messages (batch emails). */
export function entriesOfMessages(m: EntityManager, messageIds: string[]): Promise<EmailBatchEntry[]> {
  return m.query<EmailBatchEntry[]>(`SELECT ${COLUMNS} FROM email_batch_entry WHERE message_id = ANY($1::uuid[])`, [messageIds]);
}

/** The requests listed in these messages (batch emails), for their wake-up. */
export async function requestsOfMessages(m: EntityManager, messageIds: string[]): Promise<string[]> {
  const rows = await m.query<{ id: string }[]>(`SELECT DISTINCT privacy_request_id AS id FROM email_batch_entry WHERE message_id = ANY($1::uuid[])`, [
    messageIds,
  ]);
  return rows.map((row) => row.id);
}

/**
 * The identity values of a request that a connector lists (Fides: the connector's identity types the request has),
 * email first.
 */
export function identitiesFor(identity: RequestIdentity, types: ErasureEmailIdentityTypesView): string[] {
  const values: string[] = [];
  if (types.email && identity.email?.trim()) values.push(identity.email.trim());
  if (types.phone_number && identity.phone_number?.trim()) values.push(identity.phone_number.trim());
  return values;
}
