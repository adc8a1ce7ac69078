// Decision D17 over the real HTTP stack: depth, expanded field count, aliases per root field and the bulk item sum
// are refused before anything runs (400, GRAPHQL_VALIDATION_FAILED, a small answer naming the limit, nothing stored or
// sent); introspection, "Did you mean" hints and the playground follow HERALD_GRAPHQL_INTROSPECTION (off in production).
import { getIntrospectionQuery } from 'graphql';
import { startPrivacyRequestWorld, type PrivacyRequestWorld } from '../support/privacy-request-world.js';
import { TestApp, bearer, createTestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-graphql-limits-4417';

interface GraphqlBody {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function post(t: TestApp, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const req = t.http().post('/graphql').set('content-type', 'application/json');
  if (token) req.set(bearer(token));
  const res = await req.send({ query, variables });
  return { status: res.status, body: res.body as GraphqlBody, bytes: Buffer.byteLength(res.text ?? '') };
}

/** A refusal by a D17 limit: 400, no data, every error GRAPHQL_VALIDATION_FAILED, one naming the limit. */
async function refused(t: TestApp, limit: RegExp, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await post(t, query, variables, token);
  expect(res.status).toBe(400);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors?.length).toBeGreaterThan(0);
  for (const error of res.body.errors!) expect(error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(res.body.errors!.map((e) => e.message)).toContainEqual(expect.stringMatching(limit));
  return res;
}

/** Passed every limit: whatever the resolvers answered, no validation error. */
async function accepted(t: TestApp, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await post(t, query, variables, token);
  expect(res.body.errors?.filter((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED') ?? []).toEqual([]);
  expect(res.status).not.toBe(400);
  return res;
}

const INTROSPECTION = getIntrospectionQuery();
const INTROSPECTION_FRAGMENTS = INTROSPECTION.slice(INTROSPECTION.indexOf('fragment FullType'));
/** The attack of issue 13: 1,000 aliased `__schema` selections, each the whole schema (63.7 MB answered before). */
const ALIAS_BOMB = `{ ${Array.from({ length: 1000 }, (_, i) => `s${i}: __schema { types { ...FullType } }`).join(' ')} }\n${INTROSPECTION_FRAGMENTS}`;

const CREATE_FIELDS = 'succeeded { id status } failed { message }';
/** `aliases` aliases of createPrivacyRequests, all given the same `$inputs`. */
const aliasedCreate = (aliases: number) =>
  `mutation Create($inputs: [PrivacyRequestInput!]!) { ${Array.from({ length: aliases }, (_, i) => `c${i}: createPrivacyRequests(inputs: $inputs) { ${CREATE_FIELDS} }`).join(' ')} }`;
const inputsFor = (n: number, email = 'bulk-subject@example.com') =>
  Array.from({ length: n }, () => ({ identity: { email }, policyKey: 'default_access_policy' }));
/** The same inputs written into the document instead of variables. */
const literalInputs = (n: number, email: string) =>
  `[${Array.from({ length: n }, () => `{ identity: { email: "${email}" }, policyKey: "default_access_policy" }`).join(', ')}]`;

/** `dataset { collections { fields { fields ... { name } } } } }`: depth 2 + nestedFields + 1. */
const datasetAtDepth = (depth: number) => {
  const nested = depth - 3;
  return `{ dataset(connectionKey: "none", fidesKey: "none") { collections { ${'fields { '.repeat(nested)}name${' }'.repeat(nested)} } } }`;
};

/** authInfo plus `aliases` aliased clientId fields under it: 1 + aliases fields in all. */
const authInfoFields = (aliases: number) => `{ authInfo { ${Array.from({ length: aliases }, (_, i) => `f${i}: clientId`).join(' ')} } }`;

describe('GraphQL limits (D17)', () => {
  let world: PrivacyRequestWorld;
  let t: TestApp;
  let root: string;

  const count = async (table: 'privacy_request' | 'message') => Number((await t.db.query(`SELECT count(*) FROM ${table}`)).rows[0].count);
  const settings = (body: object) => t.http().patch('/api/v1/config').set(world.auth).send(body).expect(200);

  beforeAll(async () => {
    world = await startPrivacyRequestWorld(MAILGUN_KEY);
    ({ t, root } = world);
  });
  afterAll(() => world.close());
  beforeEach(() => world.reset());

  describe('the alias bomb', () => {
    it('refuses 1,000 aliased __schema selections without a token, in a small answer', async () => {
      expect(ALIAS_BOMB.length).toBeGreaterThan(30_000);
      const res = await refused(t, /^Root field __schema has 1000 aliases, over the limit of 20$/, ALIAS_BOMB);
      // The limits found are all named, and nothing of the schema was sent.
      expect(res.body.errors!.map((e) => e.message)).toContainEqual(expect.stringMatching(/^Query selects \d+ fields, over the limit of 500$/));
      expect(res.bytes).toBeLessThan(2_000);
      expect(JSON.stringify(res.body)).not.toContain('PrivacyRequest');
    });

    it('answers 20 aliases of __schema, each small', async () => {
      const res = await accepted(t, `{ ${Array.from({ length: 20 }, (_, i) => `s${i}: __schema { queryType { name } }`).join(' ')} }`);
      expect(Object.keys(res.body.data!)).toHaveLength(20);
      expect(res.body.data!.s19).toEqual({ queryType: { name: 'Query' } });
    });
  });

  describe('document size', () => {
    it('stops parsing past 20,000 tokens: a 400 naming the cap, nothing run', async () => {
      const before = await count('privacy_request');
      // 2,500 aliases of 10 tokens each: ~25,000 tokens, refused before validation even counts the aliases.
      const huge = `mutation { ${Array.from({ length: 2500 }, (_, i) => `c${i}: createPrivacyRequests(inputs: []) { failed { message } }`).join(' ')} }`;
      const res = await t.http().post('/graphql').set('content-type', 'application/json').send({ query: huge });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(res.body.errors[0].message).toMatch(/Document contains more tha[nt] 20000 tokens/); // graphql-js 16 writes "more that";
      expect(res.text.length).toBeLessThan(2_000);
      expect(await count('privacy_request')).toBe(before);
    });
  });

  describe('depth', () => {
    it('refuses a query deeper than 12 before its resolver runs, and runs one of depth 12', async () => {
      // Without the limit the resolver would run and answer NOT_FOUND for the unknown dataset.
      const res = await refused(t, /^Query depth 13 exceeds the limit of 12$/, datasetAtDepth(13), {}, root);
      expect(res.body.errors).toHaveLength(1);
      await refused(t, /^Query depth 40 exceeds the limit of 12$/, datasetAtDepth(40), {}, root);

      const ran = await accepted(t, datasetAtDepth(12), {}, root);
      expect(ran.body.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    });

    it('counts fields, not fragments, and leaves the introspection query to graphql-js (Sandbox sends one 15 deep)', async () => {
      const viaFragments = `{ dataset(connectionKey: "none", fidesKey: "none") { ...C } }
        fragment C on Dataset { collections { ... on DatasetCollection { ...F } } }
        fragment F on DatasetCollection { ${'fields { '.repeat(9)}name${' }'.repeat(9)} }`;
      expect((await accepted(t, viaFragments, {}, root)).body.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);

      const introspection = await accepted(t, INTROSPECTION);
      expect(introspection.body.data!.__schema.types.map((type: { name: string }) => type.name)).toContain('PrivacyRequest');
    });
  });

  describe('selected fields', () => {
    it('runs 500 fields and refuses 501', async () => {
      const ran = await accepted(t, authInfoFields(499), {}, root);
      expect(Object.keys(ran.body.data!.authInfo)).toHaveLength(499);
      expect(ran.body.data!.authInfo.f498).toBe('herald-root');

      const res = await refused(t, /^Query selects 501 fields, over the limit of 500$/, authInfoFields(500), {}, root);
      expect(res.body.errors).toHaveLength(1);
    });

    it('counts a fragment each time it is spread', async () => {
      const fragment = `fragment F on AuthInfo { ${Array.from({ length: 100 }, (_, i) => `f${i}: clientId`).join(' ')} }`;
      const spreads = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: authInfo { ...F }`).join(' ')} }\n${fragment}`;
      const ran = await accepted(t, spreads(4), {}, root);
      expect(Object.keys(ran.body.data!)).toHaveLength(4);
      await refused(t, /^Query selects 505 fields, over the limit of 500$/, spreads(5), {}, root);
    });

    it('refuses fragments that double at every level without expanding them', async () => {
      // 2^40 fields once expanded; counted once per fragment.
      const levels = Array.from({ length: 40 }, (_, i) => `fragment L${i} on AuthInfo { ...L${i + 1} ...L${i + 1} }`).join('\n');
      const query = `{ authInfo { ...L0 } }\n${levels}\nfragment L40 on AuthInfo { clientId }`;
      const res = await refused(t, /^Query selects more than 1,000,000,000 fields, over the limit of 500$/, query, {}, root);
      expect(res.body.errors).toHaveLength(1);
    });
  });

  describe('aliases of one root field', () => {
    it('refuses 21 aliases of createPrivacyRequests, creating nothing, and runs 20', async () => {
      const requests = await count('privacy_request');
      await refused(t, /^Root field createPrivacyRequests has 21 aliases, over the limit of 20$/, aliasedCreate(21), { inputs: inputsFor(1) });
      expect(await count('privacy_request')).toBe(requests);

      const ran = await accepted(t, aliasedCreate(20), { inputs: inputsFor(1) });
      expect(Object.values(ran.body.data!).map((r: any) => r.succeeded.length)).toEqual(Array(20).fill(1));
      expect(await count('privacy_request')).toBe(requests + 20);
    });

    it('counts aliases reached through fragments, and one response key once', async () => {
      const viaFragments = `query { ...A ... on Query { ${Array.from({ length: 11 }, (_, i) => `b${i}: privacyRequests { total }`).join(' ')} } }
        fragment A on Query { ${Array.from({ length: 10 }, (_, i) => `a${i}: privacyRequests { total }`).join(' ')} }`;
      await refused(t, /^Root field privacyRequests has 21 aliases, over the limit of 20$/, viaFragments, {}, root);

      // One response key selected 30 times runs once.
      const sameKey = `{ ${Array(30).fill('p: privacyRequests { total }').join(' ')} }`;
      const ran = await accepted(t, sameKey, {}, root);
      expect(ran.body.data!.p.total).toEqual(expect.any(Number));
    });
  });

  describe('items of bulk mutations, summed over aliases', () => {
    it('refuses 20 aliases × 50 inputs: no request stored, no message', async () => {
      const requests = await count('privacy_request');
      const messages = await count('message');
      const res = await refused(t, /^Mutation list arguments hold 1000 items, over the limit of 50 per request$/, aliasedCreate(20), { inputs: inputsFor(50) });
      expect(res.body.errors).toHaveLength(1);
      expect(res.bytes).toBeLessThan(1_000);
      expect(await count('privacy_request')).toBe(requests);
      expect(await count('message')).toBe(messages);
      expect(world.fakes.mailgun.requests).toHaveLength(0);
    });

    it('refuses 4 aliases × 50 inputs with identity verification on: no code sent to anyone', async () => {
      await settings({ execution: { subject_identity_verification_required: true } });
      const requests = await count('privacy_request');
      const messages = await count('message');
      // Inputs written in the document count as variables do.
      const query = `mutation { ${Array.from({ length: 4 }, (_, i) => `c${i}: createPrivacyRequests(inputs: ${literalInputs(50, `victim${i}@example.com`)}) { ${CREATE_FIELDS} }`).join(' ')} }`;
      await refused(t, /^Mutation list arguments hold 200 items, over the limit of 50 per request$/, query);
      expect(await count('privacy_request')).toBe(requests);
      expect(await count('message')).toBe(messages);
      expect(world.fakes.mailgun.requests).toHaveLength(0);

      // The same mutation within the limit sends its codes: the fake and the settings are live.
      const small = `mutation { c0: createPrivacyRequests(inputs: ${literalInputs(1, 'victim0@example.com')}) { ${CREATE_FIELDS} } }`;
      expect((await accepted(t, small)).body.data!.c0.succeeded).toHaveLength(1);
      expect(world.fakes.mailgun.requests.filter((r) => r.fields.to === 'victim0@example.com')).toHaveLength(1);
    });

    it('refuses 51 inputs in one variables list and creates 50', async () => {
      const requests = await count('privacy_request');
      await refused(t, /^Mutation list arguments hold 51 items, over the limit of 50 per request$/, aliasedCreate(1), { inputs: inputsFor(51) });
      expect(await count('privacy_request')).toBe(requests);

      const ran = await accepted(t, aliasedCreate(1), { inputs: inputsFor(50) });
      expect(ran.body.data!.c0.succeeded).toHaveLength(50);
      expect(await count('privacy_request')).toBe(requests + 50);
    });

    it('sums the lists of different variables and different mutations', async () => {
      const requests = await count('privacy_request');
      const two = `mutation Two($a: [PrivacyRequestInput!]!, $b: [PrivacyRequestInput!]!) {
        a: createPrivacyRequests(inputs: $a) { ${CREATE_FIELDS} } b: createPrivacyRequests(inputs: $b) { ${CREATE_FIELDS} } }`;
      await refused(t, /hold 51 items/, two, { a: inputsFor(26), b: inputsFor(25) });
      expect(await count('privacy_request')).toBe(requests);

      // Review ids count too, even with a token, and nothing is denied.
      const mixed = `mutation Mixed($inputs: [PrivacyRequestInput!]!, $ids: [ID!]!) {
        createPrivacyRequests(inputs: $inputs) { ${CREATE_FIELDS} } denyPrivacyRequests(ids: $ids) { succeeded { id } } }`;
      await refused(t, /hold 51 items/, mixed, { inputs: inputsFor(1), ids: Array.from({ length: 50 }, (_, i) => `pri_${i}`) }, root);
      expect(await count('privacy_request')).toBe(requests);

      const ran = await accepted(t, two, { a: inputsFor(25), b: inputsFor(25) });
      expect([ran.body.data!.a.succeeded.length, ran.body.data!.b.succeeded.length]).toEqual([25, 25]);
      expect(await count('privacy_request')).toBe(requests + 50);
    });
  });

  it('still answers the queries of the existing suites', async () => {
    const created = await accepted(t, aliasedCreate(1), { inputs: inputsFor(1, 'normal@example.com') });
    const id = created.body.data!.c0.succeeded[0].id as string;
    const get = `query Get($id: ID!) { privacyRequest(id: $id) { id status policyKey policyName externalId requestedAt createdAt
      identityVerifiedAt reviewedAt reviewedBy startedProcessingAt finishedProcessingAt daysLeft failedStep failureReason resumeEndpoint
      identity { email phoneNumber }
      messages { id actionType serviceType channel status recipient privacyRequestId attempts providerMessageId failureReason sentAt }
      executionLogs { datasetName collectionName actionType status message fieldsAffected updatedAt }
      auditLogs { action userId message createdAt } } }`;
    const res = await accepted(t, get, { id }, root);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.privacyRequest).toMatchObject({ id, identity: { email: 'normal@example.com' } });
  });

  it('shows introspection, hints and the playground outside production', async () => {
    const hint = await post(t, '{ privacyRequestz { total } }', {}, root);
    expect(hint.body.errors?.[0]?.message).toMatch(/^Cannot query field "privacyRequestz" on type "Query"\. Did you mean "privacyRequests?"/);
    const page = await t.http().get('/graphql').set('accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
  });
});

describe('GraphQL introspection in production (D17)', () => {
  const misspelledInput = 'mutation Create($inputs: [PrivacyRequestInput!]!) { createPrivacyRequests(inputs: $inputs) { failed { message } } }';
  /** One input field misspelled: graphql-js would suggest `externalId`. */
  const misspelled = { inputs: [{ identity: { email: 'hint@example.com' }, policyKey: 'default_access_policy', externalI: 'x' }] };

  describe('by default', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ NODE_ENV: 'production' });
    });
    afterAll(() => t.close());

    it('refuses introspection', async () => {
      for (const query of [INTROSPECTION, '{ __schema { types { name } } }', '{ __type(name: "PrivacyRequest") { fields { name } } }']) {
        const res = await refused(t, /introspection is not allowed/, query);
        expect(JSON.stringify(res.body)).not.toContain('PrivacyRequestStatus');
      }
    });

    it('refuses the alias bomb in a small answer', async () => {
      const res = await refused(t, /^Root field __schema has 1000 aliases, over the limit of 20$/, ALIAS_BOMB);
      // graphql-js stops at 10 errors: one per aliased __schema would be 1,000.
      expect(res.body.errors!.length).toBeLessThanOrEqual(11);
      expect(res.bytes).toBeLessThan(5_000);
    });

    it('gives no "Did you mean" hint, in the query or in the variables', async () => {
      const field = await post(t, '{ privacyRequestz { total } }');
      expect(field.status).toBe(400);
      expect(field.body.errors?.[0]?.message).toBe('Cannot query field "privacyRequestz" on type "Query".');

      const requests = Number((await t.db.query('SELECT count(*) FROM privacy_request')).rows[0].count);
      const input = await post(t, misspelledInput, misspelled);
      expect(input.body.errors?.length).toBe(1);
      expect(input.body.errors![0].message).toContain('Field "externalI" is not defined by type "PrivacyRequestInput".');
      expect(JSON.stringify(input.body)).not.toMatch(/Did you mean|externalId/);
      expect(Number((await t.db.query('SELECT count(*) FROM privacy_request')).rows[0].count)).toBe(requests);
    });

    it('serves no playground', async () => {
      const page = await t.http().get('/graphql').set('accept', 'text/html');
      expect(page.status).toBe(400);
      expect(page.text).not.toContain('<html');
    });
  });

  describe('with HERALD_GRAPHQL_INTROSPECTION=true', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ NODE_ENV: 'production', HERALD_GRAPHQL_INTROSPECTION: 'true' });
    });
    afterAll(() => t.close());

    it('allows introspection, hints and the Sandbox, and keeps the limits', async () => {
      const res = await accepted(t, INTROSPECTION);
      expect(res.body.data!.__schema.types.map((type: { name: string }) => type.name)).toContain('PrivacyRequest');

      const input = await post(t, misspelledInput, misspelled);
      expect(input.body.errors?.[0]?.message).toContain('Did you mean "externalId"?');

      const page = await t.http().get('/graphql').set('accept', 'text/html');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<html');

      await refused(t, /^Root field __schema has 1000 aliases, over the limit of 20$/, ALIAS_BOMB);
    });
  });
});
