import 'reflect-metadata';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { KeyRing } from '../common/crypto/index.js';
import { SettingsError, loadSettings, type Settings } from '../config/index.js';
import { startEmbeddedDatabase, waitForDatabase, type EmbeddedDatabase } from '../database/index.js';
import { rotateKeys } from './rotation.js';

/**
 * `npm run rotate-keys [-- --batch-size=500]`: re-seals everything under FIDES__SECURITY__APP_ENCRYPTION_KEY, reading
 * with it and HERALD_PREVIOUS_ENCRYPTION_KEYS, on the database Herald uses (DATABASE_URL, or the embedded one under
 * HERALD_DATA_DIR, which must not be running). Prints one line per table; exits 1 when rows are left behind.
 */
async function main(): Promise<number> {
  const batchSize = batchSizeArgument(process.argv.slice(2));
  let settings: Settings = loadSettings(process.env);
  let embedded: EmbeddedDatabase | undefined;
  if (settings.databaseUrl === undefined) {
    // Only an existing cluster: starting one would create an empty database with a new generated key.
    if (!(await stat(join(resolve(settings.dataDir), 'postgres', 'PG_VERSION')).catch(() => undefined))) {
      say(`No embedded database under ${settings.dataDir} and no DATABASE_URL: nothing to rotate.`);
      return 0;
    }
    embedded = await startEmbeddedDatabase(settings.dataDir, () => {}, { appEncryptionKey: settings.security.appEncryptionKey });
    const stopEmbedded = () => void embedded?.stop().finally(() => process.exit(130));
    process.once('SIGINT', stopEmbedded);
    process.once('SIGTERM', stopEmbedded);
    settings = {
      ...settings,
      databaseUrl: embedded.url,
      security: { ...settings.security, appEncryptionKey: settings.security.appEncryptionKey || embedded.secrets.appEncryptionKey },
    };
  } else if (settings.security.appEncryptionKey === '') {
    throw new SettingsError('FIDES__SECURITY__APP_ENCRYPTION_KEY', 'is required (32 characters) when DATABASE_URL is set');
  } else {
    await waitForDatabase(settings.databaseUrl, settings.databaseWaitSeconds, say);
  }

  const keys = KeyRing.of(settings.security);
  const previous = keys.keyIds.slice(1);
  say(`Re-sealing under key ${keys.currentKeyId}${previous.length ? `, reading previous keys ${previous.join(', ')}` : ''} (batches of ${batchSize})`);
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 2 });
  // An idle connection closed by the server (the embedded one stopping right after pool.end()) is no failure of the run;
  // a failing query still rejects its own promise.
  pool.on('error', () => undefined);
  try {
    const reports = await rotateKeys(pool, keys, { batchSize, log: say });
    const unreadable = reports.reduce((n, r) => n + r.unreadable, 0);
    const left = reports.reduce((n, r) => n + r.left, 0);
    if (unreadable > 0) say(`${unreadable} rows open with no known key: add the key they were sealed under to HERALD_PREVIOUS_ENCRYPTION_KEYS and run again.`);
    if (left > unreadable) say(`${left - unreadable} rows were in use by Herald: run again to finish them.`);
    if (left === 0) say('Done: everything is under the current key; HERALD_PREVIOUS_ENCRYPTION_KEYS can be removed.');
    return left === 0 ? 0 : 1;
  } finally {
    await pool.end();
    await embedded?.stop();
  }
}

function batchSizeArgument(args: string[]): number {
  const given = args.find((a) => a.startsWith('--batch-size='))?.slice('--batch-size='.length);
  if (given === undefined) return 500;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new SettingsError('--batch-size', 'must be an integer from 1 to 10000');
  return n;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

try {
  process.exitCode = await main();
} catch (error) {
  // One line, as for Herald's own start: a bad setting, an unreachable database. Never a key.
  process.stderr.write(
    error instanceof SettingsError ? `${error.message}\n` : `Key rotation failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
