// The PostgreSQL server the scale benchmark seeds its databases on: BENCH_DATABASE_URL when given (any database on
// the server: the benchmark creates its own beside it, and needs the right to), else a throwaway embedded PostgreSQL.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedDatabase } from '../../dist/database/embedded-database.js';

/** `url` with its database replaced by `name`. */
export function databaseUrl(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** @returns {Promise<{ url: string, embedded: boolean, stop: () => Promise<void> }>} */
export async function scaleServer() {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, embedded: false, stop: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'herald-scale-'));
  // The server runs as the `postgres` user when benchmarks run as root: it must reach the folder.
  await chmod(dir, 0o755);
  const embedded = await startEmbeddedDatabase(join(dir, 'data'));
  return {
    url: embedded.url,
    embedded: true,
    stop: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `task` with a client on the server's own database (the one its URL names). */
export async function withServer(url, task) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

/** The seed a database says it holds (its comment, written once seeding finished), or undefined. */
export async function seedMark(url, name) {
  return withServer(url, async (client) => {
    const { rows } = await client.query('SELECT shobj_description(oid, $2) AS comment FROM pg_database WHERE datname = $1', [name, 'pg_database']);
    if (rows.length === 0) return undefined;
    return rows[0].comment ?? '';
  });
}

export async function createDatabase(url, name) {
  await withServer(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
}

export async function markDatabase(url, name, mark) {
  await withServer(url, (client) => client.query(`COMMENT ON DATABASE "${name}" IS '${mark.replaceAll("'", "''")}'`));
}

export async function dropDatabase(url, name) {
  await withServer(url, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
