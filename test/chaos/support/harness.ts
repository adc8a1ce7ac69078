// The chaos suite's harness: real Herald processes started from `dist/main.js` as an operator would, the loopback
// Mailgun fake as the provider (its capture is the ground truth of what was sent), the process table as the ground
// truth of what is left running. Everything a case starts is registered here and killed by `cleanupAll()`, which each
// spec runs after every case, also when the case failed or timed out.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { optionalFieldText, startMailgunFake, type FakeHttpServer, type RecordedRequest } from '../../fakes/provider-fakes.mjs';

export const ROOT = new URL('../../..', import.meta.url).pathname;
export const MAIN = join(ROOT, 'dist/main.js');

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return value;
}

/** Sizes and bounds, from the environment; the defaults are the issue's figures. */
export const CHAOS = {
  /** Messages per delivery case (issue 14: 1,000). */
  messages: envNumber('CHAOS_MESSAGES', 1000),
  /** HERALD_DELIVERY_CONCURRENCY of every Herald started. */
  concurrency: envNumber('CHAOS_CONCURRENCY', 20),
  /** Duplicates allowed after a crash: the messages in flight, i.e. the delivery concurrency (issue 14, D24). */
  duplicatesBound: envNumber('CHAOS_DUPLICATES_BOUND', envNumber('CHAOS_CONCURRENCY', 20)),
  /** How long the fake takes to answer (issue 14: 20 ms). */
  fakeDelayMs: envNumber('CHAOS_FAKE_DELAY_MS', 20),
  /** The share of the messages the fake has accepted when the kill comes. */
  killAt: envNumber('CHAOS_KILL_AT', 0.3),
  /**
   * How long the fake takes to answer while the outbox is being filled. Enqueueing through the API (60-200 messages a
   * second here) is slower than delivery (about 300): at 20 ms from the start, no backlog would be left to kill into.
   */
  fillDelayMs: envNumber('CHAOS_FILL_DELAY_MS', 2000),
  /** Random failure rate of the flaky provider (issue 14: 30%). */
  faultRate: envNumber('CHAOS_FAULT_RATE', 0.3),
  /**
   * Retry backoff of the flaky-provider case: Herald's defaults (2 s doubling to 300 s) put the tail of 1,000 messages
   * at 30% faults minutes out (a message needing 8 attempts waits about 4 min); the attempts stay Herald's default.
   */
  retryDelaySeconds: envNumber('CHAOS_RETRY_DELAY_SECONDS', 1),
  retryDelayMaxSeconds: envNumber('CHAOS_RETRY_DELAY_MAX_SECONDS', 2),
  /** Messages of the slow-provider case (issue 14 gives no figure; each takes a timeout and a retry). */
  slowMessages: envNumber('CHAOS_SLOW_MESSAGES', 100),
  /** The slow-provider case: Herald's provider timeout, and the fake's answer time above it. */
  slowTimeoutMs: envNumber('CHAOS_SLOW_TIMEOUT_MS', 1000),
  slowDelayMs: envNumber('CHAOS_SLOW_DELAY_MS', 1500),
  /** Bound on one Herald's start-up (the first includes initdb; 3-6 s here), on a loaded 2-core machine. */
  bootMs: envNumber('CHAOS_BOOT_MS', 60_000),
  /**
   * Bound on waits for work to finish after a fault: three times D22's 30 s, so that a slow recovery is measured and
   * printed rather than cut off at the bound. Only the two-instance case asserts a time (the issue's 30 s).
   */
  settleMs: envNumber('CHAOS_SETTLE_MS', 90_000),
};

export const ROOT_CLIENT_ID = 'fidesadmin';
export const ROOT_SECRET = 'chaos-root-secret-not-for-production';
export const ENCRYPTION_KEY = 'chaos-encryption-key-32-bytes-ok';
export const MAILGUN_KEY = 'key-chaos';

// ------------------------------------------------------------------------------------------------ cleanup

const started = new Set<ChildProcess>();
const reapers = new Set<ChildProcess>();
const cleanups: (() => Promise<unknown>)[] = [];

export function onCleanup(cleanup: () => Promise<unknown>): void {
  cleanups.push(cleanup);
}

/** Kills every process group a case started, then runs its cleanups (newest first): folders, databases, fakes. */
export async function cleanupAll(): Promise<void> {
  for (const reaper of reapers) signal(reaper.pid!, 'SIGKILL');
  reapers.clear();
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) {
      signal(-child.pid!, 'SIGKILL');
      signal(child.pid!, 'SIGKILL');
    }
  }
  started.clear();
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      process.stderr.write(`[chaos] cleanup failed: ${(error as Error).message}\n`);
    }
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` answers something (not undefined or false); a bound, not a timing assertion. */
export async function until<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${typeof what === 'function' ? what() : what}`);
    await sleep(everyMs);
  }
}

export const seconds = (ms: number) => Number((ms / 1000).toFixed(1));

// ------------------------------------------------------------------------------------------------ processes

/** A folder of the case (mode 755: the embedded server runs as `postgres` when the suite runs as root). */
export async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `herald-chaos-${label}-`));
  await chmod(dir, 0o755);
  onCleanup(async () => {
    // Whatever still runs on this folder (a server whose Herald was killed, its watchdog) goes before the folder.
    for (const { pid } of processesOf(dir)) signal(pid, 'SIGKILL');
    await until(`nothing running on ${dir}`, () => processesOf(dir).length === 0, 10_000).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/**
 * The process table's entries (pid and command line) whose arguments or environment mention `text`: Herald and npm
 * by their HERALD_DATA_DIR, the embedded server by `-D`, its watchdog by the cluster path it carries.
 */
export function processesOf(text: string): { pid: number; line: string }[] {
  const table = execFileSync('ps', ['-e', '-ww', '-o', 'pid=,args=', 'e'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return table
    .split('\n')
    .filter((line) => line.includes(text))
    .map((line) => ({ pid: Number(line.trim().split(/\s+/)[0]), line: line.trim().slice(0, 300) }))
    .filter(({ pid, line }) => pid !== process.pid && !/^\d+\s+ps\s/.test(line));
}

/** The processes of a process group (e.g. an embedded server's backends, which carry neither its path nor Herald's environment). */
export function processGroup(pgid: number): { pid: number; line: string }[] {
  const table = execFileSync('ps', ['-e', '-ww', '-o', 'pid=,pgid=,stat=,args='], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, group, stat]) => Number(group) === pgid && Number(pid) !== process.pid && !stat?.startsWith('Z'))
    .map((fields) => ({ pid: Number(fields[0]), line: fields.slice(3).join(' ').slice(0, 300) }));
}

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Everything it wrote (stdout and stderr, interleaved), the last 2 MB. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
}

/** Starts a command in its own process group, as a shell starts a job (so that a signal can go to the whole group). */
export function startProcess(name: string, command: string, args: string[], env: Record<string, string>, cwd = ROOT): Proc {
  let output = '';
  const child = spawn(command, args, { cwd, detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  reap(child.pid!);
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  return { name, child, pid: child.pid!, output: () => output, exited, running: () => child.exitCode === null && child.signalCode === null };
}

/**
 * Kills the process group `pgid` if this test process dies first (a CI `timeout`, Ctrl-C on jest): the group is its
 * own, so no signal to jest reaches it. A shell waits on a pipe from here; the pipe closes when jest exits. Killed by
 * `cleanupAll()` in a normal run. (An embedded server is stopped by its Herald's own watchdog once Herald is gone.)
 */
function reap(pgid: number): void {
  if (process.platform === 'win32') return;
  const reaper = spawn('/bin/sh', ['-c', 'read _; kill -KILL "-$1" 2>/dev/null', 'herald-chaos-reaper', String(pgid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  reaper.on('error', () => undefined);
  reaper.stdin?.on('error', () => undefined);
  // The pipe must not keep jest alive; it closes when jest exits, whatever the reason.
  reaper.unref();
  (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  reapers.add(reaper);
}

/** Herald's settings for a case: the given secrets (so that tokens survive restarts), Mailgun, no rate limits. */
export function heraldEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    PORT: '0',
    LOG_LEVEL: 'warn',
    HERALD_RATE_LIMITS: 'off',
    FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: ROOT_SECRET,
    FIDES__SECURITY__APP_ENCRYPTION_KEY: ENCRYPTION_KEY,
    FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
    HERALD_DELIVERY_CONCURRENCY: String(CHAOS.concurrency),
    ...extra,
  };
}

/** `node dist/main.js`, as an operator runs it. */
export function startHerald(name: string, env: Record<string, string>): Proc {
  return startProcess(name, process.execPath, [MAIN], env);
}

/** The base URL once Herald says it listens; fails at once when it exits instead. */
export async function listening(proc: Proc, timeoutMs = CHAOS.bootMs): Promise<string> {
  return until(
    () => `${proc.name} to listen; it wrote: ${tail(proc.output())}`,
    () => {
      const match = /Herald listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.output());
      if (match) return match[1];
      if (!proc.running()) throw new Error(`${proc.name} exited before listening: ${tail(proc.output())}`);
      return undefined;
    },
    timeoutMs,
  );
}

export function tail(text: string, chars = 3000): string {
  return text.length > chars ? `…${text.slice(-chars)}` : text;
}

/** The pid of the embedded server, from its `postmaster.pid`. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** SIGTERM, then the exit, bounded; returns the exit. */
export async function stop(proc: Proc, sig: NodeJS.Signals = 'SIGTERM', timeoutMs = 60_000) {
  signal(proc.pid, sig);
  return exitWithin(proc, timeoutMs, `${sig}`);
}

/** The process's exit, or an error after `timeoutMs` (the timer does not outlive the wait). */
export async function exitWithin(proc: Proc, timeoutMs: number, after: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${proc.name} did not exit within ${timeoutMs / 1000} s of ${after}: ${tail(proc.output())}`)), timeoutMs);
  });
  try {
    return await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ------------------------------------------------------------------------------------------------ the API

export class Api {
  private token: string | undefined;

  constructor(readonly base: string) {}

  async call<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; auth?: boolean; expect?: number[] } = {},
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (options.auth !== false) headers.authorization = `Bearer ${await this.rootToken()}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    const expected = options.expect ?? [200];
    if (!expected.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return { status: res.status, body: body as T };
  }

  async rootToken(): Promise<string> {
    if (this.token) return this.token;
    const res = await fetch(`${this.base}/api/v1/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: ROOT_CLIENT_ID, client_secret: ROOT_SECRET }),
    });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
    this.token = ((await res.json()) as { access_token: string }).access_token;
    return this.token;
  }

  /** `/health`'s status code, or 0 when Herald does not answer. */
  async health(): Promise<number> {
    try {
      return (await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(5_000) })).status;
    } catch {
      return 0;
    }
  }

  /** The Mailgun config pointed at the fake (its URL comes from MAILGUN_API_URL). */
  async setupMailgun(): Promise<void> {
    await this.call('POST', '/api/v1/messaging/config', {
      body: { key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.chaos.example' } },
    });
    await this.call('PUT', '/api/v1/messaging/config/mailgun/secret', { body: { mailgun_api_key: MAILGUN_KEY } });
  }

  /** How many messages have this status (`queued`, `sending`, `sent`, `failed`), from the message log. */
  async messageCount(status: string): Promise<number> {
    return (await this.call<{ total: number }>('GET', `/api/v1/messaging/messages?status=${status}&size=1`)).body.total;
  }

  async privacyRequest(id: string): Promise<{ status: string; [key: string]: unknown }> {
    const { body } = await this.call<{ items: { status: string }[] }>('GET', `/api/v1/privacy-request?request_id=${id}`);
    return body.items[0];
  }
}

/**
 * Puts `count` messages in Herald's outbox through the public API, the fastest real way it offers: public privacy
 * requests, 50 per call (the bulk limit), with receipts on and manual approval on, so each request writes exactly one
 * message (its receipt, in the request's own transaction) and nothing runs. Returns the recipients, one per message.
 */
export async function enqueueReceipts(api: Api, count: number, tag: string, parallel = 4): Promise<string[]> {
  const recipients = Array.from({ length: count }, (_, i) => `${tag}-${i}@chaos.example`);
  const calls: string[][] = [];
  for (let i = 0; i < count; i += 50) calls.push(recipients.slice(i, i + 50));
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < calls.length) {
        const batch = calls[next++];
        const { body } = await api.call<{ succeeded: unknown[]; failed: unknown[] }>('POST', '/api/v1/privacy-request', {
          auth: false,
          body: batch.map((email) => ({ identity: { email }, policy_key: 'default_access_policy' })),
        });
        if (body.failed.length > 0 || body.succeeded.length !== batch.length)
          throw new Error(`privacy requests refused: ${JSON.stringify(body.failed).slice(0, 500)}`);
      }
    }),
  );
  return recipients;
}

/**
 * Fills the outbox with `count` receipts while the fake answers slowly (CHAOS_FILL_DELAY_MS), then lets it answer in
 * CHAOS_FAKE_DELAY_MS again: the kills of the delivery cases then meet a backlog, messages in flight and messages sent.
 */
export async function fillOutbox(api: Api, fake: FakeHttpServer, count: number, tag: string): Promise<{ recipients: string[]; enqueueMs: number }> {
  const startedAt = Date.now();
  fake.setDelay(CHAOS.fillDelayMs);
  try {
    return { recipients: await enqueueReceipts(api, count, tag), enqueueMs: Date.now() - startedAt };
  } finally {
    fake.setDelay(CHAOS.fakeDelayMs);
  }
}

/** Settings for `enqueueReceipts`: each public privacy request writes its receipt and waits for a review. */
export const RECEIPTS_ONLY = {
  FIDES__NOTIFICATIONS__SEND_REQUEST_RECEIPT_NOTIFICATION: 'true',
  FIDES__EXECUTION__REQUIRE_MANUAL_REQUEST_APPROVAL: 'true',
};

// ------------------------------------------------------------------------------------------------ the provider

/** The Mailgun fake answering after `delayMs`, closed at cleanup. */
export async function mailgunFake(delayMs = CHAOS.fakeDelayMs): Promise<FakeHttpServer> {
  const fake = await startMailgunFake({ apiKey: MAILGUN_KEY });
  fake.setDelay(delayMs);
  onCleanup(() => fake.close());
  return fake;
}

const messageIdOf = (r: RecordedRequest) => optionalFieldText(r, 'v:herald_message_id') ?? '';
const recipientOf = (r: RecordedRequest) => optionalFieldText(r, 'to') ?? '';

/**
 * A copy is a request the provider accepted (200): the subject gets it, whether or not Herald was still there to
 * read the answer. Failed answers (429, 503) and requests still waiting for their answer are not copies.
 */
export function tally(fake: FakeHttpServer, recipients: string[]) {
  const wanted = new Set(recipients);
  const copies = fake.requests.filter((r) => r.status === 200 && wanted.has(recipientOf(r)));
  const perMessage = new Map<string, number>();
  for (const r of copies) perMessage.set(messageIdOf(r), (perMessage.get(messageIdOf(r)) ?? 0) + 1);
  const received = new Set(copies.map(recipientOf));
  return {
    /** Distinct recipients with at least one copy. */
    delivered: received.size,
    copies: copies.length,
    /** Copies beyond the first, per message. */
    duplicates: copies.length - perMessage.size,
    maxCopies: Math.max(0, ...perMessage.values()),
    /** Requests received, including failed answers and those still waiting. */
    requests: fake.requests.filter((r) => wanted.has(recipientOf(r))).length,
    missing: recipients.filter((r) => !received.has(r)),
  };
}

/**
 * For a few messages the provider got more than once: when each copy arrived (seconds from `since`) and the attempts
 * Herald recorded. Printed by a case whose duplicates pass their bound, to show where they came from.
 */
export async function explainDuplicates(api: Api, fake: FakeHttpServer, recipients: string[], since: number, limit = 3): Promise<string> {
  const wanted = new Set(recipients);
  const copies = new Map<string, RecordedRequest[]>();
  for (const r of fake.requests) {
    if (r.status !== 200 || !wanted.has(recipientOf(r))) continue;
    copies.set(messageIdOf(r), [...(copies.get(messageIdOf(r)) ?? []), r]);
  }
  const duplicated = [...copies].filter(([, list]) => list.length > 1);
  const firsts = duplicated.map(([, list]) => (list[0].answeredAt ?? list[0].receivedAt).getTime() - since);
  const before = firsts.filter((ms) => ms < 0);
  const lines = [
    `  ${duplicated.length} messages sent more than once; their first copy was accepted ${before.length} before the kill ` +
      `(earliest ${Math.min(0, ...before)} ms) and ${firsts.length - before.length} after it (latest +${Math.max(0, ...firsts)} ms); ` +
      `${duplicated.filter(([, list]) => list[0].receivedAt.getTime() >= since).length} first copies reached the fake after the kill (as this process saw them)`,
  ];
  for (const [id, requests] of duplicated.slice(0, limit)) {
    const at = requests.map((r) => `${r.receivedAt.getTime() - since} ms (${r.outcome})`).join(', ');
    const attempts = await api
      .call<{ attempt_log: { number: number; outcome: string; started_at: string }[] }>('GET', `/api/v1/messaging/messages/${id}`)
      .then(({ body }) => body.attempt_log.map((a) => `#${a.number} ${a.outcome} started ${seconds(Date.parse(a.started_at) - since)} s`).join(', '))
      .catch((error: Error) => error.message);
    lines.push(`  message ${id}: copies at ${at}; attempts recorded: ${attempts}`);
  }
  return lines.join('\n');
}

/** Waits (bounded, 30 s) until no message is queued or being sent: late copies of re-taken messages have arrived by then. */
export async function quietOutbox(api: Api): Promise<boolean> {
  return until('a quiet outbox', async () => (await api.messageCount('queued')) + (await api.messageCount('sending')) === 0, 30_000, 250).catch(() => false);
}

/** Provider calls received but not answered yet: the messages in flight. */
export const pendingCalls = (fake: FakeHttpServer) => fake.requests.filter((r) => r.outcome === 'pending').length;

// ------------------------------------------------------------------------------------------------ figures

/** One line of figures per case (printed before its assertions, so a failing case shows them too). */
export function figures(name: string, values: Record<string, unknown>): void {
  const line = `[chaos] ${name}: ${Object.entries(values)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ')}`;
  process.stdout.write(`${line}\n`);
  if (process.env.CHAOS_RESULTS) appendFileSync(process.env.CHAOS_RESULTS, `${JSON.stringify({ case: name, ...values, at: new Date().toISOString() })}\n`);
}

// ------------------------------------------------------------------------------------------------ external PostgreSQL

export const EXTERNAL_ADMIN_URL = process.env.CHAOS_EXTERNAL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Whether the external server answers at all (refused or silent: the case is skipped, as .ci/run does). */
export async function externalDatabaseAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: EXTERNAL_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Anything but "nobody there" means a server is there (e.g. too many clients at this moment): the case runs.
    return !(code === 'ECONNREFUSED' || code === 'ENOTFOUND' || /timeout/i.test((error as Error).message));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh database on the external server, dropped at cleanup; the server may be busy (others' connections), so retried. */
export async function createExternalDatabase(label: string): Promise<string> {
  const name = `herald_chaos_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${Date.now().toString(36)}`;
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> =>
    until(
      `the external PostgreSQL at ${EXTERNAL_ADMIN_URL}`,
      async () => {
        const client = new pg.Client({ connectionString: EXTERNAL_ADMIN_URL, connectionTimeoutMillis: 5_000 });
        try {
          await client.connect();
          return { value: await work(client) };
        } catch (error) {
          if (/too many clients/i.test((error as Error).message)) return undefined;
          throw error;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      30_000,
      500,
    ).then((r) => r.value);
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  onCleanup(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
  const url = new URL(EXTERNAL_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Where the single-instance cases keep their data: `embedded` (default; a temporary HERALD_DATA_DIR) or `external`
 * (CHAOS_DATABASE=external: a fresh database on the external server, as CI's second e2e run does).
 */
export const DATABASE_KIND: 'embedded' | 'external' = process.env.CHAOS_DATABASE === 'external' ? 'external' : 'embedded';

/**
 * A case's folder and its Herald's storage settings. HERALD_DATA_DIR is set in both kinds, so that the process table
 * shows the case's Herald processes by their environment either way.
 */
export async function caseStorage(label: string): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await tempDir(label);
  const env: Record<string, string> = { HERALD_DATA_DIR: join(dir, 'data') };
  if (DATABASE_KIND === 'external') env.DATABASE_URL = await createExternalDatabase(label);
  return { dir, env };
}
