import net from 'node:net';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { MAX_LENGTH } from '../../src/common/validation/fides-validators.js';
import { ROOT_CLIENT_ID, ROOT_CLIENT_SECRET, TestApp, bearer, captureLogs, createTestApp } from '../support/test-app.js';

/*
 * Decision D19, generated from what the app itself serves: every operation of /openapi.json and every GraphQL field
 * with arguments gets a NUL, a lone surrogate (and undecodable percent-encoding) in each kind of input, and 5,000-deep
 * JSON, with the root token and without. Each must be refused with 422 in Fides' shape, `loc` at the field
 * (GraphQL: BAD_USER_INPUT), store nothing, and log at most one warning line per request and no error or stack.
 */

type Loc = (string | number)[];
type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  format?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
  nullable?: boolean;
};
interface Operation {
  method: string;
  path: string;
  parameters?: { in: string; name: string; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, unknown>;
}
interface Document {
  paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
  components: { schemas: Record<string, Schema> };
}
interface Answer {
  status: number;
  body: unknown;
}

const NUL = 'a\u0000b';
const LONE_HIGH = 'a\ud800b';
const LONE_LOW = '\udc00z';
const DEEP_ARRAY = '['.repeat(5000) + ']'.repeat(5000);
const DEEP_OBJECT = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
const HOSTILE_TYPES = ['value_error.str.nul', 'value_error.str.surrogate', 'value_error.str.percent_encoding', 'value_error.json.max_depth'];

describe('hostile input (decision D19)', () => {
  const logs = captureLogs();
  let t: TestApp;
  let doc: Document;
  let operations: Operation[];
  let root: string;
  let port: number;
  let requestCount = 0;
  let auths: { label: string; header?: string }[];
  /** Values for the path parameters a case does not target: things that exist, so a request would reach its row. */
  const existing: Record<string, string> = {
    config_key: 'hostile_config',
    connection_key: 'hostile_connection',
    fides_key: 'hostile_dataset',
    policy_key: 'hostile_policy',
    rule_key: 'hostile_rule',
    rule_target_key: 'hostile_target',
    client_id: ROOT_CLIENT_ID,
  };

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'info' }, logs);
    root = await t.rootToken();
    auths = [{ label: 'root token', header: `Bearer ${root}` }, { label: 'no token' }];
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
    doc = (await t.http().get('/openapi.json').expect(200)).body as Document;
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, ...op })));
    await seed();
  });
  afterAll(() => t.close());

  async function seed(): Promise<void> {
    const auth = bearer(root);
    await t.http().post('/api/v1/messaging/config').set(auth).send({ key: 'hostile_config', name: 'Hostile config', service_type: 'twilio_text' }).expect(200);
    await t
      .http()
      .patch('/api/v1/connection')
      .set(auth)
      .send([{ key: 'hostile_connection', name: 'Hostile connection', connection_type: 'email', access: 'write' }])
      .expect(200);
    await t
      .http()
      .patch('/api/v1/dsr/policy')
      .set(auth)
      .send([{ key: 'hostile_policy', name: 'Hostile policy' }])
      .expect(200);
    await t
      .http()
      .patch('/api/v1/dsr/policy/hostile_policy/rule')
      .set(auth)
      .send([{ key: 'hostile_rule', name: 'Hostile rule', action_type: 'access' }])
      .expect(200);
    await t
      .http()
      .patch('/api/v1/dsr/policy/hostile_policy/rule/hostile_rule/target')
      .set(auth)
      .send([{ key: 'hostile_target', data_category: 'user.contact.email' }])
      .expect(200);
    // A request that waits for review, so that nothing runs in the background while rows are counted.
    await t
      .http()
      .patch('/api/v1/config')
      .set(auth)
      .send({ execution: { require_manual_request_approval: true } })
      .expect(200);
    const created = await t
      .http()
      .post('/api/v1/privacy-request')
      .send([{ identity: { email: 'subject@example.com' }, policy_key: 'hostile_policy' }])
      .expect(200);
    existing.privacy_request_id = (created.body as { succeeded: { id: string }[] }).succeeded[0].id;
    for (let previous = '', now = JSON.stringify(await rowCounts()); previous !== now;) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      [previous, now] = [now, JSON.stringify(await rowCounts())];
    }
  }

  // ---- what was stored, what was logged -------------------------------------------------------------------------

  async function rowCounts(): Promise<Record<string, number>> {
    const tables = (await t.db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows;
    const sql = tables.map(({ name }) => `SELECT '${name}' AS name, count(*)::int AS n FROM "${name}"`).join(' UNION ALL ');
    return Object.fromEntries((await t.db.query<{ name: string; n: number }>(sql)).rows.map((r) => [r.name, r.n]));
  }

  /** Runs `cases` and reports any row count that moved (write routes and mutations must store nothing). */
  async function storingNothing(label: string, problems: string[], cases: () => Promise<void>): Promise<void> {
    const before = await rowCounts();
    await cases();
    const after = await rowCounts();
    for (const table of Object.keys(after)) {
      if (after[table] !== before[table]) problems.push(`${label}: ${table} went from ${before[table]} to ${after[table]} rows`);
    }
  }

  const nextId = () => `hostile-${++requestCount}`;

  /** No error line or stack anywhere since `from`, and at most one warning line per request. */
  function logProblems(from: number): string[] {
    const problems: string[] = [];
    const warnings = new Map<string, number>();
    for (const line of logs.lines.slice(from)) {
      const entry = JSON.parse(line) as { level: number; msg?: string; reqId?: string };
      if (entry.level >= 50) problems.push(`logged at level ${entry.level}: ${entry.msg}`);
      if (line.includes('"stack"') || /\n\s+at /.test(line)) problems.push(`logged a stack trace: ${entry.msg}`);
      if (entry.level === 40 && entry.reqId) warnings.set(entry.reqId, (warnings.get(entry.reqId) ?? 0) + 1);
    }
    for (const [id, n] of warnings) if (n > 1) problems.push(`request ${id} logged ${n} warning lines`);
    return problems;
  }

  // ---- REST -------------------------------------------------------------------------------------------------------

  const name = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;
  const paramsIn = (op: Operation, where: string) => (op.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);
  const documents422 = (op: Operation) => '422' in op.responses;

  function urlOf(op: Operation, pathValues: Record<string, string> = {}, query = ''): string {
    const path = op.path.replace(/\{(\w+)\}/g, (_, p: string) => pathValues[p] ?? encodeURIComponent(existing[p] ?? 'hostile_sample'));
    return query ? `${path}?${query}` : path;
  }

  async function send(
    op: Operation,
    url: string,
    options: { auth?: string; type?: string; body?: string | Buffer; fields?: Record<string, string> } = {},
  ): Promise<Answer> {
    const req = (t.http() as unknown as Record<string, (url: string) => import('supertest').Test>)[op.method](url).set('x-request-id', nextId());
    if (options.auth) req.set('authorization', options.auth);
    if (options.fields) for (const [k, v] of Object.entries(options.fields)) req.field(k, v);
    else if (options.body !== undefined) req.set('content-type', options.type ?? 'application/json').send(options.body);
    const res = await req;
    return { status: res.status, body: res.body as unknown };
  }

  /** A 422 in Fides' shape, one of D19's types, located at `loc`; else what is wrong. */
  function refusal(label: string, answer: Answer, loc: Loc | ((l: Loc) => boolean)): string | undefined {
    // A HEAD answer has no body (RFC 9110): its status is all there is to check.
    if (label.startsWith('HEAD ') && answer.status === 422) return undefined;
    const detail = (answer.body as { detail?: { loc?: Loc; msg?: unknown; type?: unknown }[] }).detail;
    const issue = Array.isArray(detail) && detail.length === 1 ? detail[0] : undefined;
    const located = issue?.loc !== undefined && (typeof loc === 'function' ? loc(issue.loc) : JSON.stringify(issue.loc) === JSON.stringify(loc));
    if (answer.status === 422 && located && typeof issue?.msg === 'string' && HOSTILE_TYPES.includes(issue.type as string)) return undefined;
    return `${label}: expected 422 at ${typeof loc === 'function' ? '(path)' : JSON.stringify(loc)}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 160)}`;
  }

  it('refuses NUL, encoded surrogates and undecodable percent-encoding in every path parameter', async () => {
    const from = logs.lines.length;
    const problems: string[] = [];
    let cases = 0;
    for (const op of operations) {
      for (const param of paramsIn(op, 'path')) {
        await storingNothing(name(op), problems, async () => {
          for (const auth of auths) {
            // The router decodes the path: a NUL reaches the parameter, a surrogate or broken UTF-8 fails to decode.
            for (const [value, loc] of [
              ['a%00b', ['path', param]],
              ['%ED%A0%80', ['path']],
              ['a%E0%A4', ['path']],
            ] as const) {
              const answer = await send(op, urlOf(op, { [param]: value }), { auth: auth.header });
              cases++;
              const problem = refusal(`${name(op)} path ${param}=${value} (${auth.label})`, answer, [...loc]);
              if (problem) problems.push(problem);
            }
          }
        });
      }
    }
    expect(cases).toBeGreaterThan(50);
    expect([...problems, ...logProblems(from)]).toEqual([]);
  });

  it('refuses NUL, encoded surrogates and undecodable percent-encoding in every query parameter', async () => {
    const from = logs.lines.length;
    const problems: string[] = [];
    let cases = 0;
    for (const op of operations) {
      const query = paramsIn(op, 'query');
      if (query.length === 0) continue;
      await storingNothing(name(op), problems, async () => {
        for (const auth of auths) {
          for (const param of query) {
            for (const value of ['a%00b', '%ED%A0%80', '%E0%A4%A']) {
              const answer = await send(op, urlOf(op, {}, `${param}=${value}`), { auth: auth.header });
              cases++;
              const problem = refusal(`${name(op)} query ${param}=${value} (${auth.label})`, answer, ['query', param]);
              if (problem) problems.push(problem);
            }
          }
        }
      });
    }
    expect(cases).toBeGreaterThan(50);
    expect([...problems, ...logProblems(from)]).toEqual([]);
  });

  // A body that would be accepted, built from the document (examples, enums, required fields), so that a hostile
  // string that got through would reach the service and its tables.
  function resolve(schema: Schema | undefined): Schema {
    let s = schema ?? {};
    while (s.$ref) s = doc.components.schemas[s.$ref.split('/').pop()!];
    if (s.allOf) s = s.allOf.map(resolve).reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties } }), {});
    if (s.oneOf ?? s.anyOf) s = resolve((s.oneOf ?? s.anyOf)![0]);
    return s;
  }

  function sample(schema: Schema | undefined, depth = 0): unknown {
    const s = resolve(schema);
    if (s.example !== undefined) return structuredClone(s.example);
    if (s.enum) return s.enum[0];
    if (s.type === 'array') return depth > 4 ? [] : [sample(s.items, depth + 1)];
    if (s.type === 'object' || s.properties) {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = depth > 4 ? {} : sample(s.properties?.[key], depth + 1);
      return out;
    }
    if (s.type === 'integer' || s.type === 'number') return 1;
    if (s.type === 'boolean') return false;
    if (s.format === 'date-time') return new Date().toISOString();
    return 'hostile_sample';
  }

  /** Every place in the schema a string could go: object properties, list items, the body itself. */
  function leaves(schema: Schema | undefined, at: Loc = [], depth = 0): Loc[] {
    const s = resolve(schema);
    if (depth > 4) return [at];
    if (s.type === 'array') return leaves(s.items, [...at, 0], depth + 1);
    const props = Object.entries(s.properties ?? {});
    if (props.length === 0) return s.type === 'object' || s.additionalProperties ? [[...at, 'extra_key']] : [at];
    return props.flatMap(([key, sub]) => leaves(sub, [...at, key], depth + 1));
  }

  function placed(base: unknown, at: Loc, value: string): unknown {
    if (at.length === 0) return value;
    const [head, ...rest] = at;
    const container = (
      typeof head === 'number' ? (Array.isArray(base) ? [...base] : []) : typeof base === 'object' && base !== null && !Array.isArray(base) ? { ...base } : {}
    ) as Record<string | number, unknown>;
    container[head] = placed(container[head], rest, value);
    return container;
  }

  const jsonOperations = () => operations.filter((op) => op.requestBody?.content['application/json']);

  it('refuses NUL and lone surrogates in every field of every JSON body, storing nothing', async () => {
    const from = logs.lines.length;
    const problems: string[] = [];
    let cases = 0;
    for (const op of jsonOperations()) {
      const schema = op.requestBody!.content['application/json'].schema;
      const base = sample(schema);
      await storingNothing(name(op), problems, async () => {
        for (const auth of auths) {
          for (const at of leaves(schema)) {
            for (const value of [NUL, LONE_HIGH, LONE_LOW]) {
              // JSON.stringify writes a NUL as \u0000 and a lone surrogate as \udXXX: the escapes a client would send.
              const answer = await send(op, urlOf(op), { auth: auth.header, body: JSON.stringify(placed(base, at, value)) });
              cases++;
              const problem = refusal(`${name(op)} body ${JSON.stringify(at)} ${JSON.stringify(value)} (${auth.label})`, answer, ['body', ...at]);
              if (problem) problems.push(problem);
            }
          }
        }
      });
    }
    expect(cases).toBeGreaterThan(200);
    expect([...problems, ...logProblems(from)]).toEqual([]);
  });

  it('refuses JSON nested 5,000 deep before anything reads it, and accepts 64 levels', async () => {
    const from = logs.lines.length;
    const problems: string[] = [];
    for (const op of jsonOperations()) {
      await storingNothing(name(op), problems, async () => {
        for (const auth of auths) {
          for (const body of [DEEP_ARRAY, DEEP_OBJECT, `[${DEEP_OBJECT}]`]) {
            const problem = refusal(`${name(op)} deep body (${auth.label})`, await send(op, urlOf(op), { auth: auth.header, body }), ['body']);
            if (problem) problems.push(problem);
          }
        }
      });
    }
    // The limit is on nesting, not on brackets inside strings; 64 levels still reach the route's own validation.
    const auth = bearer(root);
    const inStrings = await t
      .http()
      .post('/api/v1/oauth/client')
      .set(auth)
      .set('content-type', 'application/json')
      .send(JSON.stringify(['['.repeat(200)]));
    expect(inStrings.status).not.toBe(500);
    expect(JSON.stringify(inStrings.body)).not.toContain('max_depth');
    const deepest = '['.repeat(63) + '"scope:read"' + ']'.repeat(63);
    const atLimit = await t.http().post('/api/v1/oauth/client').set(auth).set('content-type', 'application/json').send(`[${deepest}]`);
    expect(atLimit.status).toBe(422);
    expect(JSON.stringify(atLimit.body)).not.toContain('max_depth');
    expect([...problems, ...logProblems(from)]).toEqual([]);
  });

  it('refuses NUL in every form and multipart field (the token route), with or without a token', async () => {
    const from = logs.lines.length;
    const problems: string[] = [];
    const formOperations = operations.filter((op) => Object.keys(op.requestBody?.content ?? {}).some((type) => type.includes('form')));
    expect(formOperations.map(name)).toContain('POST /api/v1/oauth/token');
    for (const op of formOperations) {
      const content = op.requestBody!.content;
      const schema = resolve((content['application/x-www-form-urlencoded'] ?? content['multipart/form-data']).schema);
      const fields = Object.keys(schema.properties ?? {});
      expect(fields.length).toBeGreaterThan(0);
      const valid: Record<string, string> = { client_id: ROOT_CLIENT_ID, client_secret: ROOT_CLIENT_SECRET, grant_type: 'client_credentials' };
      await storingNothing(name(op), problems, async () => {
        for (const auth of auths) {
          for (const field of fields) {
            const values = { ...Object.fromEntries(fields.map((f) => [f, valid[f] ?? 'x'])), [field]: NUL };
            if (content['application/x-www-form-urlencoded']) {
              const answer = await send(op, urlOf(op), {
                auth: auth.header,
                type: 'application/x-www-form-urlencoded',
                body: new URLSearchParams(values).toString(),
              });
              const problem = refusal(`${name(op)} form ${field} (${auth.label})`, answer, ['body', field]);
              if (problem) problems.push(problem);
              // Broken percent-encoding decodes to U+FFFD, never to a surrogate: whatever the answer, not a 500.
              const broken = await send(op, urlOf(op), { auth: auth.header, type: 'application/x-www-form-urlencoded', body: `${field}=%ED%A0%80&x=%E0%A4%A` });
              if (broken.status >= 500) problems.push(`${name(op)} form ${field} broken encoding: ${broken.status}`);
            }
            if (content['multipart/form-data']) {
              const answer = await send(op, urlOf(op), { auth: auth.header, fields: values });
              const problem = refusal(`${name(op)} multipart ${field} (${auth.label})`, answer, ['body', field]);
              if (problem) problems.push(problem);
            }
          }
        }
      });
    }
    expect([...problems, ...logProblems(from)]).toEqual([]);
  });

  it('refuses NUL in decoded Basic credentials on every route, and survives raw hostile header bytes', async () => {
    const from = logs.lines.length;
    const problems: string[] = [];
    const basic = `Basic ${Buffer.from(`${ROOT_CLIENT_ID}\u0000:${ROOT_CLIENT_SECRET}`).toString('base64')}`;
    // Routes that document a 422 (those reading a parameter or a body; the others are listed in the report).
    const routes = operations.filter(documents422);
    expect(routes.length).toBeGreaterThan(40);
    for (const op of routes) {
      await storingNothing(name(op), problems, async () => {
        const problem = refusal(`${name(op)} Basic credentials with NUL`, await send(op, urlOf(op), { auth: basic }), ['header', 'authorization']);
        if (problem) problems.push(problem);
      });
    }
    // Node's HTTP parser refuses a NUL in any header (400, before Herald sees it); bytes that would be a surrogate in
    // CESU-8 arrive as Latin-1 characters. Neither may be a 5xx.
    for (const header of ['Authorization', 'Content-Type', 'X-Forwarded-For', 'Origin']) {
      for (const bytes of [Buffer.from([0x61, 0x00, 0x62]), Buffer.from([0xed, 0xa0, 0x80])]) {
        // (At /graphql, which reads all four and whose answers are not held to the REST document.)
        const body = '{"query": "{ __typename }"}';
        const head = `POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${body.length}\r\n${header === 'Content-Type' ? '' : 'Content-Type: application/json\r\n'}${header}: `;
        const status = await rawRequest(Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n\r\n${body}`)]));
        if (status >= 500 || status === 0) problems.push(`raw ${header} ${bytes.toString('hex')}: ${status}`);
      }
    }
    expect([...problems, ...logProblems(from)]).toEqual([]);
  });

  function rawRequest(raw: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
      socket.end(raw);
    });
  }

  it("limits free text: a string past its field's length is a 422 at the field, and nothing is stored", async () => {
    const auth = bearer(root);
    const before = await rowCounts();
    const over = (n: number) => 'a'.repeat(n + 1);
    const cases: [string, () => Promise<{ status: number; body: unknown }>, Loc][] = [
      [
        'privacy request email',
        () =>
          t
            .http()
            .post('/api/v1/privacy-request')
            .send([{ identity: { email: `${over(MAX_LENGTH.email)}@example.com` }, policy_key: 'hostile_policy' }]),
        ['body', 0, 'identity', 'email'],
      ],
      [
        'privacy request external id',
        () =>
          t
            .http()
            .post('/api/v1/privacy-request')
            .send([{ identity: { email: 's@example.com' }, policy_key: 'hostile_policy', external_id: over(MAX_LENGTH.short) }]),
        ['body', 0, 'external_id'],
      ],
      [
        'connection name',
        () =>
          t
            .http()
            .patch('/api/v1/connection')
            .set(auth)
            .send([{ name: over(MAX_LENGTH.name), connection_type: 'email', access: 'write' }]),
        ['body', 0, 'name'],
      ],
      [
        'connection description',
        () =>
          t
            .http()
            .patch('/api/v1/connection')
            .set(auth)
            .send([{ name: 'n', connection_type: 'email', access: 'write', description: over(MAX_LENGTH.text) }]),
        ['body', 0, 'description'],
      ],
      [
        'policy key',
        () =>
          t
            .http()
            .patch('/api/v1/dsr/policy')
            .set(auth)
            .send([{ name: 'n', key: over(MAX_LENGTH.key) }]),
        ['body', 0, 'key'],
      ],
      [
        'messaging config name',
        () =>
          t
            .http()
            .post('/api/v1/messaging/config')
            .set(auth)
            .send({ name: over(MAX_LENGTH.name), service_type: 'twilio_text' }),
        ['body', 'name'],
      ],
      [
        'deny reason',
        () =>
          t
            .http()
            .patch('/api/v1/privacy-request/administrate/deny')
            .set(auth)
            .send({ request_ids: [existing.privacy_request_id], reason: over(MAX_LENGTH.text) }),
        ['body', 'reason'],
      ],
      [
        'verification code',
        () =>
          t
            .http()
            .post(`/api/v1/privacy-request/${existing.privacy_request_id}/verify`)
            .send({ code: over(MAX_LENGTH.code) }),
        ['body', 'code'],
      ],
      [
        'query filter',
        () =>
          t
            .http()
            .get(`/api/v1/privacy-request?external_id=${over(MAX_LENGTH.short)}`)
            .set(auth),
        ['query', 'external_id'],
      ],
      [
        'dataset description',
        () =>
          t
            .http()
            .patch('/api/v1/connection/hostile_connection/dataset')
            .set(auth)
            .send([
              {
                fides_key: 'd',
                collections: [{ name: 'c', description: over(MAX_LENGTH.text), fields: [{ name: 'f', fidesops_meta: { primary_key: true } }] }],
              },
            ]),
        ['body', 0, 'collections', 0, 'description'],
      ],
    ];
    const problems: string[] = [];
    for (const [label, run, loc] of cases) {
      const res = await run();
      const detail = (res.body as { detail?: { loc: Loc; msg: string; type: string }[] }).detail;
      const match =
        Array.isArray(detail) &&
        detail.some(
          (d) =>
            JSON.stringify(d.loc) === JSON.stringify(loc) &&
            d.type === 'value_error.any_str.max_length' &&
            /^ensure this value has at most \d+ characters$/.test(d.msg),
        );
      if (res.status !== 422 || !match) problems.push(`${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
    expect(await rowCounts()).toEqual(before);
    // At the limit, the same values are accepted, and the longest key is still addressable in a path.
    const longKey = 'k'.repeat(MAX_LENGTH.key);
    await t
      .http()
      .patch('/api/v1/dsr/policy')
      .set(auth)
      .send([{ name: 'Long key', key: longKey }])
      .expect(200);
    expect((await t.http().get(`/api/v1/dsr/policy/${longKey}`).set(auth)).body).toMatchObject({ key: longKey });
    const atLimit = await t
      .http()
      .patch('/api/v1/connection')
      .set(auth)
      .send([{ name: 'a'.repeat(MAX_LENGTH.name), connection_type: 'email', access: 'write', description: 'd'.repeat(MAX_LENGTH.text) }]);
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.succeeded).toHaveLength(1);
  });

  // ---- GraphQL ----------------------------------------------------------------------------------------------------

  interface FieldCase {
    kind: 'query' | 'mutation';
    field: GraphQLField<unknown, unknown>;
  }

  function graphqlFields(): FieldCase[] {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    return (['query', 'mutation'] as const).flatMap((kind) => {
      const type = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
      return Object.values(type?.getFields() ?? {})
        .filter((field) => field.args.length > 0)
        .map((field) => ({ kind, field }));
    });
  }

  /** A value the type accepts: required input fields only, the first enum value, plausible scalars. */
  function sampleInput(type: GraphQLInputType, key: string, depth = 0): unknown {
    if (isNonNullType(type)) return sampleInput(type.ofType, key, depth);
    if (isListType(type)) return [sampleInput(type.ofType, key, depth + 1)];
    if (isEnumType(type)) return type.getValues()[0].name;
    if (isInputObjectType(type)) {
      const out: Record<string, unknown> = {};
      for (const f of Object.values(type.getFields()))
        if (isNonNullType(f.type) && f.defaultValue === undefined && depth < 20) out[f.name] = sampleInput(f.type, f.name, depth + 1);
      return out;
    }
    switch (type.name) {
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'Date':
      case 'DateTime':
        return new Date().toISOString();
      default:
        return /email/i.test(key) ? 'subject@example.com' : 'hostile_sample';
    }
  }

  /** Every path to a String or ID inside an argument's type (input objects, one list item). */
  function stringLeaves(type: GraphQLInputType, at: Loc = [], depth = 0): Loc[] {
    if (isNonNullType(type)) return stringLeaves(type.ofType, at, depth);
    if (isListType(type)) return stringLeaves(type.ofType, [...at, 0], depth);
    if (isInputObjectType(type)) return depth > 4 ? [] : Object.values(type.getFields()).flatMap((f) => stringLeaves(f.type, [...at, f.name], depth + 1));
    return isScalarType(type) && (type.name === 'String' || type.name === 'ID') ? [at] : [];
  }

  /** `value` at `at` inside `base`, the objects on the way completed with their required fields (a valid document). */
  function placedInput(type: GraphQLInputType, base: unknown, at: Loc, value: string): unknown {
    if (isNonNullType(type)) return placedInput(type.ofType, base, at, value);
    if (at.length === 0) return value;
    const start = base === undefined || base === null ? sampleInput(type, '') : base;
    const [head, ...rest] = at;
    if (isListType(type)) {
      const list = [...(start as unknown[])];
      list[head as number] = placedInput(type.ofType, list[head as number], rest, value);
      return list;
    }
    const fields = (type as { getFields: () => Record<string, { type: GraphQLInputType }> }).getFields();
    const object = { ...(start as Record<string, unknown>) };
    object[head] = placedInput(fields[head].type, object[head], rest, value);
    return object;
  }

  function literal(value: unknown, type: GraphQLInputType): string {
    if (isNonNullType(type)) return literal(value, type.ofType);
    if (isListType(type)) return `[${(value as unknown[]).map((v) => literal(v, type.ofType)).join(', ')}]`;
    if (isEnumType(type)) return String(value);
    if (isInputObjectType(type)) {
      const fields = type.getFields();
      return `{${Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}: ${literal(v, fields[k].type)}`)
        .join(', ')}}`;
    }
    // JSON's string escapes are GraphQL's: a NUL is written \u0000, a lone surrogate \udXXX.
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  }

  function operationText(c: FieldCase, args: string, variables = ''): string {
    const selection = isCompositeType(getNamedType(c.field.type)) ? ' { __typename }' : '';
    return `${c.kind}${variables ? ` (${variables})` : ''} { ${c.field.name}${args ? `(${args})` : ''}${selection} }`;
  }

  async function postGraphql(body: string | object, auth?: string): Promise<Answer> {
    const req = t.http().post('/graphql').set('content-type', 'application/json').set('x-request-id', nextId());
    if (auth) req.set('authorization', auth);
    const res = await req.send(body);
    return { status: res.status, body: res.body as unknown };
  }

  function graphqlRefusal(label: string, answer: Answer, loc: Loc, codes = ['BAD_USER_INPUT']): string | undefined {
    const body = answer.body as { data?: unknown; errors?: { extensions?: { code?: string; detail?: { loc: Loc; type: string }[] } }[] };
    const error = body.errors?.[0];
    const code = error?.extensions?.code;
    const located = code !== 'BAD_USER_INPUT' || JSON.stringify(error?.extensions?.detail?.[0]?.loc) === JSON.stringify(loc);
    if (answer.status === 400 && body.data === undefined && code && codes.includes(code) && located && body.errors!.length === 1) return undefined;
    return `${label}: expected 400 ${codes.join('/')} at ${JSON.stringify(loc)}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
  }

  it('refuses NUL and lone surrogates in every string variable and literal of every GraphQL field, running nothing', async () => {
    const from = logs.lines.length;
    const problems: string[] = [];
    let cases = 0;
    const fields = graphqlFields();
    expect(fields.filter((c) => c.kind === 'mutation').length).toBeGreaterThan(10);
    for (const c of fields) {
      const args = c.field.args;
      const required = args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
      await storingNothing(`${c.kind} ${c.field.name}`, problems, async () => {
        for (const auth of auths) {
          for (const arg of args) {
            for (const at of stringLeaves(arg.type)) {
              for (const value of [NUL, LONE_HIGH]) {
                const given = new Map(required.map((a) => [a.name, sampleInput(a.type, a.name)]));
                given.set(arg.name, placedInput(arg.type, given.get(arg.name), at, value));
                const used = args.filter((a) => given.has(a.name));
                const label = `${c.field.name}(${arg.name} ${JSON.stringify(at)}) ${JSON.stringify(value)} (${auth.label})`;
                // As variables: the plugin walks them before anything executes.
                const query = operationText(
                  c,
                  used.map((a) => `${a.name}: $${a.name}`).join(', '),
                  used.map((a) => `$${a.name}: ${String(a.type)}`).join(', '),
                );
                const viaVariables = await postGraphql({ query, variables: Object.fromEntries(given) }, auth.header);
                const p1 = graphqlRefusal(`variables ${label}`, viaVariables, ['variables', arg.name, ...at]);
                if (p1) problems.push(p1);
                // As literals: a NUL escape parses and is refused; a lone surrogate cannot be written in GraphQL at all.
                const inline = operationText(c, used.map((a) => `${a.name}: ${literal(given.get(a.name), a.type)}`).join(', '));
                const viaLiteral = await postGraphql({ query: inline }, auth.header);
                const p2 = graphqlRefusal(
                  `literal ${label}`,
                  viaLiteral,
                  [c.field.name, arg.name, ...at],
                  value === NUL ? ['BAD_USER_INPUT'] : ['GRAPHQL_PARSE_FAILED'],
                );
                if (p2) problems.push(p2);
                cases += 2;
              }
            }
          }
          // 5,000-deep JSON in the variables: refused by the body parser, as any JSON body.
          const deep = await postGraphql(`{"query": ${JSON.stringify(operationText(c, ''))}, "variables": {"v": ${DEEP_ARRAY}}}`, auth.header);
          const p3 = refusal(`${c.field.name} deep variables (${auth.label})`, deep, ['body']);
          if (p3) problems.push(p3);
        }
      });
    }
    expect(cases).toBeGreaterThan(200);
    expect([...problems, ...logProblems(from)]).toEqual([]);
  });

  it('logs a refusal as one warning line naming the field, never the value', async () => {
    const from = logs.lines.length;
    const res = await t.http().get('/api/v1/privacy-request?external_id=subject%40example.com%00').set(bearer(root)).set('x-request-id', 'hostile-logged');
    expect(res.status).toBe(422);
    const lines = logs.lines.slice(from).filter((line) => line.includes('hostile-logged'));
    const warnings = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.level === 40);
    expect(warnings).toEqual([expect.objectContaining({ msg: 'hostile input refused', loc: ['query', 'external_id'], reason: 'value_error.str.nul' })]);
    expect(lines.join('')).not.toMatch(/subject|example\.com/);
    // GraphQL's refusals too, with the request's id.
    const gql = await t
      .http()
      .post('/graphql')
      .set('x-request-id', 'hostile-logged-gql')
      .send({ query: 'query($s: String) { connections(search: $s) { total } }', variables: { s: 'subject@example.com\u0000' } });
    expect(gql.status).toBe(400);
    const gqlLines = logs.lines.filter((line) => line.includes('hostile-logged-gql')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(gqlLines.filter((entry) => entry.level === 40)).toEqual([expect.objectContaining({ msg: 'hostile input refused', loc: ['variables', 's'] })]);
    expect(JSON.stringify(gqlLines)).not.toMatch(/subject|example\.com/);
  });

  it('refuses a hostile operation name, and lets a GraphQL request with clean escapes through', async () => {
    const refused = await postGraphql({ query: 'query Q { __typename }', operationName: 'Q\u0000' });
    expect(graphqlRefusal('operation name', refused, ['operationName'])).toBeUndefined();
    // A well-formed pair of surrogate escapes (an emoji) is text like any other.
    const emoji = await postGraphql({ query: 'query { connections(search: "\\ud83d\\ude00") { total } }' }, `Bearer ${root}`);
    expect(emoji.body).toEqual({ data: { connections: { total: 0 } } });
    const rest = await t
      .http()
      .patch('/api/v1/connection')
      .set(bearer(root))
      .set('content-type', 'application/json')
      .send('[{"name": "Emoji \\ud83d\\ude00", "connection_type": "email", "access": "read"}]');
    expect(rest.status).toBe(200);
    expect(rest.body.succeeded[0].name).toBe('Emoji \u{1F600}');
  });
});
