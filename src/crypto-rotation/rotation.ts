import type pg from 'pg';
import { ENVELOPE_VERSION, KeyRing } from '../common/crypto/index.js';
import { payloadContext, suppressionContext, suppressionHash, type SealedRecipient } from '../notifications/index.js';
import { accessPackageContext, IdentityVault, identityContext, type Identity } from '../privacy-requests/index.js';
import { secretContext } from '../secrets/index.js';

/** One table with a sealed column: how to find its rows, the context each was sealed with, and what to rewrite with it. */
interface SealedTable {
  table: string;
  primaryKey: string;
  keyType: 'uuid' | 'varchar';
  sealed: string;
  /** Columns the context needs besides the primary key. */
  columns: string[];
  context: (row: Row) => string;
  /** Columns recomputed from the plaintext under the current key (lookup hashes), with their SQL type. */
  derived?: { columns: { name: string; type: string }[]; compute: (plaintext: string) => (string | null)[] };
  /** Set with every rewrite. */
  constant?: string;
}

type Row = Record<string, string> & { pk: string; sealed: string };

/** Per table: what a run did and what it left. */
export interface TableReport {
  table: string;
  /** False when the table does not exist (a database older than the feature that made it). */
  present: boolean;
  total: number;
  /** Rows already sealed under the current key before this run. */
  alreadyCurrent: number;
  resealed: number;
  /** Rows that open with no known key (sealed under a key missing from HERALD_PREVIOUS_ENCRYPTION_KEYS). */
  unreadable: number;
  /** Rows still not under the current key when the run ended: the unreadable ones, and rows locked by Herald meanwhile. */
  left: number;
}

export interface RotationOptions {
  /** Rows per transaction (default 500). */
  batchSize?: number;
  /** One line per table when it is done. */
  log?: (line: string) => void;
}

const MAX_PASSES = 10;

function sealedTables(keys: KeyRing): SealedTable[] {
  const vault = new IdentityVault(keys);
  return [
    {
      table: 'secret',
      primaryKey: 'id',
      keyType: 'uuid',
      sealed: 'envelope',
      columns: ['owner_kind', 'owner_id'],
      context: (r) => secretContext(r.owner_kind, r.owner_id),
      constant: `key_version = ${ENVELOPE_VERSION}`,
    },
    {
      table: 'privacy_request',
      primaryKey: 'id',
      keyType: 'varchar',
      sealed: 'identity',
      columns: [],
      context: (r) => identityContext(r.pk),
      // The lookup hashes change with the key: recomputed from the identity, as the request's creation made them.
      derived: {
        columns: [
          { name: 'email_hash', type: 'varchar' },
          { name: 'phone_number_hash', type: 'varchar' },
        ],
        compute: (plaintext) => {
          const identity = JSON.parse(plaintext) as Identity;
          return [
            identity.email ? vault.hash('email', identity.email) : null,
            identity.phone_number ? vault.hash('phone_number', identity.phone_number) : null,
          ];
        },
      },
    },
    { table: 'access_package', primaryKey: 'request_id', keyType: 'varchar', sealed: 'sealed', columns: [], context: (r) => accessPackageContext(r.pk) },
    { table: 'message', primaryKey: 'id', keyType: 'uuid', sealed: 'payload', columns: [], context: (r) => payloadContext(r.pk) },
    {
      table: 'suppression',
      primaryKey: 'id',
      keyType: 'uuid',
      sealed: 'recipient',
      columns: [],
      context: (r) => suppressionContext(r.pk),
      // The address is kept sealed for this alone: its keyed hash, the only way a suppression is found, changes with the key.
      derived: {
        columns: [{ name: 'recipient_hash', type: 'varchar' }],
        compute: (plaintext) => {
          const { channel, recipient } = JSON.parse(plaintext) as SealedRecipient;
          return [suppressionHash(keys, channel, recipient)];
        },
      },
    },
  ];
}

/**
 * Re-seals every envelope (and recomputes every lookup hash) under the current key of `keys`, which must hold every
 * key the data was sealed under (the current one and HERALD_PREVIOUS_ENCRYPTION_KEYS). Batches of `batchSize` rows,
 * each in its own transaction, in primary-key order; rows already under the current key are never selected, so a run
 * cut short (a crash, Ctrl-C) is continued by running it again, and a second run changes nothing. Rows a running
 * Herald holds locked are skipped (`SKIP LOCKED`) and tried again in a later pass; Herald may keep running meanwhile.
 */
export async function rotateKeys(pool: pg.Pool, keys: KeyRing, options: RotationOptions = {}): Promise<TableReport[]> {
  const batchSize = options.batchSize ?? 500;
  const reports: TableReport[] = [];
  for (const spec of sealedTables(keys)) {
    const report = await rotateTable(pool, keys, spec, batchSize);
    reports.push(report);
    options.log?.(describe(report));
  }
  return reports;
}

async function rotateTable(pool: pg.Pool, keys: KeyRing, spec: SealedTable, batchSize: number): Promise<TableReport> {
  const report: TableReport = { table: spec.table, present: false, total: 0, alreadyCurrent: 0, resealed: 0, unreadable: 0, left: 0 };
  const { rows: found } = await pool.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [spec.table]);
  if (!found[0].present) return report;
  report.present = true;
  const counts = async () =>
    (
      await pool.query<{ total: number; current: number }>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE starts_with(${spec.sealed}, $1))::int AS current FROM ${spec.table}`,
        [keys.currentPrefix],
      )
    ).rows[0];
  const before = await counts();
  report.total = before.total;
  report.alreadyCurrent = before.current;

  // A pass walks the table once; rows skipped as locked are tried again by the next, while passes make progress.
  const unreadable = new Set<string>();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    unreadable.clear();
    let resealed = 0;
    let after: string | undefined;
    for (;;) {
      const batch = await rotateBatch(pool, keys, spec, batchSize, after, unreadable);
      resealed += batch.resealed;
      if (batch.last === undefined) break;
      after = batch.last;
    }
    report.resealed += resealed;
    if (resealed === 0) break;
    const now = await counts();
    if (now.total - now.current <= unreadable.size) break;
  }
  const end = await counts();
  report.total = end.total;
  report.unreadable = unreadable.size;
  report.left = end.total - end.current;
  return report;
}

/** One transaction: up to `batchSize` rows after `after` not under the current key, re-sealed. `last` is undefined at the end. */
async function rotateBatch(
  pool: pg.Pool,
  keys: KeyRing,
  spec: SealedTable,
  batchSize: number,
  after: string | undefined,
  unreadable: Set<string>,
): Promise<{ resealed: number; last: string | undefined }> {
  const select = [
    `SELECT ${spec.primaryKey}::text AS pk, ${spec.sealed} AS sealed${spec.columns.map((c) => `, ${c}`).join('')} FROM ${spec.table}`,
    `WHERE NOT starts_with(${spec.sealed}, $1)${after === undefined ? '' : ` AND ${spec.primaryKey} > $3::${spec.keyType}`}`,
    `ORDER BY ${spec.primaryKey} LIMIT $2 FOR UPDATE SKIP LOCKED`,
  ].join(' ');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<Row>(select, after === undefined ? [keys.currentPrefix, batchSize] : [keys.currentPrefix, batchSize, after]);
    const pks: string[] = [];
    const sealed: string[] = [];
    const derived: (string | null)[][] = (spec.derived?.columns ?? []).map(() => []);
    for (const row of rows) {
      const context = spec.context(row);
      let plaintext: string;
      try {
        plaintext = keys.open(row.sealed, context);
      } catch {
        // Left as it is and counted; the error would only say which key id is missing.
        unreadable.add(row.pk);
        continue;
      }
      pks.push(row.pk);
      sealed.push(keys.seal(plaintext, context));
      spec.derived?.compute(plaintext).forEach((value, i) => derived[i].push(value));
    }
    if (pks.length > 0) {
      const derivedColumns = spec.derived?.columns ?? [];
      const sets = [`${spec.sealed} = u.sealed`, ...derivedColumns.map((c) => `${c.name} = u.${c.name}`), ...(spec.constant ? [spec.constant] : [])];
      const unnest = [`$1::${spec.keyType}[]`, '$2::text[]', ...derivedColumns.map((c, i) => `$${i + 3}::${c.type}[]`)];
      await client.query(
        `UPDATE ${spec.table} AS t SET ${sets.join(', ')}
         FROM unnest(${unnest.join(', ')}) AS u(pk, sealed${derivedColumns.map((c) => `, ${c.name}`).join('')})
         WHERE t.${spec.primaryKey} = u.pk`,
        [pks, sealed, ...derived],
      );
    }
    await client.query('COMMIT');
    return { resealed: pks.length, last: rows.length < batchSize ? undefined : rows[rows.length - 1].pk };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function describe(r: TableReport): string {
  if (!r.present) return `${r.table}: no such table, skipped`;
  const parts = [`${r.resealed} re-sealed`, `${r.alreadyCurrent} already under the current key`, `${r.total} in all`];
  if (r.unreadable > 0) parts.push(`${r.unreadable} open with no known key`);
  if (r.left > r.unreadable) parts.push(`${r.left - r.unreadable} in use, run again`);
  return `${r.table}: ${parts.join(', ')}`;
}
