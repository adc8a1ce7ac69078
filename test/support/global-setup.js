// One PostgreSQL for the whole run: TEST_DATABASE_URL when given (CI's service), else an embedded server in a
// temporary folder. Each test suite then creates its own database on it (see test/support/test-app.ts).
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) {
    process.env.HERALD_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'herald-test-'));
  // The server runs as the `postgres` user when tests run as root: it must reach the folder.
  await chmod(dir, 0o755);
  const { startEmbeddedDatabase } = await import('../../dist/database/embedded-database.js');
  const database = await startEmbeddedDatabase(join(dir, 'data'));
  globalThis.__heraldTestDatabase = { database, dir };
  process.env.HERALD_TEST_ADMIN_URL = database.url;
}
