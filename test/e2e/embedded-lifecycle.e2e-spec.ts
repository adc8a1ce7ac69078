// The embedded PostgreSQL follows Herald (decision D21), with real processes and real signals: the built server
// (`dist/main.js`, made by `npx tsc -p tsconfig.build.json` or `npm test`'s build) started as an operator would.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const MAIN = join(ROOT, 'dist/main.js');
const BOOT_MS = 90_000;

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  // Whatever a failed test left: its process groups, then its folders.
  for (const child of running) if (child.exitCode === null && child.signalCode === null) signal(-child.pid!, 'SIGKILL');
  running.clear();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** A fresh data dir (its parent reachable by `postgres` when the tests run as root). */
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-lifecycle-'));
  await chmod(dir, 0o755);
  // Everything of this dir is stopped before it goes: a test that failed midway leaves no server behind.
  cleanups.push(async () => {
    for (const { pid } of processesOf(dir)) signal(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  return join(dir, 'data');
}

/** Starts `command` in its own process group, as a shell starts a job, so a signal can go to the whole group. */
function start(command: string, args: string[], env: Record<string, string>, cwd = ROOT): Run {
  let output = '';
  const child = spawn(command, args, {
    cwd,
    detached: true,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

const herald = (data: string, env: Record<string, string> = {}) => start(process.execPath, [MAIN], { HERALD_DATA_DIR: data, ...env });

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function listening(r: Run): Promise<string> {
  return until(
    `Herald to listen: ${r.output()}`,
    () => {
      if (r.child.exitCode !== null) throw new Error(`Herald exited: ${r.output()}`);
      return /Herald listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(r.output())?.[1];
    },
    BOOT_MS,
  );
}

/** The process table's lines (pid, arguments and environment) that mention `dir`: Herald by its HERALD_DATA_DIR, the server by `-D`. */
function processesOf(dir: string): { pid: number; line: string }[] {
  const table = execFileSync('ps', ['-e', '-ww', '-o', 'pid=,args=', 'e'], { encoding: 'utf8' });
  return table
    .split('\n')
    .filter((line) => line.includes(dir) && !/^\s*\d+\s+ps /.test(line))
    .map((line) => ({ pid: Number(line.trim().split(/\s+/)[0]), line }));
}

const serverPid = async (data: string) => Number((await readFile(join(data, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);

/** Running, and not a zombie that nobody has reaped yet. */
const alive = (pid: number) => {
  try {
    return !/\)\s+Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** Something written through the API: an OAuth client, whose token still works after a restart if it was kept. */
async function writeClient(base: string, data: string): Promise<{ client_id: string; client_secret: string }> {
  const secrets = JSON.parse(await readFile(join(data, 'herald-secrets.json'), 'utf8')) as { oauthRootClientSecret: string };
  const root = (await (await token(base, 'fidesadmin', secrets.oauthRootClientSecret)).json()) as { access_token: string };
  const created = await fetch(`${base}/api/v1/oauth/client`, {
    method: 'POST',
    headers: { authorization: `Bearer ${root.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify(['scope:read']),
  });
  expect(created.status).toBe(200);
  return (await created.json()) as { client_id: string; client_secret: string };
}

const token = (base: string, id: string, secret: string) =>
  fetch(`${base}/api/v1/oauth/token`, { method: 'POST', body: new URLSearchParams({ client_id: id, client_secret: secret }) });

const health = async (base: string) => (await fetch(`${base}/health`)).status;

describe('the embedded database follows Herald', () => {
  it(
    'after kill -9 of Herald the next start works and keeps the data, also when its server was left running',
    async () => {
      const data = await dataDir();
      const first = herald(data);
      const base = await listening(first);
      const client = await writeClient(base, data);

      // kill -9: the watchdog beside the server sees Herald's pipe close and stops the server.
      first.child.kill('SIGKILL');
      await first.exited;
      await until('no process of the data dir', () => processesOf(data).length === 0, 20_000);

      const second = herald(data);
      const base2 = await listening(second);
      expect((await token(base2, client.client_id, client.client_secret)).status).toBe(200);

      // Now the watchdog dies too (as when everything is killed at once), and Herald's pid goes to another program.
      const server = await serverPid(data);
      const watchdog = processesOf(data).find((p) => p.line.includes('herald-postgres-watchdog'));
      expect(watchdog).toBeDefined();
      // The watchdog first: once Herald is gone, it would stop the server.
      signal(watchdog!.pid, 'SIGKILL');
      second.child.kill('SIGKILL');
      await second.exited;
      expect(alive(server)).toBe(true);
      const other = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
      cleanups.push(async () => void other.kill('SIGKILL'));
      const [, startTime] = (await readFile(join(data, 'herald.pid'), 'utf8')).split('\n');
      await writeFile(join(data, 'herald.pid'), `${other.pid}\n${startTime}\n`);

      const third = herald(data);
      const base3 = await listening(third);
      expect(third.output()).toContain(`Stopping the embedded PostgreSQL (pid ${server}) left running by a Herald that is gone (pid ${other.pid})`);
      expect(alive(server)).toBe(false);
      expect((await token(base3, client.client_id, client.client_secret)).status).toBe(200);

      third.child.kill('SIGTERM');
      expect(await third.exited).toBe(0);
      expect(processesOf(data)).toEqual([]);
    },
    4 * BOOT_MS,
  );

  it(
    'kill -9 of the server under a running Herald: /health is 503, then 200 again, with one line per change and nothing lost',
    async () => {
      const data = await dataDir();
      const r = herald(data);
      const base = await listening(r);
      const client = await writeClient(base, data);
      const server = await serverPid(data);

      signal(server, 'SIGKILL');
      await until('/health to answer 503', async () => (await health(base)) === 503);
      await until('/health to answer 200 again', async () => (await health(base)) === 200, 60_000);
      expect(await serverPid(data)).not.toBe(server);
      expect((await token(base, client.client_id, client.client_secret)).status).toBe(200);
      const notices = r
        .output()
        .split('\n')
        .filter((line) => line.includes('The embedded PostgreSQL'));
      expect(notices).toEqual([
        'The embedded PostgreSQL stopped unexpectedly (killed by SIGKILL); restarting it',
        expect.stringMatching(/^The embedded PostgreSQL is running again \(down \d+\.\d s\)$/),
      ]);

      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
      expect(processesOf(data)).toEqual([]);
    },
    2 * BOOT_MS,
  );

  it(
    'refuses a second Herald on a data dir in use at once, and Ctrl-C stops the app and then the database',
    async () => {
      const data = await dataDir();
      // Debug level shows the server's own lines: a connection cut under the app would show there.
      const r = herald(data, { LOG_LEVEL: 'debug' });
      const base = await listening(r);

      const second = herald(data);
      expect(await second.exited).toBe(1);
      expect(second.output().trim()).toBe(`Herald could not start: HERALD_DATA_DIR ${data} is in use by another Herald (pid ${r.child.pid})`);
      expect(await health(base)).toBe(200);

      // Ctrl-C: SIGINT to the terminal's foreground process group, which is Herald's, not the server's.
      signal(-r.child.pid!, 'SIGINT');
      expect(await r.exited).toBe(0);
      expect(r.output()).toContain('[postgres]');
      expect(r.output()).not.toContain('terminating connection due to administrator command');
      expect(r.output()).toMatch(/SIGINT received: stopping Herald[\s\S]*received fast shutdown request/);
      expect(processesOf(data)).toEqual([]);
    },
    2 * BOOT_MS,
  );

  it(
    'npm start leaves nothing running after SIGTERM to npm, or Ctrl-C',
    async () => {
      // The real start script under the real npm, in a folder whose build step does nothing (the suite runs on dist/).
      const project = join(await mkdtemp(join(tmpdir(), 'herald-npm-start-')), 'herald');
      cleanups.push(() => rm(join(project, '..'), { recursive: true, force: true }));
      await mkdir(join(project, 'scripts'), { recursive: true });
      const scripts = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      expect(scripts.start).toMatch(/^node scripts\/build\.mjs --if-stale && .*exec node dist\/main\.js$/);
      await writeFile(join(project, 'scripts', 'build.mjs'), '');
      await writeFile(
        join(project, 'package.json'),
        JSON.stringify({ name: 'herald-start', private: true, type: 'module', scripts: { build: 'true', start: scripts.start } }),
      );
      await symlink(join(ROOT, 'dist'), join(project, 'dist'));
      const data = await dataDir();

      const npm = start('npm', ['start'], { HERALD_DATA_DIR: data }, project);
      await listening(npm);
      expect(processesOf(data).length).toBeGreaterThanOrEqual(3); // Herald, the server and its watchdog
      signal(npm.child.pid!, 'SIGTERM');
      await npm.exited;
      await until(`no process of the data dir: ${JSON.stringify(processesOf(data))}`, () => processesOf(data).length === 0, 20_000);
      expect(npm.output()).toContain('SIGTERM received: stopping Herald');

      const again = start('npm', ['start'], { HERALD_DATA_DIR: data }, project);
      await listening(again);
      // Ctrl-C reaches npm and Herald (npm forwards it once more).
      signal(-again.child.pid!, 'SIGINT');
      await again.exited;
      await until(`no process of the data dir: ${JSON.stringify(processesOf(data))}`, () => processesOf(data).length === 0, 20_000);
      expect(again.output()).toContain('SIGINT received: stopping Herald');
      expect(again.output()).not.toMatch(/error/i);
    },
    3 * BOOT_MS,
  );
});
