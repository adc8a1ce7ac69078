import { ROOT_CLIENT_ID, ROOT_CLIENT_SECRET, TestApp, bearer, captureLogs, createTestApp } from '../support/test-app.js';

describe('logs', () => {
  const logs = captureLogs();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'debug' }, logs);
  });
  afterAll(() => t.close());

  it('are JSON lines with request ids, and never carry a credential or token', async () => {
    const tokenResponse = await t
      .http()
      .post('/api/v1/oauth/token')
      .set('x-request-id', 'req-logging-1')
      .type('form')
      .send({ client_id: ROOT_CLIENT_ID, client_secret: ROOT_CLIENT_SECRET });
    const token = tokenResponse.body.access_token as string;
    const created = await t.http().post('/api/v1/oauth/client').set(bearer(token)).set('cookie', 'session=cookie-value').send(['scope:read']);
    await t.http().get('/api/v1/oauth/scope').set('Authorization', 'Bearer not-a-real-token');
    // Query values carry download-link tokens and searched identities: the log keeps the names only.
    await t.http().get('/api/v1/privacy-request?identity=subject%40example.com&size=5').set(bearer(token)).set('x-request-id', 'req-logging-2');
    await t.http().get('/api/v1/privacy-request/pri_x/access-package?token=link-token-value').set('x-request-id', 'req-logging-3');

    const entries = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLogs = entries.filter((e) => (e.req as { id?: string } | undefined)?.id !== undefined);
    expect(requestLogs.map((e) => (e.req as { id: string }).id)).toContain('req-logging-1');
    expect(requestLogs.some((e) => (e.req as { headers: Record<string, string> }).headers.authorization === '[redacted]')).toBe(true);
    // One line per request, when it completes: method, url, status and time.
    const completed = requestLogs.find((e) => (e.req as { id: string }).id === 'req-logging-1' && e.msg === 'request completed');
    expect(completed).toMatchObject({ req: { method: 'POST', url: '/api/v1/oauth/token' }, res: { statusCode: 200 }, responseTime: expect.any(Number) });
    const urlOf = (id: string) => (requestLogs.find((e) => (e.req as { id: string }).id === id)?.req as { url: string }).url;
    expect(urlOf('req-logging-2')).toBe('/api/v1/privacy-request?identity=[redacted]&size=[redacted]');
    expect(urlOf('req-logging-3')).toBe('/api/v1/privacy-request/pri_x/access-package?token=[redacted]');

    // A failure while handling: the error line and the request line both name the request.
    await t.db.query('ALTER TABLE messaging_config RENAME TO messaging_config_away');
    const failed = await t.http().get('/api/v1/messaging/config').set(bearer(token)).set('x-request-id', 'req-logging-4');
    await t.db.query('ALTER TABLE messaging_config_away RENAME TO messaging_config');
    expect(failed.status).toBe(500);
    const ofFailed = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((e) => e.reqId === 'req-logging-4');
    expect(ofFailed.map((e) => e.msg)).toEqual(['unhandled error (request req-logging-4)', 'request errored']);
    expect(ofFailed[1]).toMatchObject({ level: 50, res: { statusCode: 500 }, req: { id: 'req-logging-4', method: 'GET' } });

    const text = logs.text();
    for (const secret of [
      ROOT_CLIENT_SECRET,
      token,
      created.body.client_secret,
      'not-a-real-token',
      'cookie-value',
      'subject%40example.com',
      'subject@example.com',
      'link-token-value',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
