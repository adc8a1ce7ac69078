// The database a benchmark runs on: DATABASE_URL when given, else a throwaway embedded PostgreSQL.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDatabase } from '../dist/database/embedded-database.js';

/** @returns {Promise<{ url: string, stop: () => Promise<void> }>} */
export async function benchDatabase() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'herald-bench-'));
  // The server runs as the `postgres` user when benchmarks run as root: it must reach the folder.
  await chmod(dir, 0o755);
  const embedded = await startEmbeddedDatabase(join(dir, 'data'));
  return {
    url: embedded.url,
    stop: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
