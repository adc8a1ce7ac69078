import { TokenService } from '../../src/auth/token.service.js';
import { SCOPE_REGISTRY } from '../../src/auth/scope-registry.js';
import { ROOT_CLIENT_ID, ROOT_CLIENT_SECRET, TestApp, bearer, createTestApp, graphql, obtainToken } from '../support/test-app.js';

describe('OAuth (Fides-compatible, decision D11)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function createClient(scopes: unknown): Promise<{ client_id: string; client_secret: string }> {
    const res = await t
      .http()
      .post('/api/v1/oauth/client')
      .set(bearer(await t.rootToken()))
      .send(scopes as object);
    expect(res.status).toBe(200);
    return res.body;
  }

  describe('POST /oauth/token', () => {
    it('gives the root client a token carrying every scope (form-urlencoded)', async () => {
      const res = await t.http().post('/api/v1/oauth/token').type('form').send({ client_id: ROOT_CLIENT_ID, client_secret: ROOT_CLIENT_SECRET });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['access_token']);
      const claims = await t.app.get(TokenService).verify(res.body.access_token);
      expect(claims).toMatchObject({ clientId: ROOT_CLIENT_ID, scopes: [...SCOPE_REGISTRY] });
    });

    it('accepts multipart form fields and HTTP Basic', async () => {
      const multipart = await t.http().post('/api/v1/oauth/token').field('client_id', ROOT_CLIENT_ID).field('client_secret', ROOT_CLIENT_SECRET);
      expect(multipart.status).toBe(200);
      const basic = await t.http().post('/api/v1/oauth/token').auth(ROOT_CLIENT_ID, ROOT_CLIENT_SECRET);
      expect(basic.status).toBe(200);
      expect(await t.app.get(TokenService).verify(basic.body.access_token)).toBeDefined();
    });

    it('answers 401 Authentication Failure for a wrong secret, an unknown client or no credentials', async () => {
      for (const form of [{ client_id: ROOT_CLIENT_ID, client_secret: 'wrong' }, { client_id: 'nobody', client_secret: 'x' }, {}]) {
        const res = await t.http().post('/api/v1/oauth/token').type('form').send(form);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ detail: 'Authentication Failure' });
      }
    });

    it('answers 422 for a grant type other than client_credentials', async () => {
      const res = await t
        .http()
        .post('/api/v1/oauth/token')
        .type('form')
        .send({ client_id: ROOT_CLIENT_ID, client_secret: ROOT_CLIENT_SECRET, grant_type: 'password' });
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual(['body', 'grant_type']);
    });
  });

  describe('clients and scopes', () => {
    it('creates a client whose secret is stored hashed, and whose token carries exactly its scopes', async () => {
      const created = await createClient(['scope:read', 'client:read']);
      expect(Object.keys(created)).toEqual(['client_id', 'client_secret']);
      expect(created.client_id).toMatch(/^[0-9a-f]{32}$/);
      const row = await t.db.query('SELECT hashed_secret, scopes FROM oauth_client WHERE id = $1', [created.client_id]);
      expect(row.rows[0].scopes).toEqual(['scope:read', 'client:read']);
      expect(row.rows[0].hashed_secret).not.toContain(created.client_secret);

      const token = await obtainToken(t.http(), created.client_id, created.client_secret);
      const scopes = await t.http().get('/api/v1/oauth/scope').set(bearer(token));
      expect(scopes.status).toBe(200);
      expect(scopes.body).toEqual([...SCOPE_REGISTRY]);
      const info = await graphql(t, '{ authInfo { clientId scopes root } }', {}, token);
      expect(info.data).toEqual({ authInfo: { clientId: created.client_id, scopes: ['scope:read', 'client:read'], root: false } });
    });

    it('answers 403 for a valid token without the scope, and changes nothing', async () => {
      const created = await createClient(['scope:read']);
      const token = await obtainToken(t.http(), created.client_id, created.client_secret);
      const before = await t.db.query('SELECT count(*)::int AS n FROM oauth_client');
      const res = await t.http().post('/api/v1/oauth/client').set(bearer(token)).send(['scope:read']);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ detail: 'Not Authorized for this action' });
      const after = await t.db.query('SELECT count(*)::int AS n FROM oauth_client');
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });

    it('answers 401 without a token, with a malformed one, an expired one or one made with another key', async () => {
      const tokens = t.app.get(TokenService);
      const expired = await tokens.issue(
        ROOT_CLIENT_ID,
        SCOPE_REGISTRY,
        new Date(Date.now() - (t.settings.security.oauthAccessTokenExpireMinutes + 1) * 60_000),
      );
      const foreign = await new TokenService({
        ...t.settings,
        security: { ...t.settings.security, appEncryptionKey: 'another-key-of-32-bytes-exactly!' },
      }).issue(ROOT_CLIENT_ID, SCOPE_REGISTRY);
      const headers: Record<string, string>[] = [{}, { Authorization: 'Bearer invalid' }, { Authorization: 'Basic abc' }, bearer(expired), bearer(foreign)];
      for (const header of headers) {
        const res = await t.http().get('/api/v1/oauth/scope').set(header);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ detail: 'Failed to authenticate' });
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    });

    it("refuses an unknown scope with Fides' 422 text and a non-array body with the list shape", async () => {
      const root = bearer(await t.rootToken());
      const unknown = await t.http().post('/api/v1/oauth/client').set(root).send(['scope:read', 'not:a_scope']);
      expect(unknown.status).toBe(422);
      expect(unknown.body.detail).toMatch(/^Invalid Scope\. Scopes must be one of \['client:create', 'client:update', /);
      const object = await t
        .http()
        .post('/api/v1/oauth/client')
        .set(root)
        .send({ scopes: ['scope:read'] });
      expect(object.status).toBe(422);
      expect(object.body).toEqual({ detail: [{ loc: ['body'], msg: 'value is not a valid list', type: 'type_error.list' }] });
    });

    it('reads and replaces scopes; taking a scope away makes existing tokens 403 where it is needed (D25)', async () => {
      const root = bearer(await t.rootToken());
      const created = await createClient(['scope:read', 'client:read']);
      const token = await obtainToken(t.http(), created.client_id, created.client_secret);
      expect((await t.http().get(`/api/v1/oauth/client/${created.client_id}/scope`).set(root)).body).toEqual(['scope:read', 'client:read']);

      const put = await t.http().put(`/api/v1/oauth/client/${created.client_id}/scope`).set(root).send(['client:read']);
      expect(put.status).toBe(200);
      expect(put.text).toBe('null');
      expect((await t.http().get(`/api/v1/oauth/client/${created.client_id}/scope`).set(root)).body).toEqual(['client:read']);
      const refused = await t.http().get('/api/v1/oauth/scope').set(bearer(token));
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ detail: 'Not Authorized for this action' });
      // The scope it keeps still works with the same token.
      expect((await t.http().get(`/api/v1/oauth/client/${created.client_id}/scope`).set(bearer(token))).status).toBe(200);
      // Given back, it works again: scopes are the client's, read at each request.
      await t.http().put(`/api/v1/oauth/client/${created.client_id}/scope`).set(root).send(['client:read', 'scope:read']).expect(200);
      expect((await t.http().get('/api/v1/oauth/scope').set(bearer(token))).status).toBe(200);

      expect((await t.http().get('/api/v1/oauth/client/unknown/scope').set(root)).body).toEqual([]);
      expect((await t.http().put('/api/v1/oauth/client/unknown/scope').set(root).send(['client:read'])).status).toBe(200);
    });

    it('deletes a client, which revokes its tokens (200 null, also for an unknown id)', async () => {
      const root = bearer(await t.rootToken());
      const created = await createClient(['scope:read']);
      const token = await obtainToken(t.http(), created.client_id, created.client_secret);
      expect((await t.http().get('/api/v1/oauth/scope').set(bearer(token))).status).toBe(200);

      const del = await t.http().delete(`/api/v1/oauth/client/${created.client_id}`).set(root);
      expect(del.status).toBe(200);
      expect(del.text).toBe('null');
      expect((await t.db.query('SELECT 1 FROM oauth_client WHERE id = $1', [created.client_id])).rowCount).toBe(0);
      expect((await t.http().get('/api/v1/oauth/scope').set(bearer(token))).status).toBe(401);
      expect((await t.http().delete('/api/v1/oauth/client/never-existed').set(root)).status).toBe(200);
    });
  });

  it('revokes at once in every Herald process sharing the database', async () => {
    const other = await createTestApp({}, undefined, t.databaseUrl);
    try {
      const created = await createClient(['scope:read']);
      const token = await obtainToken(t.http(), created.client_id, created.client_secret);
      // The other process has now seen (and cached) this client.
      expect((await other.http().get('/api/v1/oauth/scope').set(bearer(token))).status).toBe(200);
      expect(
        (
          await t
            .http()
            .delete(`/api/v1/oauth/client/${created.client_id}`)
            .set(bearer(await t.rootToken()))
        ).status,
      ).toBe(200);
      let status = 200;
      for (let i = 0; i < 40 && status === 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        status = (await other.http().get('/api/v1/oauth/scope').set(bearer(token))).status;
      }
      expect(status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('takes a scope away in every Herald process sharing the database (403 there too)', async () => {
    const other = await createTestApp({}, undefined, t.databaseUrl);
    try {
      const created = await createClient(['scope:read', 'client:read']);
      const token = await obtainToken(t.http(), created.client_id, created.client_secret);
      expect((await other.http().get('/api/v1/oauth/scope').set(bearer(token))).status).toBe(200);
      await t
        .http()
        .put(`/api/v1/oauth/client/${created.client_id}/scope`)
        .set(bearer(await t.rootToken()))
        .send(['client:read'])
        .expect(200);
      let status = 200;
      for (let i = 0; i < 40 && status === 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        status = (await other.http().get('/api/v1/oauth/scope').set(bearer(token))).status;
      }
      expect(status).toBe(403);
    } finally {
      await other.close();
    }
  });

  describe('GraphQL authInfo', () => {
    it('answers the root caller', async () => {
      const res = await graphql(t, '{ authInfo { clientId root scopes } }', {}, await t.rootToken());
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ authInfo: { clientId: ROOT_CLIENT_ID, root: true, scopes: [...SCOPE_REGISTRY] } });
    });

    it('answers UNAUTHENTICATED without a token or with a bad one', async () => {
      for (const token of [undefined, 'garbage']) {
        const res = await graphql(t, '{ authInfo { clientId } }', {}, token);
        expect(res.data).toBeNull();
        expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
        expect(res.errors?.[0].message).toBe('Failed to authenticate');
      }
    });
  });
});
