import { ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../support/test-app.js';

// These start the built server (`dist/main.js`, made by `npm test`'s build step) as a person would.
const MAIN = new URL('../../dist/main.js', import.meta.url).pathname;

interface Run {
  child: ChildProcess;
  /** stdout and stderr as they came. */
  output: () => string;
  /** stdout alone: the log lines. */
  stdout: () => string;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  running.clear();
});

function run(env: Record<string, string>): Run {
  let output = '';
  let stdout = '';
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, stdout: () => stdout, exited };
}

async function listening(r: Run, timeoutMs = 60_000, host = '127.0.0.1'): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const match = new RegExp(`Herald listening on (http://${host.replaceAll('.', '\\.')}:\\d+) `).exec(r.output());
    if (match) return match[1];
    if (r.child.exitCode !== null) throw new Error(`Herald exited: ${r.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Herald did not start: ${r.output()}`);
}

/** A loopback port held by this test process, as another program would hold it. */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

/** Command lines of the running processes that mention `text` (e.g. a postgres started on a data dir). */
async function processesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) found.push(cmdline.replaceAll('\0', ' '));
  }
  return found;
}

function rssMiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((status) => Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

describe('start-up', () => {
  it.each([
    [
      { FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'sms' },
      'Invalid setting FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: must be one of mailgun, twilio_text, twilio_email, mailchimp_transactional, smtp, aws_ses (alias twilio_sms), or unset',
    ],
    [{ FIDES__SECURITY__APP_ENCRYPTION_KEY: 'short' }, 'Invalid setting FIDES__SECURITY__APP_ENCRYPTION_KEY: must be exactly 32 characters (bytes)'],
    [
      { HERALD_EMAIL_FALLBACK: 'mailgun,twilio_text' },
      'Invalid setting HERALD_EMAIL_FALLBACK: must be a comma-separated list of email service types (mailgun, twilio_email, mailchimp_transactional, smtp, aws_ses); "twilio_text" is not one',
    ],
    [{ LOG_FORMAT: 'xml' }, 'Invalid setting LOG_FORMAT: must be json or pretty (unset: pretty when stdout is a terminal, JSON otherwise)'],
    [
      { DATABASE_URL: 'postgres://127.0.0.1:1/none', FIDES__SECURITY__APP_ENCRYPTION_KEY: 'k'.repeat(32) },
      'Invalid setting FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: is required when DATABASE_URL is set',
    ],
  ])('a bad setting %j stops start-up with one line and no stack trace', async (env, line) => {
    const r = run(env);
    expect(await r.exited).toBe(1);
    expect(r.output().trim()).toBe(line);
  });

  it('runs on an embedded PostgreSQL that survives a restart, with generated secrets kept in the data dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-startup-'));
    await chmod(dir, 0o755);
    const dataDir = join(dir, 'data');
    try {
      let t0 = Date.now();
      const first = run({ HERALD_DATA_DIR: dataDir });
      const base = await listening(first);
      const firstStartMs = Date.now() - t0;
      const rss = await rssMiB(first.child.pid!);

      const secretsFile = join(dataDir, 'herald-secrets.json');
      expect((await stat(secretsFile)).mode & 0o777).toBe(0o600);
      const secrets = JSON.parse(await readFile(secretsFile, 'utf8')) as { oauthRootClientSecret: string; appEncryptionKey: string };
      expect(secrets.appEncryptionKey).toHaveLength(32);
      expect(first.output()).toContain('First start');
      // The generated secret is shown once, in the banner that closes the start-up, after every log line.
      expect(first.output().split(secrets.oauthRootClientSecret)).toHaveLength(2);
      expect(first.output().indexOf(secrets.oauthRootClientSecret)).toBeGreaterThan(first.output().indexOf('Herald listening on'));
      expect(first.stdout()).not.toContain(secrets.oauthRootClientSecret);

      const token = async (id: string, secret: string, at = base) =>
        fetch(`${at}/api/v1/oauth/token`, { method: 'POST', body: new URLSearchParams({ client_id: id, client_secret: secret }) });
      const root = (await (await token('fidesadmin', secrets.oauthRootClientSecret)).json()) as { access_token: string };
      const created = (await (
        await fetch(`${base}/api/v1/oauth/client`, {
          method: 'POST',
          headers: { authorization: `Bearer ${root.access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify(['scope:read']),
        })
      ).json()) as { client_id: string; client_secret: string };
      expect((await fetch(`${base}/health`)).status).toBe(200);

      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      // The app stopped before its database: no connection was cut under the queue's feet.
      expect(first.output()).not.toMatch(/error|terminating connection/i);
      // The embedded server was stopped too, not left behind.
      await expect(stat(join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toThrow();

      t0 = Date.now();
      const second = run({ HERALD_DATA_DIR: dataDir });
      const base2 = await listening(second);
      const restartMs = Date.now() - t0;
      expect(second.output()).not.toContain('First start');
      expect(second.output()).not.toContain(secrets.oauthRootClientSecret);
      // The banner says where Herald answers, where its data is, and where the secret is, without it.
      for (const line of [
        `  REST API     ${base2}/api/v1`,
        `  API docs     ${base2}/docs`,
        `  GraphQL      ${base2}/graphql`,
        `  health       ${base2}/health`,
        `  database     embedded PostgreSQL, data dir ${dataDir}`,
        `  root client  fidesadmin, secret in ${secretsFile}`,
      ]) {
        expect(second.output()).toContain(`${line}\n`);
      }
      const again = await token(created.client_id, created.client_secret, base2);
      expect(again.status).toBe(200);
      const scopes = await fetch(`${base2}/api/v1/oauth/scope`, {
        headers: { authorization: `Bearer ${((await again.json()) as { access_token: string }).access_token}` },
      });
      expect(scopes.status).toBe(200);
      second.child.kill('SIGINT');
      expect(await second.exited).toBe(0);

      // Figures for the record (not assertions): see the README's "Start-up" section.
      console.log(`embedded first start ${firstStartMs} ms, restart ${restartMs} ms, RSS after start ${rss.toFixed(0)} MiB`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('waits a bounded time for an external PostgreSQL that does not answer, then stops with one line', async () => {
    const r = run({
      DATABASE_URL: 'postgres://herald:db-password-never-shown@127.0.0.1:1/none',
      HERALD_DATABASE_WAIT_SECONDS: '1',
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'external-secret',
      FIDES__SECURITY__APP_ENCRYPTION_KEY: 'e'.repeat(32),
    });
    expect(await r.exited).toBe(1);
    expect(r.output().trim().split('\n')).toEqual([
      'Waiting up to 1 s for PostgreSQL at DATABASE_URL (connect ECONNREFUSED 127.0.0.1:1)',
      'Herald could not start: PostgreSQL at DATABASE_URL did not answer: connect ECONNREFUSED 127.0.0.1:1',
    ]);
  });

  it('stops with one line when the data dir cannot be used', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-startup-'));
    try {
      await writeFile(join(dir, 'a-file'), '');
      const r = run({ HERALD_DATA_DIR: join(dir, 'a-file', 'data') });
      expect(await r.exited).toBe(1);
      expect(r.output().trim()).toBe(`Herald could not start: ENOTDIR: not a directory, mkdir '${join(dir, 'a-file', 'data')}'`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not echo secrets the environment supplied on the first embedded start, and keeps its encryption key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-startup-'));
    await chmod(dir, 0o755);
    try {
      const key = 'operator-chosen-key-32-bytes-ok!';
      const r = run({
        HERALD_DATA_DIR: join(dir, 'data'),
        FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'operator-chosen-secret-42',
        FIDES__SECURITY__APP_ENCRYPTION_KEY: key,
      });
      const base = await listening(r);
      expect(r.output()).toContain('root client secret:  (from FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET)');
      expect(r.output()).toContain('app encryption key:  (from FIDES__SECURITY__APP_ENCRYPTION_KEY)');
      expect(r.output()).not.toContain('operator-chosen-secret-42');
      expect(r.output()).not.toContain(key);
      // The data dir keeps the key the data is sealed under, so a later start without the setting still reads it.
      expect(JSON.parse(await readFile(join(dir, 'data', 'herald-secrets.json'), 'utf8')).appEncryptionKey).toBe(key);
      const token = await fetch(`${base}/api/v1/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ client_id: 'fidesadmin', client_secret: 'operator-chosen-secret-42' }),
      });
      expect(token.status).toBe(200);
      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops with one line when the port is in use, before starting the embedded PostgreSQL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-startup-'));
    await chmod(dir, 0o755);
    const held = await holdPort();
    try {
      const dataDir = join(dir, 'data');
      const r = run({ HERALD_DATA_DIR: dataDir, PORT: String(held.port) });
      expect(await r.exited).toBe(1);
      expect(r.output().trim()).toBe(`Herald could not start: port ${held.port} on 127.0.0.1 is already in use (set PORT or HOST)`);
      // Checked first: not even the data dir was made, and no postgres runs on it.
      await expect(stat(dataDir)).rejects.toThrow();
      expect(await processesMentioning(dataDir)).toEqual([]);
    } finally {
      held.server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops with one line when HOST is not an address of this machine', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never local, and binding to it sends nothing.
    const r = run({ HOST: '192.0.2.1', HERALD_DATA_DIR: '/nonexistent/herald-never-created' });
    expect(await r.exited).toBe(1);
    expect(r.output().trim()).toBe('Herald could not start: HOST 192.0.2.1 is not an address of this machine (set HOST)');
  });

  it('listens on HOST only, and says where', async () => {
    const database = await createTestDatabase();
    try {
      // Another loopback address than the default: Herald must not answer on 127.0.0.1.
      const r = run({
        HOST: '127.0.0.2',
        DATABASE_URL: database.url,
        FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'external-secret',
        FIDES__SECURITY__APP_ENCRYPTION_KEY: 'e'.repeat(32),
      });
      const base = await listening(r, 60_000, '127.0.0.2');
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const port = new URL(base).port;
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
    } finally {
      await database.drop();
    }
  });

  it("logs JSON lines when stdout is not a terminal, pretty ones with LOG_FORMAT=pretty; Nest's route lines only at debug", async () => {
    const database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'external-secret',
      FIDES__SECURITY__APP_ENCRYPTION_KEY: 'e'.repeat(32),
    };
    const session = async (r: Run) => {
      const base = await listening(r);
      const token = await fetch(`${base}/api/v1/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ client_id: 'fidesadmin', client_secret: 'external-secret' }),
      });
      expect(token.status).toBe(200);
      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
      // The banner and Herald's own lines are on stderr; stdout holds the log lines alone.
      expect(r.stdout()).not.toContain('Herald listening on');
      expect(r.output()).toContain('  database     external PostgreSQL (DATABASE_URL)');
      expect(r.output()).toContain('  root client  fidesadmin, secret from FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET');
      expect(r.output()).not.toContain('external-secret');
      return r.stdout().trim().split('\n');
    };
    try {
      const json = await session(run({ ...env, LOG_LEVEL: 'info' }));
      const entries = json.map((line) => JSON.parse(line) as { level: number; msg: string; context?: string; req?: { url: string } });
      expect(entries.find((e) => e.msg === 'request completed')).toMatchObject({ level: 30, req: { url: '/api/v1/oauth/token' } });
      expect(entries.some((e) => e.context === 'MigrationsRunner')).toBe(true);
      const narration = entries.filter((e) => /^Mapped \{/.test(e.msg) || ['RoutesResolver', 'RouterExplorer', 'InstanceLoader'].includes(e.context ?? ''));
      expect(narration).toEqual([]);

      const pretty = await session(run({ ...env, LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' }));
      expect(pretty.filter((line) => line.startsWith('{'))).toEqual([]);
      expect(pretty).toContainEqual(expect.stringMatching(/^\[[\d:.]+\] DEBUG: \[RouterExplorer\] Mapped \{\/api\/v1\/oauth\/token, POST\} route$/));
      expect(pretty).toContainEqual(expect.stringMatching(/^\[[\d:.]+\] INFO: POST \/api\/v1\/oauth\/token 200 \d+ ms \S+$/));
    } finally {
      await database.drop();
    }
  });

  it('runs on an external PostgreSQL given by DATABASE_URL', async () => {
    const database = await createTestDatabase();
    try {
      const r = run({
        DATABASE_URL: database.url,
        FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'external-secret',
        FIDES__SECURITY__APP_ENCRYPTION_KEY: 'e'.repeat(32),
      });
      const base = await listening(r);
      expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ database: 'healthy', queue: 'healthy' });
      expect(r.output()).not.toContain('First start');
      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
    } finally {
      await database.drop();
    }
  });
});
