import { readFile } from 'node:fs/promises';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { BODY_LIMIT_BYTES } from '../../src/app.factory.js';
import { printSortedSchema } from '../../src/graphql/schema-printer.js';
import { HERALD_VERSION } from '../../src/common/version.js';
import { JobQueueService } from '../../src/database/job-queue.service.js';
import { TestApp, bearer, createTestApp } from '../support/test-app.js';

describe('HTTP conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /health reports every part healthy, without auth', async () => {
    const res = await t.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ webserver: 'healthy', version: HERALD_VERSION, database: 'healthy', queue: 'healthy', messaging: 'healthy' });
  });

  it('answers unknown routes with 404 {"detail": "Not Found"}', async () => {
    for (const path of ['/api/v1/nothing-here', '/nowhere', '/api/v1/oauth/client/x/unknown']) {
      const res = await t.http().get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'Not Found' });
    }
  });

  it('accepts a trailing slash on every route, without redirecting', async () => {
    const token = await t.rootToken();
    const plain = await t.http().get('/api/v1/oauth/scope').set(bearer(token));
    const slash = await t.http().get('/api/v1/oauth/scope/').set(bearer(token));
    expect(slash.status).toBe(200);
    expect(slash.body).toEqual(plain.body);
    expect((await t.http().get('/health/')).status).toBe(200);
  });

  it('refuses a body over the limit with 413 and stores nothing', async () => {
    const before = await t.db.query('SELECT count(*)::int AS n FROM oauth_client');
    const huge = JSON.stringify(Array.from({ length: BODY_LIMIT_BYTES / 10 }, () => 'scope:read'));
    const res = await t
      .http()
      .post('/api/v1/oauth/client')
      .set(bearer(await t.rootToken()))
      .set('content-type', 'application/json')
      .send(huge);
    expect(res.status).toBe(413);
    expect(typeof res.body.detail).toBe('string');
    expect((await t.db.query('SELECT count(*)::int AS n FROM oauth_client')).rows[0].n).toBe(before.rows[0].n);
  });

  it('answers malformed JSON with a 422 in the list shape', async () => {
    const res = await t
      .http()
      .post('/api/v1/oauth/client')
      .set(bearer(await t.rootToken()))
      .set('content-type', 'application/json')
      .send('["scope:read"');
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ loc: ['body'], type: 'value_error.jsondecode' });
  });

  it('takes an empty body sent as JSON for no body, as FastAPI does', async () => {
    const auth = bearer(await t.rootToken());
    await t.http().post('/api/v1/messaging/config').set(auth).send({ key: 'empty_body', name: 'Empty body', service_type: 'twilio_text' }).expect(200);
    await t.http().delete('/api/v1/messaging/config/empty_body').set(auth).set('content-type', 'application/json').expect(204);
    expect((await t.db.query("SELECT count(*)::int AS n FROM messaging_config WHERE key = 'empty_body'")).rows[0].n).toBe(0);
    // Where a body is required, its absence is FastAPI's 422.
    const missing = await t.http().post('/api/v1/messaging/config').set(auth).set('content-type', 'application/json').expect(422);
    expect(missing.body).toEqual({ detail: [{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }] });
    // Prototype poisoning is still refused.
    const poisoned = await t.http().post('/api/v1/messaging/config').set(auth).set('content-type', 'application/json').send('{"__proto__": {"x": 1}}');
    expect(poisoned.status).toBeGreaterThanOrEqual(400);
    expect(poisoned.status).toBeLessThan(500);
  });

  it('ignores unknown query parameters, as FastAPI does, and still validates the known ones', async () => {
    const auth = bearer(await t.rootToken());
    const plain = await t.http().get('/api/v1/messaging/config?size=5').set(auth).expect(200);
    // Fides' Postman collection asks `?id=...&verbose=True` of the privacy request list, whose filter is `request_id`.
    const extra = await t.http().get('/api/v1/messaging/config?size=5&id=whatever&verbose=True').set(auth).expect(200);
    expect(extra.body).toEqual(plain.body);
    expect(extra.body.size).toBe(5);
    const bad = await t.http().get('/api/v1/messaging/config?size=0&id=whatever').set(auth).expect(422);
    expect(bad.body.detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([['query', 'size']]);
  });

  it("echoes a request id, taking the caller's when sane", async () => {
    const given = await t.http().get('/health').set('x-request-id', 'trace-abc.123');
    expect(given.headers['x-request-id']).toBe('trace-abc.123');
    const generated = await t.http().get('/health').set('x-request-id', 'bad id with spaces');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document, every operation naming its scope or being public', async () => {
    const res = await t.http().get('/openapi.json');
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, { security?: { oauth2: string[] }[] }>>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/v1/oauth/token', '/api/v1/oauth/client', '/health']));
    expect(paths['/api/v1/oauth/client'].post.security).toEqual([{ oauth2: ['client:create'] }]);
    expect((await t.http().get('/docs')).status).toBe(200);
  });

  it('serves a GraphQL landing page to browsers outside production', async () => {
    const res = await t.http().get('/graphql').set('accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html');
  });

  it('has a committed schema.gql equal to the running schema', async () => {
    const committed = await readFile(new URL('../../schema.gql', import.meta.url), 'utf8');
    expect(committed).toBe(printSortedSchema(t.app.get(GraphQLSchemaHost).schema));
  });
});

describe('GET /health when a part is down', () => {
  it('answers 503 naming the unhealthy part', async () => {
    const t = await createTestApp();
    try {
      // Stop the queue as shutdown would; the web server and the database stay up.
      await t.app.get(JobQueueService).onApplicationShutdown();
      const res = await t.http().get('/health');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ webserver: 'healthy', version: HERALD_VERSION, database: 'healthy', queue: 'unhealthy', messaging: 'healthy' });
    } finally {
      await t.close();
    }
  });
});
