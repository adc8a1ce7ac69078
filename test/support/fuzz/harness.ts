import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { createApp } from '../../../src/app.factory.js';
import { loadSettings, type Env } from '../../../src/config/settings.js';
import { startProviderFakes, type ProviderFakes } from '../../fakes/provider-fakes.mjs';
import { OpenApiConformance, type OpenApiDocument } from '../openapi-conformance.js';
import { ROOT_CLIENT_ID, ROOT_CLIENT_SECRET, createTestDatabase, testEnv } from '../test-app.js';
import type { Known } from './known.js';
import type { OpenApi } from './openapi.js';
import type { FuzzRequest } from './request.js';

/** What came back: an HTTP status, or `no answer` when the connection closed or the bound ran out first. */
export interface Answer {
  status: number | 'no answer';
  error?: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Bytes of the body (only the first 4 MiB are kept). */
  size: number;
  ms: number;
  requestId?: string;
}

/** A log line at warn or above, reduced to what a report needs. */
export interface LogEvent {
  level: number;
  requestId?: string;
  msg: string;
  errType?: string;
  errMessage?: string;
  /** The first frames of the stack in Herald's own code (src/), else the first frames at all. */
  where?: string;
}

const KEEP_BYTES = 4 * 1024 * 1024;

/** A full collection on demand (the flag is set at run time: Jest's command line is not the fuzz's to change). */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * The whole Herald app on its own database, listening on a loopback port, with its log lines (warn and above) kept
 * for the report and provider calls going to the loopback fakes. Requests go out over a keep-alive HTTP client that
 * sends the bytes it is given (supertest and fetch re-encode paths and bodies, which would hide the hostile bytes).
 */
export type ProcessMode = 'inline' | 'child';

/**
 * The whole Herald app on its own database, listening on a loopback port, with its log lines (warn and above) kept
 * for the report and provider calls going to the loopback fakes. Requests go out over a keep-alive HTTP client that
 * sends the bytes it is given (supertest and fetch re-encode paths and bodies, which would hide the hostile bytes).
 *
 * `inline`: the app runs in the test process, as in the other e2e suites (its schema from GraphQLSchemaHost, answers
 * checked against the OpenAPI document). `child`: the app runs in a Node process of its own, built from the same
 * sources (transpiled by the test, as ts-jest does), so its RSS is Herald's and not Jest's plus Herald's.
 */
export class FuzzHarness {
  app?: NestFastifyApplication;
  child?: ChildProcess;
  document!: OpenApi;
  schema!: GraphQLSchema;
  conformance?: OpenApiConformance;
  known!: Known;
  /** Requests made outside the fuzz (token, seeding), for the counts. */
  setupRequests = 0;
  private events: LogEvent[] = [];
  private fakes!: ProviderFakes;
  private drop!: () => Promise<void>;
  private dataDir!: string;
  private buildDir?: string;
  private port!: number;
  private token?: string;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(readonly mode: ProcessMode) {}

  async start(conformance: boolean, overrides: Env = {}): Promise<void> {
    this.fakes = await startProviderFakes();
    const database = await createTestDatabase();
    this.drop = database.drop;
    this.dataDir = await mkdtemp(join(tmpdir(), 'herald-fuzz-'));
    const env = testEnv(database.url, {
      ...this.fakes.env,
      LOG_LEVEL: 'warn',
      HERALD_DATA_DIR: this.dataDir,
      HERALD_DELIVERY_MAX_ATTEMPTS: '1',
      HERALD_PROVIDER_TIMEOUT_MS: '2000',
      ...overrides,
    });
    if (this.mode === 'child') {
      await this.startChild(env);
      this.document = (await this.json('GET', '/openapi.json')) as OpenApi;
      const introspection = (await this.json('POST', '/graphql', { query: getIntrospectionQuery() })) as { data: IntrospectionQuery };
      this.schema = buildClientSchema(introspection.data);
      return;
    }
    const settings = loadSettings(env);
    const destination = { write: (line: string) => void this.events.push(reduce(line)) };
    this.app = await createApp(settings, { logDestination: destination });
    if (conformance) this.conformance = new OpenApiConformance(this.app, async () => this.document as unknown as OpenApiDocument);
    await this.app.getHttpAdapter().getInstance().ready();
    await this.app.listen(0, '127.0.0.1');
    this.port = (this.app.getHttpServer().address() as AddressInfo).port;
    this.schema = this.app.get(GraphQLSchemaHost).schema;
    this.document = (await this.json('GET', '/openapi.json')) as OpenApi;
  }

  /** Transpiles src/ (and copies what is not TypeScript) into a temporary folder, and starts Herald from there. */
  private async startChild(env: Env): Promise<void> {
    const root = ROOT;
    const buildDir = await mkdtemp(join(tmpdir(), 'herald-fuzz-js-'));
    this.buildDir = buildDir;
    const { default: ts } = await import('typescript');
    const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    // Inline source maps and --enable-source-maps: stacks in the log name the .ts lines, as in the inline mode.
    const options = {
      ...parsed!.options,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      sourceMap: false,
      inlineSourceMap: true,
      declaration: false,
      noEmit: false,
    };
    for (const file of await readdir(join(root, 'src'), { recursive: true, withFileTypes: true })) {
      if (!file.isFile() || file.name.endsWith('.spec.ts')) continue;
      const from = join(file.parentPath, file.name);
      const to = join(buildDir, relative(root, from));
      await mkdir(dirname(to), { recursive: true });
      if (file.name.endsWith('.ts')) {
        const output = ts.transpileModule(await readFile(from, 'utf8'), { compilerOptions: options, fileName: from });
        await writeFile(to.replace(/\.ts$/, '.js'), output.outputText);
      } else {
        await copyFile(from, to);
      }
    }
    await symlink(join(root, 'node_modules'), join(buildDir, 'node_modules'));
    await symlink(join(root, 'package.json'), join(buildDir, 'package.json'));

    const child = spawn(process.execPath, ['--expose-gc', '--enable-source-maps', fileURLToPath(new URL('./herald-child.mjs', import.meta.url)), buildDir], {
      // Herald's settings come from HERALD_FUZZ_ENV alone; the rest of the environment is the test's (NODE_ENV=test as
      // for the inline app) without Jest's NODE_OPTIONS. Two malloc arenas, as Herald's start scripts and image run it:
      // scrypt on libuv's threads otherwise leaves 16 MiB-touched arenas per thread, 20-80 MB that vary run to run.
      env: { MALLOC_ARENA_MAX: '2', ...withoutNodeOptions(process.env), HERALD_FUZZ_ENV: JSON.stringify(env) },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    this.child = child;
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.trim()) this.events.push(reduce(line));
    });
    this.port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`Herald (child) exited with ${code} before listening`)));
      child.on('message', (m: { type: string; port?: number }) => m.type === 'listening' && resolve(m.port!));
    });
  }

  /** The app's memory (in `child` mode its own process's), after two full collections when `collect`. */
  async memory(collect: boolean): Promise<NodeJS.MemoryUsage> {
    const child = this.child;
    if (!child) {
      if (collect) {
        collectGarbage();
        await new Promise((resolve) => setTimeout(resolve, 500));
        collectGarbage();
      }
      return process.memoryUsage();
    }
    return new Promise((resolve) => {
      const onMessage = (m: { type: string; usage?: NodeJS.MemoryUsage }) => {
        if (m.type !== 'memory') return;
        child.off('message', onMessage);
        resolve(m.usage!);
      };
      child.on('message', onMessage);
      child.send({ type: 'memory', collect });
    });
  }

  /** A heap snapshot of the app's process (a diagnostic: FUZZ_HEAP_SNAPSHOTS). */
  async heapSnapshot(path: string): Promise<void> {
    const child = this.child;
    if (!child) return void writeHeapSnapshot(path);
    await new Promise<void>((resolve) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== 'snapshot') return;
        child.off('message', onMessage);
        resolve();
      };
      child.on('message', onMessage);
      child.send({ type: 'snapshot', path });
    });
  }

  /** A full collection in the test process (the generator's garbage; in `inline` mode the app's too). */
  collectHere(): void {
    collectGarbage();
  }

  /** Forgets what the provider fakes recorded (they keep every message sent, which would grow with the run). */
  resetFakes(): void {
    this.fakes.reset();
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.app?.close();
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await this.drop?.();
    await this.fakes?.close();
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
    if (this.buildDir) await rm(this.buildDir, { recursive: true, force: true });
  }

  /** Log lines seen since the last call (and forgets them, so a long run holds none). */
  takeEvents(): LogEvent[] {
    return this.events.splice(0);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async rootToken(): Promise<string> {
    if (!this.token) {
      const body = `client_id=${ROOT_CLIENT_ID}&client_secret=${ROOT_CLIENT_SECRET}`;
      const answer = await this.raw('POST', '/api/v1/oauth/token', [['content-type', 'application/x-www-form-urlencoded']], Buffer.from(body));
      if (answer.status !== 200) throw new Error(`root token: ${answer.status} ${answer.body.toString()}`);
      this.token = (JSON.parse(answer.body.toString()) as { access_token: string }).access_token;
    }
    return this.token;
  }

  /** Sends one fuzz request as it is, with the root token filled in where it asks for one. */
  async send(request: FuzzRequest): Promise<Answer> {
    const headers: [string, string][] = [...request.headers];
    if (request.auth.kind === 'root') headers.push(['authorization', `Bearer ${await this.rootToken()}`]);
    if (request.auth.kind === 'garbage') headers.push(['authorization', request.auth.header]);
    return this.raw(request.method, request.path, headers, request.body);
  }

  /**
   * One exchange. A reset (or a broken pipe) on a kept-alive socket the server had already closed is the client's race, not an answer:
   * it is tried once more on a new connection (Node's advice); a reset there counts as `no answer`.
   */
  async raw(method: string, path: string, headerList: [string, string][], body?: Buffer, timeoutMs = 30_000): Promise<Answer> {
    const first = await this.once(method, path, headerList, body, timeoutMs);
    return first.retry ? (await this.once(method, path, headerList, body, timeoutMs)).answer : first.answer;
  }

  private once(
    method: string,
    path: string,
    headerList: [string, string][],
    body: Buffer | undefined,
    timeoutMs: number,
  ): Promise<{ answer: Answer; retry: boolean }> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of headerList) {
      const existing = headers[name];
      headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    if (body) headers['content-length'] = String(body.length);
    const started = performance.now();
    return new Promise((resolve) => {
      let settled = false;
      let req: http.ClientRequest | undefined;
      const finish = (answer: Omit<Answer, 'ms'>, retry = false) => {
        if (settled) return;
        settled = true;
        resolve({ answer: { ...answer, ms: performance.now() - started }, retry });
      };
      const noAnswer = (error: Error & { code?: string }) =>
        finish(
          { status: 'no answer', error: `${error.code ?? ''} ${error.message}`.trim(), headers: {}, body: Buffer.alloc(0), size: 0 },
          // EPIPE too: a large body written into a kept-alive socket the server is closing fails on the write, not the read.
          req?.reusedSocket === true && (error.code === 'ECONNRESET' || error.code === 'EPIPE'),
        );
      try {
        req = http.request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent });
      } catch (error) {
        // The client refused to send it (a harness bug: paths and headers are made sendable before this point).
        return noAnswer(new Error(`not sendable: ${(error as Error).message}`));
      }
      req.setTimeout(timeoutMs, () => req?.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', noAnswer);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < KEEP_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('error', noAnswer);
        res.on('end', () => {
          const id = res.headers['x-request-id'];
          finish({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), size, requestId: typeof id === 'string' ? id : undefined });
        });
      });
      req.end(body);
    });
  }

  /** A JSON call with the root token, for seeding; anything but 2xx stops the run (the harness, not the fuzz, is wrong). */
  async json(method: string, path: string, body?: unknown, expect: number[] = [200, 201, 204]): Promise<unknown> {
    const headers: [string, string][] = [['authorization', `Bearer ${await this.rootToken()}`]];
    if (body !== undefined) headers.push(['content-type', 'application/json']);
    this.setupRequests++;
    const answer = await this.raw(method, path, headers, body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
    if (this.tolerant && typeof answer.status === 'number' && answer.status < 500) return undefined;
    if (this.tolerant) {
      this.reseedProblems.push(`reseeding ${method} ${path}: ${answer.status} ${answer.body.toString().slice(0, 300)}`);
      return undefined;
    }
    if (typeof answer.status !== 'number' || !expect.includes(answer.status)) {
      throw new Error(`seeding ${method} ${path}: ${answer.status} ${answer.body.toString().slice(0, 500)}`);
    }
    return answer.body.length ? JSON.parse(answer.body.toString()) : undefined;
  }

  /** The seed again, mid-run: a 4xx (the fuzz renamed or broke something) is tolerated, a 5xx or no answer is reported. */
  async reseed(): Promise<string[]> {
    this.tolerant = true;
    this.reseedProblems = [];
    try {
      await this.seed();
    } catch (error) {
      this.reseedProblems.push(`reseeding: ${(error as Error).message}`);
    } finally {
      this.tolerant = false;
    }
    return this.reseedProblems;
  }

  private tolerant = false;
  private reseedProblems: string[] = [];

  /**
   * Things for valid-looking requests to find: messaging configs with secrets, a policy with rules and a target, a
   * connection with secrets and a dataset, an OAuth client, a privacy request, a message. Idempotent (upserts), so it
   * runs again during the fuzz in case the fuzz deleted them; ids made once are kept.
   */
  async seed(): Promise<Known> {
    await this.json('POST', '/api/v1/messaging/config', {
      key: 'fuzz_mailgun',
      name: 'Fuzz Mailgun',
      service_type: 'mailgun',
      details: { domain: 'mg.herald.example' },
    });
    await this.json('PUT', '/api/v1/messaging/config/fuzz_mailgun/secret', { mailgun_api_key: 'key-fuzz' });
    await this.json('POST', '/api/v1/messaging/config', { key: 'fuzz_twilio', name: 'Fuzz Twilio', service_type: 'twilio_text' });
    await this.json('PUT', '/api/v1/messaging/config/fuzz_twilio/secret', {
      twilio_account_sid: 'ACfuzz',
      twilio_auth_token: 'fuzz-token',
      twilio_sender_phone_number: '+15555550100',
    });
    await this.json('PATCH', '/api/v1/dsr/policy', [{ name: 'Fuzz Policy', key: 'fuzz_policy' }]);
    await this.json('PATCH', '/api/v1/dsr/policy/fuzz_policy/rule', [
      { name: 'Fuzz Rule', key: 'fuzz_rule', action_type: 'erasure', masking_strategy: { strategy: 'null_rewrite', configuration: {} } },
    ]);
    await this.json('PATCH', '/api/v1/dsr/policy/fuzz_policy/rule/fuzz_rule/target', [
      { name: 'Fuzz Target', key: 'fuzz_target', data_category: 'user.contact.email' },
    ]);
    await this.json('PATCH', '/api/v1/connection', [{ name: 'Fuzz Connection', key: 'fuzz_connection', connection_type: 'email', access: 'write' }]);
    await this.json('PUT', '/api/v1/connection/fuzz_connection/secret?verify=false', { to_email: 'privacy@thirdparty.example' });
    const dataset = this.document.paths['/api/v1/connection/{connection_key}/validate_dataset']?.put?.requestBody?.content['application/json']?.schema
      .example as object;
    await this.json('PATCH', '/api/v1/connection/fuzz_connection/dataset', [{ ...dataset, fides_key: 'fuzz_dataset' }]);
    if (!this.known) {
      const client = (await this.json('POST', '/api/v1/oauth/client', ['scope:read'])) as { client_id: string };
      const created = (await this.json('POST', '/api/v1/privacy-request', [{ identity: { email: 'subject@example.com' }, policy_key: 'fuzz_policy' }])) as {
        succeeded: { id: string }[];
      };
      await this.json('POST', '/api/v1/messaging/config/test', { service_type: 'mailgun', email: 'fuzz@herald.example' }, [200, 400, 422]);
      const messages = (await this.json('GET', '/api/v1/messaging/messages?size=1')) as { items: { id: string }[] };
      const policies = (await this.json('GET', '/api/v1/dsr/policy?size=100')) as { items: { key: string; rules?: { key: string }[] }[] };
      this.known = {
        messagingConfig: ['fuzz_mailgun', 'fuzz_twilio'],
        connection: ['fuzz_connection'],
        dataset: ['fuzz_dataset'],
        policy: policies.items.map((p) => p.key),
        rule: ['fuzz_rule', ...policies.items.flatMap((p) => (p.rules ?? []).map((r) => r.key))],
        target: ['fuzz_target'],
        client: [ROOT_CLIENT_ID, client.client_id],
        privacyRequest: created.succeeded.map((r) => r.id),
        message: messages.items.map((m) => m.id),
        together: {
          config_key: 'fuzz_mailgun',
          connection_key: 'fuzz_connection',
          fides_key: 'fuzz_dataset',
          policy_key: 'fuzz_policy',
          rule_key: 'fuzz_rule',
          rule_target_key: 'fuzz_target',
          client_id: client.client_id,
          privacy_request_id: created.succeeded[0]?.id ?? 'pri_none',
          message_id: messages.items[0]?.id ?? 'none',
        },
      };
    }
    return this.known;
  }
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function withoutNodeOptions(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _, ...rest } = env;
  return rest;
}
const heraldFiles = new Map<string, boolean>();

/**
 * Whether a stack frame is in Herald's own src/ (in the child, its transpiled copy). Some libraries' source maps also
 * point into `<root>/src/` (typeorm's do), so the file must exist there.
 */
function isHeralds(frame: string): boolean {
  const path = /\(?(?:file:\/\/)?([^\s()]+\.[cm]?[jt]s):\d+:\d+\)?$/.exec(frame.trim())?.[1]?.replace(/^.*herald-fuzz-js-\w+\//, ROOT);
  if (!path?.startsWith(`${ROOT}src/`)) return false;
  if (!heraldFiles.has(path)) heraldFiles.set(path, existsSync(path));
  return heraldFiles.get(path)!;
}

/** A captured pino line as a LogEvent (a line that is not JSON is kept as its text). */
function reduce(line: string): LogEvent {
  try {
    const parsed = JSON.parse(line) as {
      level: number;
      msg?: string;
      reqId?: string;
      requestId?: string;
      err?: { type?: string; message?: string; stack?: string };
    };
    const stack = parsed.err?.stack?.split('\n').filter((l) => l.trim().startsWith('at ')) ?? [];
    const ours = stack.filter(isHeralds);
    const where = (ours.length ? ours : stack)
      .slice(0, 3)
      .map((l) =>
        l
          .trim()
          .replace(/^at /, '')
          .replaceAll(`file://${ROOT}`, '')
          .replaceAll(ROOT, '')
          .replace(/(file:\/\/)?[^\s(]*herald-fuzz-js-\w+\//g, ''),
      )
      .join(' < ');
    return {
      level: parsed.level,
      requestId: parsed.reqId ?? parsed.requestId,
      msg: String(parsed.msg ?? ''),
      errType: parsed.err?.type,
      errMessage: parsed.err?.message,
      where: where || undefined,
    };
  } catch {
    return { level: 50, msg: line.slice(0, 300) };
  }
}
