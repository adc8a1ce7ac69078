// Decision D30 end to end: Fides' GET/PUT /privacy-request/notification, and the alert email that goes to every
// configured address after every n privacy requests ending in error, counted durably in PostgreSQL (once per
// threshold crossing, also with two Herald instances), with the count and no identity, through the real Mailgun SDK to
// its fake.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fieldText, type RecordedRequest } from '../fakes/provider-fakes.mjs';
import { startPrivacyRequestWorld, waitFor, type PrivacyRequestWorld } from '../support/privacy-request-world.js';
import { bearer, createTestApp, graphql, obtainToken, type TestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-error-alerts-3030';
const OPS = 'ops@herald.example';
const ONCALL = 'oncall@herald.example';
const SUBJECT = 'alerted-subject@example.com';
const PHONE = '+15557773030';
const ROUTE = '/api/v1/privacy-request/notification';
const ALERT_SUBJECT = 'Privacy Request Error Alert';

describe('error alerts (D30)', () => {
  let world: PrivacyRequestWorld;
  let t: TestApp;
  let auth: Record<string, string>;

  beforeAll(async () => {
    world = await startPrivacyRequestWorld(MAILGUN_KEY);
    ({ t, auth } = world);
  });
  afterAll(() => world.close());
  beforeEach(() => world.reset());

  const put = (body: unknown, headers = auth) =>
    t
      .http()
      .put(ROUTE)
      .set(headers)
      .send(body as object);
  const alertRow = async () =>
    (await t.db.query('SELECT failures_since_alert, alerts_sent FROM privacy_request_error_alert WHERE id = 1')).rows[0] as
      { failures_since_alert: number; alerts_sent: number } | undefined;
  const alertMessages = async () =>
    (
      await t.db.query(
        "SELECT idempotency_key, status, privacy_request_id, recipient_hint FROM message WHERE action_type = 'privacy_request_error_notification' ORDER BY idempotency_key",
      )
    ).rows as { idempotency_key: string; status: string; privacy_request_id: string | null; recipient_hint: string }[];
  const alertsAt = (): RecordedRequest[] => world.fakes.mailgun.requests.filter((r) => r.fields.subject === ALERT_SUBJECT && r.status === 200);
  const inError = (ids: string[]) =>
    waitFor(`${ids.length} requests in error`, async () => {
      const { rows } = await t.db.query("SELECT count(*)::int AS n FROM privacy_request WHERE id = ANY($1) AND status = 'error'", [ids]);
      return rows[0].n === ids.length;
    });
  const completionNotices = () =>
    t
      .http()
      .patch('/api/v1/config')
      .set(auth)
      .send({ notifications: { send_request_completion_notification: true } })
      .expect(200);

  /** Requests that end in error at once: the completion notice has no email to go to (a phone-only identity). */
  const failWithoutEmail = async (count = 1): Promise<string[]> => {
    const items = Array.from({ length: count }, () => ({ identity: { phone_number: PHONE }, policy_key: 'default_erasure_policy' }));
    const res = await t.http().post('/api/v1/privacy-request/authenticated').set(auth).send(items).expect(200);
    const ids = (res.body.succeeded as { id: string }[]).map((r) => r.id);
    await inError(ids);
    return ids;
  };
  /** A request that ends in error because Mailgun refuses its completion notice (the fake's fault injection). */
  const failAtProvider = async (): Promise<string> => {
    world.fakes.mailgun.failNext(1, 401);
    const res = await t
      .http()
      .post('/api/v1/privacy-request/authenticated')
      .set(auth)
      .send([{ identity: { email: SUBJECT }, policy_key: 'default_access_policy' }])
      .expect(200);
    const id = res.body.succeeded[0].id as string;
    await inError([id]);
    return id;
  };

  it("answers and checks the settings as Fides' route does; a refused body changes nothing", async () => {
    expect((await t.http().get(ROUTE).set(auth).expect(404)).body).toEqual({ detail: 'No privacy request notification info found' });
    expect((await put({}).expect(422)).body).toEqual({
      detail: [
        { loc: ['body', 'email_addresses'], msg: 'field required', type: 'value_error.missing' },
        { loc: ['body', 'notify_after_failures'], msg: 'field required', type: 'value_error.missing' },
      ],
    });
    expect((await put({ email_addresses: OPS, notify_after_failures: 2 }).expect(422)).body.detail).toEqual([
      { loc: ['body', 'email_addresses'], msg: 'value is not a valid list', type: 'type_error.list' },
    ]);
    expect((await put({ email_addresses: [OPS, 'not an address'], notify_after_failures: 2 }).expect(422)).body.detail).toEqual([
      { loc: ['body', 'email_addresses', 1], msg: 'value is not a valid email address', type: 'value_error.email' },
    ]);
    expect((await put({ email_addresses: [OPS], notify_after_failures: 0 }).expect(422)).body.detail).toEqual([
      { loc: ['body', 'notify_after_failures'], msg: 'ensure this value is greater than or equal to 1', type: 'value_error.number.not_ge' },
    ]);
    expect((await put({ email_addresses: [OPS], notify_after_failures: 'often' }).expect(422)).body.detail).toEqual([
      { loc: ['body', 'notify_after_failures'], msg: 'value is not a valid integer', type: 'type_error.integer' },
    ]);
    const many = Array.from({ length: 21 }, (_, i) => `ops${i}@herald.example`);
    expect((await put({ email_addresses: many, notify_after_failures: 2 }).expect(422)).body.detail).toEqual([
      { loc: ['body', 'email_addresses'], msg: 'ensure this value has at most 20 items', type: 'value_error.list.max_items' },
    ]);
    await t.http().get(ROUTE).set(auth).expect(404);
    expect(await alertRow()).toBeUndefined();

    // The same address twice would get every alert twice: kept once.
    const set = await put({ email_addresses: [OPS, ONCALL, OPS.toUpperCase()], notify_after_failures: 3 }).expect(200);
    expect(set.body).toEqual({ email_addresses: [OPS, ONCALL], notify_after_failures: 3 });
    expect((await t.http().get(ROUTE).set(auth).expect(200)).body).toEqual(set.body);
    await put({ email_addresses: [OPS, 'bad'], notify_after_failures: 1 }).expect(422);
    expect((await t.http().get(ROUTE).set(auth).expect(200)).body).toEqual(set.body);

    // An empty list switches the alerts off (Fides deletes its row) and answers what was sent.
    expect((await put({ email_addresses: [], notify_after_failures: 5 }).expect(200)).body).toEqual({ email_addresses: [], notify_after_failures: 5 });
    await t.http().get(ROUTE).set(auth).expect(404);
    await completionNotices();
    await failWithoutEmail();
    expect(await alertMessages()).toEqual([]);
    expect(await alertRow()).toMatchObject({ failures_since_alert: 0, alerts_sent: 0 });
  });

  it('needs privacy-request-notifications:read to read and :create_or_update to change', async () => {
    const client = await t.http().post('/api/v1/oauth/client').set(auth).send(['privacy-request-notifications:read']).expect(200);
    const reader = bearer(await obtainToken(t.http(), client.body.client_id, client.body.client_secret));
    await t.http().get(ROUTE).set(reader).expect(404);
    await put({ email_addresses: [OPS], notify_after_failures: 1 }, reader).expect(403);
    const other = await t.http().post('/api/v1/oauth/client').set(auth).send(['privacy-request:read']).expect(200);
    const stranger = bearer(await obtainToken(t.http(), other.body.client_id, other.body.client_secret));
    await t.http().get(ROUTE).set(stranger).expect(403);
    await t.http().get(ROUTE).expect(401);
    const denied = await graphql(
      t,
      'mutation { setPrivacyRequestNotificationSettings(input: { emailAddresses: [], notifyAfterFailures: 1 }) { notifyAfterFailures } }',
      {},
      reader.Authorization.slice('Bearer '.length),
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await t.http().get(ROUTE).set(auth).expect(404);
  });

  it('reads and sets the same over GraphQL', async () => {
    const token = await t.rootToken();
    const query = '{ privacyRequestNotificationSettings { emailAddresses notifyAfterFailures } }';
    expect((await graphql(t, query, {}, token)).data).toEqual({ privacyRequestNotificationSettings: null });
    const set = await graphql(
      t,
      'mutation($input: PrivacyRequestNotificationSettingsInput!) { setPrivacyRequestNotificationSettings(input: $input) { emailAddresses notifyAfterFailures } }',
      { input: { emailAddresses: [OPS], notifyAfterFailures: 4 } },
      token,
    );
    expect(set.data).toEqual({ setPrivacyRequestNotificationSettings: { emailAddresses: [OPS], notifyAfterFailures: 4 } });
    expect((await graphql(t, query, {}, token)).data).toEqual({ privacyRequestNotificationSettings: { emailAddresses: [OPS], notifyAfterFailures: 4 } });
    const bad = await graphql(
      t,
      'mutation { setPrivacyRequestNotificationSettings(input: { emailAddresses: ["nope"], notifyAfterFailures: 2 }) { notifyAfterFailures } }',
      {},
      token,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      detail: [{ loc: ['input', 'emailAddresses', 0], msg: 'value is not a valid email address', type: 'value_error.email' }],
    });
    const zero = await graphql(
      t,
      'mutation { setPrivacyRequestNotificationSettings(input: { emailAddresses: [], notifyAfterFailures: 0 }) { notifyAfterFailures } }',
      {},
      token,
    );
    expect(zero.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.http().get(ROUTE).set(auth).expect(200)).body).toEqual({ email_addresses: [OPS], notify_after_failures: 4 });
    await put({ email_addresses: [], notify_after_failures: 4 }).expect(200);
  });

  it('emails every address after every n requests in error, with the count and no identity, counting again after each alert', async () => {
    await put({ email_addresses: [OPS, ONCALL], notify_after_failures: 2 }).expect(200);
    await completionNotices();

    const first = await failAtProvider();
    // The count commits with the error: nothing yet, one counted.
    expect(await alertMessages()).toEqual([]);
    expect(await alertRow()).toMatchObject({ failures_since_alert: 1 });

    const [second] = await failWithoutEmail();
    await waitFor('the first alert to both addresses', async () => alertsAt().length === 2);
    expect(alertsAt().map((r) => r.fields.to)).toEqual(expect.arrayContaining([OPS, ONCALL]));
    for (const mail of alertsAt()) {
      const text = fieldText(mail, 'text');
      expect(text).toContain('Privacy request error(s): 2 privacy requests have failed since the last alert.');
      expect(fieldText(mail, 'html')).toContain('2 privacy requests have failed since the last alert.');
      for (const secret of [SUBJECT, PHONE, first, second]) expect(mail.rawBody).not.toContain(secret);
    }
    expect(await alertRow()).toEqual({ failures_since_alert: 0, alerts_sent: 1 });
    // The fake has the emails before the worker has recorded their outcome: wait for the rows to settle.
    await waitFor('the first alerts recorded as sent', async () => (await alertMessages()).every((m) => m.status === 'sent'));
    const firstAlert = await alertMessages();
    expect(firstAlert).toEqual([
      { idempotency_key: 'privacy-request-error-alert:1:0', status: 'sent', privacy_request_id: null, recipient_hint: 'o***@herald.example' },
      { idempotency_key: 'privacy-request-error-alert:1:1', status: 'sent', privacy_request_id: null, recipient_hint: 'o***@herald.example' },
    ]);

    // n - 1 more: no alert.
    await failWithoutEmail();
    expect(await alertMessages()).toHaveLength(2);
    expect(await alertRow()).toEqual({ failures_since_alert: 1, alerts_sent: 1 });

    // The n-th since the last alert: the second one.
    await failAtProvider();
    await waitFor('the second alert', async () => alertsAt().length === 4);
    expect((await alertMessages()).map((m) => m.idempotency_key)).toEqual([
      'privacy-request-error-alert:1:0',
      'privacy-request-error-alert:1:1',
      'privacy-request-error-alert:2:0',
      'privacy-request-error-alert:2:1',
    ]);
    expect(await alertRow()).toEqual({ failures_since_alert: 0, alerts_sent: 2 });

    // A lower threshold than the count so far alerts at the next error, with the whole count.
    await failWithoutEmail(2);
    expect(await alertRow()).toEqual({ failures_since_alert: 0, alerts_sent: 3 });
    await put({ email_addresses: [OPS], notify_after_failures: 5 }).expect(200);
    await failWithoutEmail(2);
    await put({ email_addresses: [OPS], notify_after_failures: 2 }).expect(200);
    await failWithoutEmail();
    await waitFor('the alert of three', async () => alertsAt().some((r) => fieldText(r, 'text').includes('3 privacy requests have failed')));
    expect(await alertRow()).toEqual({ failures_since_alert: 0, alerts_sent: 4 });
    await put({ email_addresses: [], notify_after_failures: 2 }).expect(200);
  });

  it('sends one alert per threshold crossing with two Herald instances working the requests', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'herald-alerts-'));
    const second = await createTestApp(
      { ...world.fakes.env, HERALD_DATA_DIR: dataDir, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun' },
      undefined,
      t.databaseUrl,
    );
    try {
      const before = (await alertRow())?.alerts_sent ?? 0;
      await put({ email_addresses: [OPS], notify_after_failures: 3 }).expect(200);
      await completionNotices();
      // Twelve runs at once, taken by the workers of both instances.
      const ids = await failWithoutEmail(12);
      expect(ids).toHaveLength(12);
      expect(await alertRow()).toEqual({ failures_since_alert: 0, alerts_sent: before + 4 });
      await waitFor('four alerts', async () => alertsAt().length === 4);
      for (const mail of alertsAt()) expect(fieldText(mail, 'text')).toContain('3 privacy requests have failed since the last alert.');
      const keys = (await alertMessages()).map((m) => m.idempotency_key);
      expect(new Set(keys).size).toBe(keys.length);
    } finally {
      await put({ email_addresses: [], notify_after_failures: 3 }).expect(200);
      await second.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
