import { TestApp, bearer, createTestApp, obtainToken } from '../support/test-app.js';

/** The routes that need no token; every other route must name its scope. */
const PUBLIC = new Set([
  'POST /api/v1/oauth/token',
  'GET /health',
  'GET /api/v1/id-verification/config',
  // A data subject's own routes: creating a request, proving the identity, downloading the package (signed link).
  'POST /api/v1/privacy-request',
  'POST /api/v1/privacy-request/{privacy_request_id}/verify',
  'GET /api/v1/privacy-request/{privacy_request_id}/access-package',
]);

type Operations = Record<string, Record<string, { security?: { oauth2: string[] }[] }>>;

describe('every REST route names its scope', () => {
  let t: TestApp;
  let paths: Operations;
  beforeAll(async () => {
    t = await createTestApp();
    paths = (await t.http().get('/openapi.json')).body.paths as Operations;
  });
  afterAll(() => t.close());

  const routes = () =>
    Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, scopes: op.security?.[0]?.oauth2 })),
    );
  const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'some_key');

  it('documents a scope for every route but the public ones', () => {
    expect(routes().length).toBeGreaterThan(10);
    for (const route of routes()) {
      const name = `${route.method} ${route.path}`;
      if (PUBLIC.has(name)) expect(route.scopes).toBeUndefined();
      else expect({ name, scopes: route.scopes?.length ?? 0 }).toEqual({ name, scopes: 1 });
    }
  });

  it('answers 401 without a token and 403 with a token lacking the scope, on every scoped route', async () => {
    const root = await t.rootToken();
    const client = await t.http().post('/api/v1/oauth/client').set(bearer(root)).send(['scope:read']);
    const weak = await obtainToken(t.http(), client.body.client_id, client.body.client_secret);
    for (const route of routes().filter((r) => !PUBLIC.has(`${r.method} ${r.path}`))) {
      const call = () => t.http()[route.method.toLowerCase() as 'get'](concrete(route.path));
      const anonymous = await call();
      expect({ route: `${route.method} ${route.path}`, status: anonymous.status }).toEqual({ route: `${route.method} ${route.path}`, status: 401 });
      if (route.scopes?.[0] !== 'scope:read') {
        const forbidden = await call().set(bearer(weak));
        expect({ route: `${route.method} ${route.path}`, status: forbidden.status }).toEqual({ route: `${route.method} ${route.path}`, status: 403 });
      }
    }
  });

  it('lets the public routes through without a token', async () => {
    for (const name of PUBLIC) {
      const [method, path] = name.split(' ');
      const res = await t.http()[method.toLowerCase() as 'get'](path);
      // (The token route itself answers 401 "Authentication Failure" to a request without credentials.)
      const guarded = res.body?.detail === 'Failed to authenticate' || res.body?.detail === 'Not Authorized for this action';
      expect({ name, guarded }).toEqual({ name, guarded: false });
    }
  });
});
