import crypto from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import request, { type Response } from 'supertest';
import { DUMMY_SALT } from '../../src/auth/secret-hash.js';
import { TokenService } from '../../src/auth/token.service.js';
import { createApp } from '../../src/app.factory.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { ENCRYPTION_KEY, ROOT_CLIENT_ID, ROOT_CLIENT_SECRET, TestApp, bearer, createTestApp, graphql, testEnv } from '../support/test-app.js';

/**
 * Decision D20 over real HTTP: security headers, CORS, the pages that keep a relaxed policy, messaging config details
 * validated on save (with the table read back), token expiry fixed at issue, and the token endpoint's equal work.
 */

const API_CSP = "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'";
const KEY = new TextEncoder().encode(ENCRYPTION_KEY);

/** The headers helmet's API profile sets; the same on every answer, whatever its status. */
function expectSecurityHeaders(res: Response, { cached = false } = {}): void {
  if (!cached) expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers).toMatchObject({
    'content-security-policy': API_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-dns-prefetch-control': 'off',
    'x-permitted-cross-domain-policies': 'none',
  });
}

const corsHeaders = (res: Response) => Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));

describe('HTTP hygiene (decision D20)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('security headers', () => {
    it('are on REST, GraphQL, /health, a 404, a 401, a 422 and a malformed body alike', async () => {
      const token = await t.rootToken();
      const answers: [string, Response, number][] = [
        ['REST', await t.http().get('/api/v1/oauth/scope').set(bearer(token)), 200],
        ['GraphQL', await t.http().post('/graphql').set(bearer(token)).send({ query: '{ authInfo { root } }' }), 200],
        ['health', await t.http().get('/health'), 200],
        ['404', await t.http().get('/api/v1/no-such-route'), 404],
        ['401', await t.http().get('/api/v1/messaging/config'), 401],
        ['422', await t.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'password' }), 422],
        ['bad JSON', await t.http().post('/api/v1/oauth/client').set(bearer(token)).set('content-type', 'application/json').send('{"x":'), 422],
        ['GraphQL error', await t.http().post('/graphql').send({ query: '{ nope }' }), 400],
      ];
      for (const [name, res, status] of answers) {
        expect({ name, status: res.status }).toEqual({ name, status });
        expectSecurityHeaders(res);
      }
    });

    it("are on the router's own refusals too, given before any hook runs", async () => {
      // A path that does not percent-decode, and a path parameter past the router's length limit.
      for (const path of ['/api/v1/privacy-request/%E0%A4%A', `/api/v1/oauth/client/${'a'.repeat(200)}/scope`]) {
        const res = await t.http().get(path);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        // Fastify sends these without running onSend hooks: no cache header is added there.
        expectSecurityHeaders(res, { cached: true });
      }
    });

    it('serve /docs with a page policy: its own scripts and styles load, nothing else', async () => {
      const page = await t.http().get('/docs');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      const csp = page.headers['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(page.headers['x-frame-options']).toBe('DENY');
      // Every script is a file of the docs (none inline, which the policy would block), and each is served.
      const html = page.text;
      expect(html.match(/<script>/g)).toBeNull();
      const assets = [...html.matchAll(/(?:src|href)=['"]([^'"]+)['"]/g)].map((m) => m[1]).filter((u) => !u.startsWith('http') && !u.startsWith('#'));
      expect(assets).toEqual(expect.arrayContaining(['./docs/swagger-ui.css', './docs/swagger-ui-bundle.js', './docs/swagger-ui-init.js']));
      for (const asset of assets) {
        const res = await t.http().get(new URL(asset, 'http://h/docs').pathname);
        expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
      // The document the page shows is the one the API describes.
      const init = await t.http().get('/docs/swagger-ui-init.js');
      expect(init.headers['content-type']).toMatch(/javascript/);
      expect(init.text).toContain('"/api/v1/oauth/token"');
    });

    it("serve the GraphQL playground and the start page with the page policy: Herald's own files, nothing else", async () => {
      for (const path of ['/graphql', '/']) {
        const page = await t.http().get(path).set('accept', 'text/html');
        expect(page.status).toBe(200);
        const csp = page.headers['content-security-policy'];
        expect(csp).toContain("script-src 'self';");
        expect(csp).toContain("connect-src 'self';");
        expect(csp).not.toMatch(/https?:|unsafe-eval|script-src[^;]*unsafe-inline/);
        expect(page.headers['x-frame-options']).toBe('DENY');
        // No inline script (the policy would block it); every script and stylesheet is a file Herald serves.
        expect(page.text).not.toMatch(/<script>/);
        const assets = [...page.text.matchAll(/<(?:script|link)[^>]*(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('data:'));
        if (path === '/graphql') expect(assets.length).toBe(5);
        for (const asset of assets) {
          expect(asset).toMatch(/^\/graphql\/assets\//);
          const res = await t.http().get(asset);
          expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
          expect(res.headers['x-content-type-options']).toBe('nosniff');
        }
      }
      // Only the files the page loads are served there.
      expect((await t.http().get('/graphql/assets/package.json')).status).toBe(404);
      // Queries over GET on the same route keep the API policy.
      const query = await t.http().get('/graphql').query({ query: '{ __typename }' }).set('apollo-require-preflight', 'true');
      expect(query.status).toBe(200);
      expect(query.headers['content-security-policy']).toBe(API_CSP);
    });

    it('leave a route that sets its own cache policy alone', async () => {
      const asset = await t.http().get('/docs/swagger-ui.css');
      expect(asset.headers['cache-control']).toMatch(/max-age/);
      expectSecurityHeaders(asset, { cached: true });
    });
  });

  describe('CORS', () => {
    const ALLOWED = 'https://privacy.example.com';
    // Built without createTestApp's OpenAPI conformance check: the preflight route (`OPTIONS *`, @fastify/cors's) is
    // transport, not a REST operation of the document.
    let c: { settings: Settings; http: () => ReturnType<typeof request>; close: () => Promise<void> };
    beforeAll(async () => {
      const settings = loadSettings(testEnv(t.databaseUrl, { FIDES__SECURITY__CORS_ORIGINS: `${ALLOWED}/, https://admin.example.com` }));
      const app = await createApp(settings);
      await app.getHttpAdapter().getInstance().ready();
      c = { settings, http: () => request(app.getHttpServer()), close: () => app.close() };
    });
    afterAll(() => c.close());

    const preflight = (app: Pick<TestApp, 'http'>, origin: string) =>
      app
        .http()
        .options('/api/v1/privacy-request')
        .set('origin', origin)
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'authorization,content-type');

    it('answers an allowed origin, on success and on error, exposing the headers a client reads', async () => {
      for (const res of [await c.http().get('/health').set('origin', ALLOWED), await c.http().get('/api/v1/messaging/config').set('origin', ALLOWED)]) {
        expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
        expect(res.headers['access-control-expose-headers']).toBe('Retry-After, X-Request-Id, Content-Disposition');
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
        expect(res.headers.vary).toMatch(/origin/i);
        expectSecurityHeaders(res);
      }
      expect((await c.http().get('/health').set('origin', 'https://admin.example.com')).headers['access-control-allow-origin']).toBe(
        'https://admin.example.com',
      );
    });

    it('answers the preflight of an allowed origin with the methods and headers Herald takes', async () => {
      const res = await preflight(c, ALLOWED);
      expect(res.status).toBe(204);
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': ALLOWED,
        'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': 'Authorization, Content-Type, X-Request-Id',
        'access-control-max-age': '600',
      });
      expectSecurityHeaders(res);
    });

    it.each(['https://evil.example.com', 'https://privacy.example.com.evil.example', 'http://privacy.example.com', 'null'])(
      'gives the origin %s no CORS header, simple or preflight',
      async (origin) => {
        const simple = await c.http().get('/health').set('origin', origin);
        expect(simple.status).toBe(200);
        expect(corsHeaders(simple)).toEqual([]);
        const refused = await preflight(c, origin);
        expect(refused.status).toBe(404);
        expect(corsHeaders(refused)).toEqual([]);
        expectSecurityHeaders(refused);
      },
    );

    it('allows any origin, without credentials, when the list is "*" (as Fides\' own CORS does)', async () => {
      const app = await createApp(loadSettings(testEnv(t.databaseUrl, { FIDES__SECURITY__CORS_ORIGINS: '*' })));
      try {
        await app.getHttpAdapter().getInstance().ready();
        const res = await request(app.getHttpServer()).get('/health').set('origin', 'https://anywhere.example');
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      } finally {
        await app.close();
      }
    });

    it('gives no origin any CORS header when none is configured (the default)', async () => {
      expect(t.settings.security.corsOrigins).toEqual([]);
      const simple = await t.http().get('/health').set('origin', ALLOWED);
      expect(corsHeaders(simple)).toEqual([]);
      const refused = await preflight(t, ALLOWED);
      expect(refused.status).toBe(404);
      expect(corsHeaders(refused)).toEqual([]);
    });
  });

  describe('messaging config details are validated on save', () => {
    const MAILGUN = { name: 'Mailgun', key: 'mailgun', service_type: 'mailgun' };
    const count = async () => (await t.db.query('SELECT count(*)::int AS n FROM messaging_config')).rows[0].n as number;
    const stored = async (key: string) => (await t.db.query('SELECT details FROM messaging_config WHERE key = $1', [key])).rows[0]?.details as unknown;

    beforeEach(async () => {
      await t.db.query('DELETE FROM messaging_config');
    });

    const post = async (path: string, body: object) =>
      t
        .http()
        .post(`/api/v1${path}`)
        .set(bearer(await t.rootToken()))
        .send(body);

    it.each([
      'x@127.0.0.1:18105/#',
      'https://mg.example.com',
      'mg.example.com/v3',
      'mg.example.com:443',
      'mg.example.com#x',
      'mg example.com',
      ' mg.example.com',
      'mg.example.com.',
      '127.0.0.1',
      '-mg.example.com',
      'mg-.example.com',
      'mg..example.com',
      'mg_1.example.com',
      'bücher.example',
      `${'a'.repeat(64)}.example.com`,
      `${'a.'.repeat(127)}com`,
      '',
    ])('refuses the Mailgun domain %j with 422 at body.details.domain, storing nothing', async (domain) => {
      for (const path of ['/messaging/config', '/email/config']) {
        const res = await post(path, { ...MAILGUN, details: { domain } });
        expect(res.status).toBe(422);
        expect(res.body.detail).toEqual([
          { loc: ['body', 'details', 'domain'], msg: 'value is not a valid host name (such as mg.example.com)', type: 'value_error.hostname' },
        ]);
      }
      expect(await count()).toBe(0);
    });

    it('refuses an api_version other than v3 and a sender that is not an email address', async () => {
      const version = await post('/messaging/config', { ...MAILGUN, details: { domain: 'mg.example.com', api_version: 'v4' } });
      expect(version.status).toBe(422);
      expect(version.body.detail).toEqual([
        { loc: ['body', 'details', 'api_version'], msg: "value is not a valid enumeration member; permitted: 'v3'", type: 'type_error.enum' },
      ]);
      const fidesops = await post('/email/config', { ...MAILGUN, details: { domain: 'mg.example.com', api_version: '../v2' } });
      expect(fidesops.status).toBe(422);
      expect(fidesops.body.detail[0].loc).toEqual(['body', 'details', 'api_version']);
      const sender = await post('/messaging/config', { name: 'SendGrid', service_type: 'twilio_email', details: { twilio_email_from: 'x@127.0.0.1:18105/#' } });
      expect(sender.status).toBe(422);
      expect(sender.body.detail[0].loc).toEqual(['body', 'details', 'twilio_email_from']);
      expect(await count()).toBe(0);
    });

    it('refuses a PATCH with a bad domain, leaving the stored config as it was', async () => {
      expect((await post('/messaging/config', { ...MAILGUN, details: { domain: 'mg.example.com' } })).status).toBe(200);
      const before = await stored('mailgun');
      for (const path of ['/messaging/config/mailgun', '/email/config/mailgun']) {
        const res = await t
          .http()
          .patch(`/api/v1${path}`)
          .set(bearer(await t.rootToken()))
          .send({ ...MAILGUN, details: { domain: 'x@127.0.0.1:18105/#' } });
        expect(res.status).toBe(422);
        expect(res.body.detail[0].loc).toEqual(['body', 'details', 'domain']);
      }
      expect(await stored('mailgun')).toEqual(before);
    });

    it('refuses the same over GraphQL with BAD_USER_INPUT naming the field, storing nothing', async () => {
      const mutation = 'mutation ($input: MessagingConfigInput!) { createMessagingConfig(input: $input) { key } }';
      for (const mailgun of [{ domain: 'x@127.0.0.1:18105/#' }, { domain: 'mg.example.com', apiVersion: 'v4' }]) {
        const res = await graphql(t, mutation, { input: { name: 'GQL', key: 'gql', serviceType: 'MAILGUN', mailgun } }, await t.rootToken());
        expect(res.errors).toHaveLength(1);
        expect(res.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
        // Located where the field travels in the GraphQL input, in GraphQL's names.
        const field = 'apiVersion' in mailgun ? 'apiVersion' : 'domain';
        expect(res.errors![0].extensions?.detail).toEqual([expect.objectContaining({ loc: ['input', 'mailgun', field] })]);
      }
      expect(await count()).toBe(0);
    });

    it.each(['mg.example.com', 'MG.Example.COM', 'd', 'xn--bcher-kva.example', 'mg-1.example.co.uk', '1mg.example.com', `${'a'.repeat(63)}.example.com`])(
      'accepts the Mailgun domain %j and stores it with v3',
      async (domain) => {
        const res = await post('/messaging/config', { ...MAILGUN, details: { domain, api_version: 'v3' } });
        expect(res.status).toBe(200);
        expect(await stored('mailgun')).toEqual({ domain, is_eu_domain: false, api_version: 'v3' });
      },
    );

    it('accepts the other valid shapes: fidesops Mailgun, SendGrid sender, SMS without details', async () => {
      expect((await post('/email/config', { ...MAILGUN, details: { domain: 'mg.example.com', is_eu_domain: true } })).status).toBe(200);
      expect(
        (await post('/messaging/config', { name: 'SendGrid', key: 'sg', service_type: 'twilio_email', details: { twilio_email_from: 'privacy@example.com' } }))
          .status,
      ).toBe(200);
      expect((await post('/messaging/config', { name: 'SMS', key: 'sms', service_type: 'twilio_text' })).status).toBe(200);
      expect(await count()).toBe(3);
    });
  });

  describe('token expiry is fixed when the token is issued', () => {
    let short: TestApp;
    beforeAll(async () => {
      // An instance whose tokens last one minute, on the same database as `t` (which keeps the 8-day default).
      short = await createTestApp({ FIDES__SECURITY__OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '1' }, undefined, t.databaseUrl);
    });
    afterAll(() => short.close());

    const decrypt = async (token: string) => JSON.parse(new TextDecoder().decode((await compactDecrypt(token, KEY)).plaintext)) as Record<string, unknown>;

    it('writes exp into the payload beside Fides’ keys', async () => {
      const res = await short.http().post('/api/v1/oauth/token').type('form').send({ client_id: ROOT_CLIENT_ID, client_secret: ROOT_CLIENT_SECRET });
      expect(res.status).toBe(200);
      const payload = await decrypt(res.body.access_token);
      expect(Object.keys(payload).sort()).toEqual(['client-id', 'exp', 'iat', 'scopes']);
      expect(payload['client-id']).toBe(ROOT_CLIENT_ID);
      expect(Date.parse(payload.exp as string) - Date.parse(payload.iat as string)).toBe(60_000);
    });

    it('is honoured by an instance with a longer setting, and not stretched by it', async () => {
      const res = await short.http().post('/api/v1/oauth/token').type('form').send({ client_id: ROOT_CLIENT_ID, client_secret: ROOT_CLIENT_SECRET });
      const token = res.body.access_token as string;
      const exp = new Date((await decrypt(token)).exp as string);
      expect(t.settings.security.oauthAccessTokenExpireMinutes).toBe(11520);
      // Now, the long-lived instance takes it over HTTP...
      expect((await t.http().get('/api/v1/oauth/scope').set(bearer(token))).status).toBe(200);
      // ...and both instances agree that it ends at its own exp.
      for (const app of [t, short]) {
        const tokens = app.app.get(TokenService);
        expect(await tokens.verify(token, new Date(exp.getTime() - 1000))).toMatchObject({ clientId: ROOT_CLIENT_ID, expiresAt: exp });
        expect(await tokens.verify(token, exp)).toBeUndefined();
        expect(await tokens.verify(token, new Date(exp.getTime() + 60 * 60_000))).toBeUndefined();
      }
    });

    it('gives a token without exp (issued before D20) the lifetime of the instance that reads it', async () => {
      const iat = new Date();
      const legacy = await new CompactEncrypt(
        new TextEncoder().encode(JSON.stringify({ 'client-id': ROOT_CLIENT_ID, scopes: ['scope:read'], iat: iat.toISOString() })),
      )
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .encrypt(KEY);
      const later = new Date(iat.getTime() + 2 * 60_000);
      expect(await short.app.get(TokenService).verify(legacy, later)).toBeUndefined();
      expect(await t.app.get(TokenService).verify(legacy, later)).toMatchObject({ clientId: ROOT_CLIENT_ID });
      expect(await t.app.get(TokenService).verify(legacy, new Date(iat.getTime() + 11520 * 60_000))).toBeUndefined();
    });

    it('refuses a token whose exp cannot be read', async () => {
      for (const exp of ['never', 4102444800, null]) {
        const token = await new CompactEncrypt(
          new TextEncoder().encode(JSON.stringify({ 'client-id': ROOT_CLIENT_ID, scopes: [], iat: new Date().toISOString(), exp })),
        )
          .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
          .encrypt(KEY);
        expect(await t.app.get(TokenService).verify(token)).toBeUndefined();
        expect((await t.http().get('/api/v1/oauth/scope').set(bearer(token))).status).toBe(401);
      }
    });
  });

  describe('the token endpoint does the same work for every client id', () => {
    /** The salts scrypt ran with during `run` (the real scrypt still runs: this only watches it). */
    async function scryptSalts(run: () => Promise<Response>): Promise<{ res: Response; salts: string[] }> {
      const original = crypto.scrypt;
      const salts: string[] = [];
      crypto.scrypt = ((...args: Parameters<typeof crypto.scrypt>) => {
        const salt = args[1];
        salts.push(typeof salt === 'string' ? salt : Buffer.from(salt.buffer, salt.byteOffset, salt.byteLength).toString());
        return (original as (...a: unknown[]) => void).apply(crypto, args);
      }) as typeof crypto.scrypt;
      try {
        return { res: await run(), salts };
      } finally {
        crypto.scrypt = original;
      }
    }
    const token = (clientId: string, clientSecret: string) => () =>
      t.http().post('/api/v1/oauth/token').type('form').send({ client_id: clientId, client_secret: clientSecret });

    it('runs one scrypt on a dummy hash for an unknown client and for the root client, one on the stored hash for a stored client', async () => {
      const created = await t
        .http()
        .post('/api/v1/oauth/client')
        .set(bearer(await t.rootToken()))
        .send(['scope:read']);
      const { salt } = (await t.db.query('SELECT salt FROM oauth_client WHERE id = $1', [created.body.client_id])).rows[0] as { salt: string };

      const cases: [string, () => Promise<Response>, number, string][] = [
        ['unknown client', token('no-such-client', 'whatever'), 401, DUMMY_SALT],
        ['root client, wrong secret', token(ROOT_CLIENT_ID, 'wrong'), 401, DUMMY_SALT],
        ['root client, right secret', token(ROOT_CLIENT_ID, ROOT_CLIENT_SECRET), 200, DUMMY_SALT],
        ['stored client, wrong secret', token(created.body.client_id, 'wrong'), 401, salt],
        ['stored client, right secret', token(created.body.client_id, created.body.client_secret), 200, salt],
      ];
      for (const [name, run, status, expectedSalt] of cases) {
        const { res, salts } = await scryptSalts(run);
        expect({ name, status: res.status, salts }).toEqual({ name, status, salts: [expectedSalt] });
      }
    });
  });
});
