// Decision D18: rate limits kept in PostgreSQL and shared by every Herald process. Each limit is driven over real HTTP
// until it answers 429 with Retry-After, and each refusal is checked against what was stored (privacy_request and
// message rows, verification attempts) and what reached the Mailgun fake: nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../../src/config/settings.js';
import { RateLimitsService } from '../../src/rate-limits/rate-limits.service.js';
import { startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { ROOT_CLIENT_ID, ROOT_CLIENT_SECRET, TestApp, bearer, createTestApp, type TestAgent } from '../support/test-app.js';

const MAILGUN_KEY = 'key-rate-limits-4291';
const WINDOW_SECONDS = 3600;
const TOO_MANY = { detail: 'Too many requests' };

type Call = ReturnType<TestAgent['post']>;
type GraphqlBody = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };

/** Every identity, address and client id used here, to prove none is stored in a bucket's key. */
const used: string[] = [];
let serial = 0;
const unique = (prefix: string) => `${prefix}-${++serial}`;
const email = (name = unique('subject')) => (used.push(name), `${name}@example.com`);
const address = (): string => {
  const value = `203.0.113.${++serial}`;
  used.push(value);
  return value;
};
const item = (mail: string) => ({ identity: { email: mail }, policy_key: 'default_access_policy' });

function expectTooMany(res: { status: number; body: unknown; headers: Record<string, string> }): void {
  expect({ status: res.status, body: res.body }).toEqual({ status: 429, body: TOO_MANY });
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_SECONDS);
}

function expectGraphqlTooMany(body: GraphqlBody): void {
  expect(body.errors).toHaveLength(1);
  const [error] = body.errors!;
  expect(error.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', detail: 'Too many requests' });
  expect(Number.isInteger(error.extensions!.retryAfter)).toBe(true);
  expect(error.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
  expect(error.extensions!.retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
}

const CREATE = `mutation Create($inputs: [PrivacyRequestInput!]!) { createPrivacyRequests(inputs: $inputs) {
  succeeded { id status } failed { message } } }`;
const VERIFY = 'mutation Verify($id: ID!, $code: String!) { verifyIdentity(id: $id, code: $code) { id status } }';

/** Herald with small limits and Mailgun pointed at the fakes; `forwardedFor` sets X-Forwarded-For on a call. */
interface Herald {
  t: TestApp;
  auth: Record<string, string>;
  post(path: string, forwardedFor?: string): Call;
  create(items: object[], forwardedFor?: string): Call;
  verify(id: string, code: string, forwardedFor?: string): Call;
  token(form: Record<string, string>, forwardedFor?: string): Call;
  graphql(query: string, variables: Record<string, unknown>, forwardedFor?: string): Promise<GraphqlBody>;
  count(table: 'privacy_request' | 'message' | 'rate_limit_bucket'): Promise<number>;
  settings(execution: { subject_identity_verification_required: boolean }): Promise<void>;
}

async function herald(t: TestApp, auth: Record<string, string>): Promise<Herald> {
  const post = (path: string, forwardedFor?: string) => {
    const call = t.http().post(`/api/v1${path}`);
    return forwardedFor ? call.set('X-Forwarded-For', forwardedFor) : call;
  };
  return {
    t,
    auth,
    post,
    create: (items, forwardedFor) => post('/privacy-request', forwardedFor).send(items),
    verify: (id, code, forwardedFor) => post(`/privacy-request/${id}/verify`, forwardedFor).send({ code }),
    token: (form, forwardedFor) => post('/oauth/token', forwardedFor).type('form').send(form),
    graphql: async (query, variables, forwardedFor) => {
      const call = t.http().post('/graphql').set('content-type', 'application/json');
      if (forwardedFor) call.set('X-Forwarded-For', forwardedFor);
      return (await call.send({ query, variables })).body as GraphqlBody;
    },
    count: async (table) => Number((await t.db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n),
    settings: async (execution) => {
      await t.http().patch('/api/v1/config').set(auth).send({ execution }).expect(200);
    },
  };
}

describe('rate limits (D18)', () => {
  let fakes: ProviderFakes;
  let dataDir: string;

  beforeAll(async () => {
    fakes = await startProviderFakes({ mailgun: { apiKey: MAILGUN_KEY } });
    dataDir = await mkdtemp(join(tmpdir(), 'herald-rate-limits-'));
  });
  afterAll(async () => {
    await fakes.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A Herald with the limits on; a new database unless `shared` names one. */
  async function start(overrides: Env, shared?: string): Promise<Herald> {
    const t = await createTestApp(
      {
        ...fakes.env,
        HERALD_DATA_DIR: dataDir,
        FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
        FIDES__EXECUTION__REQUIRE_MANUAL_REQUEST_APPROVAL: 'true',
        HERALD_RATE_LIMITS: 'on',
        HERALD_RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
        ...overrides,
      },
      undefined,
      shared,
    );
    return herald(t, bearer(await t.rootToken()));
  }

  describe('one Herald behind a trusted proxy (each test its own forwarded address)', () => {
    const LIMITS: Env = {
      HERALD_TRUST_PROXY: '127.0.0.1,::1',
      HERALD_RATE_LIMIT_PRIVACY_REQUESTS_PER_ADDRESS: '3',
      HERALD_RATE_LIMIT_PRIVACY_REQUESTS_PER_IDENTITY: '4',
      // HERALD_RATE_LIMIT_VERIFICATION_CODES_PER_IDENTITY: the default, 3
      HERALD_RATE_LIMIT_VERIFICATIONS_PER_ADDRESS: '3',
      HERALD_RATE_LIMIT_VERIFICATIONS_PER_IDENTITY: '4',
      HERALD_RATE_LIMIT_TOKEN_FAILURES_PER_CLIENT: '2',
      HERALD_RATE_LIMIT_TOKEN_FAILURES_PER_ADDRESS: '3',
    };
    let h: Herald;
    const sent = () => fakes.mailgun.requests.length;

    beforeAll(async () => {
      h = await start(LIMITS);
      await h.t
        .http()
        .post('/api/v1/messaging/config')
        .set(h.auth)
        .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.herald.example' } })
        .expect(200);
      await h.t.http().put('/api/v1/messaging/config/mailgun/secret').set(h.auth).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
    });
    afterAll(() => h.t.close());
    beforeEach(() => h.settings({ subject_identity_verification_required: true }));

    it('counts every item of a bulk call per address, and a refused call creates, sends and counts nothing', async () => {
      const from = address();
      const before = { requests: await h.count('privacy_request'), messages: await h.count('message'), sent: sent() };
      expect((await h.create([item(email()), item(email())], from)).status).toBe(200);
      expect(sent()).toBe(before.sent + 2); // a verification code each

      expectTooMany(await h.create([item(email()), item(email())], from)); // 2 + 2 > 3
      expect(await h.count('privacy_request')).toBe(before.requests + 2);
      expect(await h.count('message')).toBe(before.messages + 2);
      expect(sent()).toBe(before.sent + 2);

      // The refused pair took nothing from the bucket: one more fits, then the address is full.
      const third = await h.create([item(email())], from).expect(200);
      expect(third.body.succeeded).toHaveLength(1);
      expectTooMany(await h.create([item(email())], from));
      expect(await h.count('privacy_request')).toBe(before.requests + 3);
      expect(sent()).toBe(before.sent + 3);
    });

    it('lets exactly the limit through when calls arrive together', async () => {
      const from = address();
      const before = { requests: await h.count('privacy_request'), sent: sent() };
      const answers = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(async () => (await h.create([item(email())], from)).status));
      expect(answers.sort()).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
      expect({ requests: await h.count('privacy_request'), sent: sent() }).toEqual({ requests: before.requests + 3, sent: before.sent + 3 });

      const client = unique('nobody');
      const tokens = await Promise.all([0, 1, 2, 3, 4, 5].map(async () => (await h.token({ client_id: client, client_secret: 'wrong' }, address())).status));
      expect(tokens.sort()).toEqual([401, 401, 429, 429, 429, 429]);
    });

    it('counts per identity whatever the address, deciding for a whole bulk call before creating any item', async () => {
      await h.settings({ subject_identity_verification_required: false });
      const subject = email();
      for (let i = 0; i < 4; i++) await h.create([item(i % 2 === 0 ? subject : subject.toUpperCase())], address()).expect(200);
      const before = await h.count('privacy_request');

      expectTooMany(await h.create([item(subject)], address()));
      // A fresh identity in the same call is not created either.
      expectTooMany(await h.create([item(email()), item(` ${subject.toUpperCase()} `)], address()));
      expect(await h.count('privacy_request')).toBe(before);
      // A phone number has its own bucket.
      const phone = { identity: { phone_number: '+15557770100' }, policy_key: 'default_access_policy' };
      expect((await h.create([phone], address()).expect(200)).body.succeeded).toHaveLength(1);
    });

    it('sends at most 3 verification codes to one identity by default, then refuses before creating the request', async () => {
      const subject = email();
      const before = { requests: await h.count('privacy_request'), messages: await h.count('message'), sent: sent() };
      for (let i = 0; i < 3; i++) await h.create([item(subject)], address()).expect(200);
      expect(fakes.mailgun.requests.slice(before.sent).map((r) => r.fields.to)).toEqual([subject, subject, subject]);

      expectTooMany(await h.create([item(subject)], address()));
      expect(await h.count('privacy_request')).toBe(before.requests + 3);
      expect(await h.count('message')).toBe(before.messages + 3);
      expect(sent()).toBe(before.sent + 3);

      // Without verification no code goes out, so only the per-identity limit (4) applies.
      await h.settings({ subject_identity_verification_required: false });
      await h.create([item(subject)], address()).expect(200);
      expect(sent()).toBe(before.sent + 3);
    });

    it('limits verification attempts per address, an unknown id included, over REST and GraphQL alike', async () => {
      const [a, b] = (await h.create([item(email()), item(email())], address()).expect(200)).body.succeeded as { id: string }[];
      const from = address();
      expect((await h.verify(a.id, '000000', from)).status).toBe(403);
      expect((await h.verify('pri_unknown', '000000', from)).status).toBe(404);
      const viaGraphql = await h.graphql(VERIFY, { id: b.id, code: '000000' }, from);
      expect(viaGraphql.errors?.[0].extensions?.code).toBe('FORBIDDEN');

      expectTooMany(await h.verify(b.id, '000000', from));
      expectGraphqlTooMany(await h.graphql(VERIFY, { id: b.id, code: '000000' }, from));
      const attempts = await h.t.db.query('SELECT id, verification_attempts FROM privacy_request WHERE id = ANY($1) ORDER BY id', [[a.id, b.id]]);
      expect(Object.fromEntries(attempts.rows.map((r) => [r.id, r.verification_attempts]))).toEqual({ [a.id]: 1, [b.id]: 1 });
    });

    it('limits verification attempts per identity of the request, from any address', async () => {
      const subject = email();
      const [a, b] = (await h.create([item(subject), item(subject)], address()).expect(200)).body.succeeded as { id: string }[];
      for (const id of [a.id, a.id, b.id, b.id]) expect((await h.verify(id, '000000', address())).status).toBe(403);
      expectTooMany(await h.verify(a.id, '000000', address()));
      const attempts = await h.t.db.query('SELECT verification_attempts FROM privacy_request WHERE id = ANY($1)', [[a.id, b.id]]);
      expect(attempts.rows.map((r) => r.verification_attempts)).toEqual([2, 2]);
      // Another subject's request is not affected.
      const [other] = (await h.create([item(email())], address()).expect(200)).body.succeeded as { id: string }[];
      expect((await h.verify(other.id, '000000', address())).status).toBe(403);
    });

    it('shares the creation buckets between REST and GraphQL, and GraphQL runs nothing past them', async () => {
      const from = address();
      await h.create([item(email()), item(email())], from).expect(200);
      const created = await h.graphql(CREATE, { inputs: [{ identity: { email: email() }, policyKey: 'default_access_policy' }] }, from);
      expect(created.errors).toBeUndefined();
      const before = { requests: await h.count('privacy_request'), sent: sent() };

      const refused = await h.graphql(CREATE, { inputs: [{ identity: { email: email() }, policyKey: 'default_access_policy' }] }, from);
      expectGraphqlTooMany(refused);
      expect(refused.data).toBeNull();
      expectTooMany(await h.create([item(email())], from));
      expect({ requests: await h.count('privacy_request'), sent: sent() }).toEqual(before);
    });

    it('does not limit callers with a valid token per address (an invalid token counts as none)', async () => {
      const from = address();
      const five = [0, 1, 2, 3, 4].map(() => item(email()));
      const trusted = await h.post('/privacy-request/authenticated', from).set(h.auth).send(five).expect(200);
      expect(trusted.body.succeeded).toHaveLength(5);
      const withToken = await h
        .post('/privacy-request', from)
        .set(h.auth)
        .send([0, 1, 2, 3].map(() => item(email())))
        .expect(200);
      expect(withToken.body.succeeded).toHaveLength(4);
      expectTooMany(
        await h
          .post('/privacy-request', from)
          .set(bearer('not-a-token'))
          .send([0, 1, 2, 3].map(() => item(email()))),
      );
      // Per identity still counts with a token: 4 is the limit for one subject.
      const subject = email();
      await h.settings({ subject_identity_verification_required: false });
      for (let i = 0; i < 4; i++)
        await h
          .post('/privacy-request', address())
          .set(h.auth)
          .send([item(subject)])
          .expect(200);
      expectTooMany(
        await h
          .post('/privacy-request', address())
          .set(h.auth)
          .send([item(subject)]),
      );
    });

    it('counts token failures per client id, and refuses even the right secret while over', async () => {
      const client = (await h.t.http().post('/api/v1/oauth/client').set(h.auth).send(['privacy-request:read']).expect(200)).body as {
        client_id: string;
        client_secret: string;
      };
      used.push(client.client_id);
      // Successes do not count.
      for (let i = 0; i < 3; i++) await h.token({ client_id: client.client_id, client_secret: client.client_secret }, address()).expect(200);
      for (let i = 0; i < 2; i++) expect((await h.token({ client_id: client.client_id, client_secret: 'wrong' }, address())).status).toBe(401);

      expectTooMany(await h.token({ client_id: client.client_id, client_secret: 'wrong' }, address()));
      const right = await h.token({ client_id: client.client_id, client_secret: client.client_secret }, address());
      expectTooMany(right);
      expect(right.body).not.toHaveProperty('access_token');
      // Other clients are not affected.
      await h.token({ client_id: ROOT_CLIENT_ID, client_secret: ROOT_CLIENT_SECRET }, address()).expect(200);
    });

    it('counts token failures per address, over every client id', async () => {
      const from = address();
      for (let i = 0; i < 3; i++) await h.token({ client_id: unique('nobody'), client_secret: 'x' }, from).expect(401);
      expect((await h.token({}, address())).status).toBe(401); // no credentials at all count too, per address
      expectTooMany(await h.token({ client_id: ROOT_CLIENT_ID, client_secret: ROOT_CLIENT_SECRET }, from));
      await h.token({ client_id: ROOT_CLIENT_ID, client_secret: ROOT_CLIENT_SECRET }, address()).expect(200);
    });

    it('takes the client address from X-Forwarded-For when the proxy is trusted', async () => {
      const [full, other] = [address(), address()];
      await h.create([item(email()), item(email()), item(email())], full).expect(200);
      expectTooMany(await h.create([item(email())], full));
      expectTooMany(await h.create([item(email())], `${full}, 127.0.0.1`)); // the proxy's own hop is not the client
      await h.create([item(email())], other).expect(200);
    });

    it('counts an IPv6 client by its /64', async () => {
      await h.create([item(email()), item(email()), item(email())], '2001:db8:4291:1::1').expect(200);
      expectTooMany(await h.create([item(email())], '2001:db8:4291:1:ffff::99'));
      await h.create([item(email())], '2001:db8:4291:2::1').expect(200);
    });

    it('lets a caller in again once the window has ended, and deletes expired buckets', async () => {
      const from = address();
      await h.create([item(email()), item(email()), item(email())], from).expect(200);
      expectTooMany(await h.create([item(email())], from));
      // Every window ends now (time is the database's, so moving it there is moving it for every instance).
      await h.t.db.query("UPDATE rate_limit_bucket SET expires_at = now() - interval '1 second'");
      const expired = await h.count('rate_limit_bucket');
      await h.create([item(email())], from).expect(200);

      // That call started its address's bucket again and two new ones (the new identity, its code).
      expect(await h.t.app.get(RateLimitsService).deleteExpired()).toBe(expired - 1);
      const left = await h.t.db.query('SELECT key, points FROM rate_limit_bucket ORDER BY key');
      expect(left.rows.map((r) => r.key.split(':')[0]).sort()).toEqual([
        'privacyRequestsPerAddress',
        'privacyRequestsPerIdentity',
        'verificationCodesPerIdentity',
      ]);
      expect(left.rows.every((r) => r.points === 1)).toBe(true);
    });

    it('keeps only keyed hashes in the bucket keys', async () => {
      await h.create([item(email())], address()).expect(200);
      const keys = (await h.t.db.query('SELECT key FROM rate_limit_bucket')).rows.map((r) => r.key as string);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key).toMatch(/^[A-Za-z]+:[A-Za-z0-9_-]{43}$/);
      for (const value of used) expect(keys.join('\n')).not.toContain(value);
    });
  });

  describe('several instances and settings', () => {
    it('shares the buckets between two Herald processes on one database', async () => {
      const limits = { HERALD_RATE_LIMIT_PRIVACY_REQUESTS_PER_ADDRESS: '2' };
      const first = await start(limits);
      try {
        const second = await start(limits, first.t.databaseUrl);
        try {
          await first.create([item(email()), item(email())]).expect(200);
          expectTooMany(await second.create([item(email())]));
          expectGraphqlTooMany(await second.graphql(CREATE, { inputs: [{ identity: { email: email() }, policyKey: 'default_access_policy' }] }));
          expect(await second.count('privacy_request')).toBe(2);
        } finally {
          await second.t.close();
        }
      } finally {
        await first.t.close();
      }
    });

    it('ignores X-Forwarded-For unless HERALD_TRUST_PROXY trusts the proxy', async () => {
      const h = await start({ HERALD_RATE_LIMIT_PRIVACY_REQUESTS_PER_ADDRESS: '1' });
      try {
        await h.create([item(email())], address()).expect(200);
        // Another forwarded address from the same peer is the same client.
        expectTooMany(await h.create([item(email())], address()));
        expect(await h.count('privacy_request')).toBe(1);
      } finally {
        await h.t.close();
      }
    });

    it('turns one limit off with 0, and every limit off with HERALD_RATE_LIMITS=off', async () => {
      const one = await start({ HERALD_RATE_LIMIT_PRIVACY_REQUESTS_PER_ADDRESS: '0', HERALD_RATE_LIMIT_PRIVACY_REQUESTS_PER_IDENTITY: '1' });
      try {
        const subject = email();
        await one.create([item(subject), item(email()), item(email()), item(email())]).expect(200);
        await one.create([item(email()), item(email())]).expect(200);
        expectTooMany(await one.create([item(subject)]));
        expect(await one.count('privacy_request')).toBe(6);
        const names = await one.t.db.query("SELECT DISTINCT split_part(key, ':', 1) AS name FROM rate_limit_bucket WHERE key LIKE 'privacyRequests%'");
        expect(names.rows.map((r) => r.name)).toEqual(['privacyRequestsPerIdentity']);
      } finally {
        await one.t.close();
      }

      const all = await start({
        HERALD_RATE_LIMITS: 'off',
        HERALD_RATE_LIMIT_PRIVACY_REQUESTS_PER_ADDRESS: '1',
        HERALD_RATE_LIMIT_PRIVACY_REQUESTS_PER_IDENTITY: '1',
        HERALD_RATE_LIMIT_TOKEN_FAILURES_PER_ADDRESS: '1',
      });
      try {
        const subject = email();
        for (let i = 0; i < 3; i++) await all.create([item(subject)]).expect(200);
        for (let i = 0; i < 3; i++) await all.token({ client_id: ROOT_CLIENT_ID, client_secret: 'wrong' }).expect(401);
        expect(await all.count('privacy_request')).toBe(3);
        expect(await all.count('rate_limit_bucket')).toBe(0);
      } finally {
        await all.t.close();
      }
    });
  });
});
