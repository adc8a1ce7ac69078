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
  // A provider's delivery events: its signature is the credential (decision D26).
  'POST /api/v1/messaging/webhooks/{service_type}',
  // Mandrill's check of a webhook URL before it adds the webhook.
  'HEAD /api/v1/messaging/webhooks/{service_type}',
]);

interface Operation {
  security?: { oauth2: string[] }[];
  parameters?: { in: string }[];
  requestBody?: object;
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
type Operations = Record<string, Record<string, Operation>>;

describe('every REST route names its scope', () => {
  let t: TestApp;
  let paths: Operations;
  let document: { paths: Operations; components: { schemas: Record<string, object> } };
  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http().get('/openapi.json')).body;
    paths = document.paths;
  });
  afterAll(() => t.close());

  const routes = () =>
    Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, scopes: op.security?.[0]?.oauth2, op })),
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

  // What each route answers is checked against these schemas on every e2e request (test/support/openapi-conformance.ts).
  it('documents the body of every success and of the errors routes share', () => {
    for (const { method, path, op } of routes()) {
      const name = `${method} ${path}`;
      const success = Object.keys(op.responses).filter((status) => status.startsWith('2'));
      const documented = (status: string) => op.responses[status]?.content?.['application/json']?.schema !== undefined;
      expect({ name, success: success.length }).toEqual({ name, success: 1 });
      // A HEAD answer has no body to document.
      if (success[0] !== '204' && method !== 'HEAD')
        expect({ name, status: success[0], schema: documented(success[0]) }).toEqual({ name, status: success[0], schema: true });
      if (op.parameters?.some((p) => p.in === 'path')) expect({ name, 404: documented('404') }).toEqual({ name, 404: true });
      if (op.requestBody || op.parameters?.length) expect({ name, 422: documented('422') }).toEqual({ name, 422: true });
      if (op.security) expect({ name, 401: documented('401'), 403: documented('403') }).toEqual({ name, 401: true, 403: true });
    }
  });

  it('names only schemas it defines', () => {
    const refs = [...JSON.stringify(document).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(20);
    expect([...new Set(refs)].filter((name) => !(name in document.components.schemas))).toEqual([]);
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
