import { TestApp, bearer, captureLogs, createTestApp, graphql } from '../support/test-app.js';

/*
 * What the seeded fuzz run (fuzz.e2e-spec.ts) found, one case each, so that a regression names itself: each was a
 * 500 or an INTERNAL_SERVER_ERROR answered to a client mistake, most of them without a token.
 */
describe('fuzz findings stay fixed', () => {
  let t: TestApp;
  let root: Record<string, string>;
  const logs = captureLogs();
  const count = async (table: string) => Number((await t.db.query(`SELECT count(*) FROM ${table}`)).rows[0].count);
  const errorLines = () => logs.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'info' }, logs);
    root = bearer(await t.rootToken());
  });
  afterAll(() => t.close());
  beforeEach(() => void logs.lines.splice(0));

  it('answers multipart without a boundary, or cut short, with 422 and stores nothing', async () => {
    const before = await count('messaging_config');
    const noBoundary = await t.http().post('/api/v1/messaging/config').set(root).set('content-type', 'multipart/form-data').send('"a"');
    expect(noBoundary.status).toBe(422);
    expect(noBoundary.body).toEqual({
      detail: [{ loc: ['body'], msg: 'Invalid multipart body: the body could not be parsed', type: 'value_error.multipart' }],
    });
    const emptyBoundary = await t.http().post('/api/v1/oauth/token').set('content-type', 'multipart/form-data; boundary=').send('[]');
    expect(emptyBoundary.status).toBe(422);
    const truncated = await t
      .http()
      .post('/api/v1/oauth/token')
      .set('content-type', 'multipart/form-data; boundary=xyz')
      .send('--xyz\r\nContent-Disposition: form-data; name="client_id"\r\n\r\nfides');
    expect(truncated.status).toBe(422);
    expect(await count('messaging_config')).toBe(before);
    expect(errorLines()).toEqual([]);
  });

  it('still takes a well-formed multipart token request', async () => {
    const res = await t
      .http()
      .post('/api/v1/oauth/token')
      .field('client_id', t.settings.security.oauthRootClientId)
      .field('client_secret', t.settings.security.oauthRootClientSecret);
    expect(res.status).toBe(200);
    expect(typeof res.body.access_token).toBe('string');
  });

  it('refuses a DateTime that is not a date (variables and literals), creating nothing', async () => {
    const list = await graphql(
      t,
      'query ($before: DateTime) { privacyRequests(createdBefore: $before) { total } }',
      { before: 'yesterday' },
      await t.rootToken(),
    );
    expect(list.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const literal = await graphql(t, '{ privacyRequests(createdAfter: "👨‍👩‍👧") { total } }', {}, await t.rootToken());
    expect(literal.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const before = await count('privacy_request');
    const create = await graphql(t, 'mutation ($inputs: [PrivacyRequestInput!]!) { createPrivacyRequests(inputs: $inputs) { succeeded { id } } }', {
      inputs: [{ identity: { email: 'subject@example.com' }, policyKey: 'default_access_policy', requestedAt: '' }],
    });
    expect(create.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count('privacy_request')).toBe(before);
    // A real date still works.
    const ok = await graphql(
      t,
      'query ($before: DateTime) { privacyRequests(createdBefore: $before) { total } }',
      { before: '2030-01-01T00:00:00Z' },
      await t.rootToken(),
    );
    expect(ok.errors).toBeUndefined();
  });

  it("answers a field named 'constructor' with 422 at its place, storing nothing", async () => {
    const before = await count('policy');
    const res = await t
      .http()
      .patch('/api/v1/dsr/policy')
      .set(root)
      .send([{ name: 'Fuzz Thing', execution_timeframe: { constructor: 'a' } }]);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ loc: ['body', 0, 'execution_timeframe'], type: 'value_error.field_name' })]);
    const anonymous = await t
      .http()
      .post('/api/v1/privacy-request')
      .send([{ identity: { email: 'a@example.com' }, policy_key: 'default_access_policy', external_id: { constructor: 'a' } }]);
    expect(anonymous.status).toBe(422);
    const secrets = await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'mg', name: 'Mg', service_type: 'mailgun', details: { domain: 'mg.example.com' } });
    expect(secrets.status).toBe(200);
    const secretsBefore = await count('secret');
    const badSecret = await t
      .http()
      .put('/api/v1/messaging/config/mg/secret')
      .set(root)
      .send({ mailgun_api_key: { constructor: 'a' } });
    expect(badSecret.status).toBe(400);
    expect(await count('policy')).toBe(before);
    expect(await count('privacy_request')).toBe(0);
    expect(await count('secret')).toBe(secretsBefore);
    expect(errorLines()).toEqual([]);
  });

  it('refuses a subscription over HTTP (it needs the websocket) as a validation error', async () => {
    const res = await t.http().post('/graphql').set('content-type', 'application/json').send({ query: 'subscription { messageUpdated { id } }' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message: 'Subscriptions are served over WebSocket (graphql-ws) at /graphql, not over HTTP',
        extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
      }),
    ]);
  });

  it('answers more than 50 bad variables with BAD_USER_INPUT only', async () => {
    const query = 'query ($statuses: [PrivacyRequestStatus!]) { privacyRequests(statuses: $statuses) { total } }';
    const res = await graphql(t, query, { statuses: Array.from({ length: 60 }, (_, i) => `not_a_status_${i}`) }, await t.rootToken());
    // graphql-js stops after Apollo's error cap with a "Too many errors" of its own: that one is the client's too.
    expect(res.errors!.map((e) => e.message)).toContainEqual(expect.stringMatching(/^Too many errors processing variables/));
    expect(new Set(res.errors!.map((e) => e.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
  });

  it('takes null for a notification switch as "back to the default", and every read still works', async () => {
    await t
      .http()
      .patch('/api/v1/config')
      .set(root)
      .send({ notifications: { send_request_receipt_notification: true } })
      .expect(200);
    const reset = await t
      .http()
      .patch('/api/v1/config')
      .set(root)
      .send({ notifications: { send_request_receipt_notification: null } });
    expect(reset.status).toBe(200);
    expect(reset.body.notifications.send_request_receipt_notification).toBe(false);
    const viaGraphql = await graphql(
      t,
      'mutation { updateNotificationSettings(input: { sendRequestReviewNotification: null }) { sendRequestReviewNotification } }',
      {},
      await t.rootToken(),
    );
    expect(viaGraphql.errors).toBeUndefined();
    const read = await graphql(t, '{ notificationSettings { sendRequestReceiptNotification sendRequestReviewNotification } }', {}, await t.rootToken());
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({ notificationSettings: { sendRequestReceiptNotification: false, sendRequestReviewNotification: false } });
  });

  it('refuses an over-long policy name over GraphQL before the database sees it', async () => {
    const before = await count('policy');
    const res = await graphql(
      t,
      'mutation ($inputs: [PolicyInput!]!) { upsertPolicies(inputs: $inputs) { succeeded { key } failed { message } } }',
      { inputs: [{ name: 'n'.repeat(300) }] },
      await t.rootToken(),
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count('policy')).toBe(before);
    expect(errorLines()).toEqual([]);
  });
});
