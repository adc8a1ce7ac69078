// Email connectors over Fides' REST routes: bulk create-or-update, listing and filters, secrets with the test email
// sent through the real SDKs to the loopback fakes, and what was stored.
import { fieldText, startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { TestApp, bearer, createTestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-connections-secret-4242';
const SENDGRID_KEY = 'SG.connections-secret-7777';
const TO_EMAIL = 'erasure.desk@thirdparty.example';
const TEST_EMAIL = 'privacy.officer@herald.example';

const RESPONSE_KEYS = [
  'access',
  'connection_type',
  'created_at',
  'description',
  'disabled',
  'key',
  'last_test_succeeded',
  'last_test_timestamp',
  'name',
  'saas_config',
  'updated_at',
];
const FIDES_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

interface ConnectionRow {
  key: string;
  name: string;
  description: string | null;
  access: string;
  disabled: boolean;
  disabled_at: Date | null;
  last_test_timestamp: Date | null;
  last_test_succeeded: boolean | null;
}

describe('email connections (REST)', () => {
  let fakes: ProviderFakes;
  let t: TestApp;
  let auth: Record<string, string>;

  const patch = (body: unknown) =>
    t
      .http()
      .patch('/api/v1/connection')
      .set(auth)
      .send(body as object);
  const row = async (key: string): Promise<ConnectionRow | undefined> =>
    (await t.db.query<ConnectionRow>('SELECT * FROM connection WHERE key = $1', [key])).rows[0];
  const count = async (): Promise<number> => Number((await t.db.query('SELECT count(*) FROM connection')).rows[0].count);
  const secretRows = async (): Promise<{ owner_id: string; envelope: string }[]> =>
    (await t.db.query("SELECT owner_id, envelope FROM secret WHERE owner_kind = 'connection'")).rows;

  beforeAll(async () => {
    fakes = await startProviderFakes({ mailgun: { apiKey: MAILGUN_KEY }, sendgrid: { apiKey: SENDGRID_KEY } });
    t = await createTestApp({ ...fakes.env, HERALD_DELIVERY_MAX_ATTEMPTS: '1', HERALD_PROVIDER_TIMEOUT_MS: '2000' });
    auth = bearer(await t.rootToken());
  });
  afterAll(async () => {
    await t.close();
    await fakes.close();
  });
  beforeEach(async () => {
    await t.db.query("DELETE FROM secret WHERE owner_kind IN ('connection', 'messaging_config')");
    await t.db.query('DELETE FROM connection');
    await t.db.query('DELETE FROM messaging_config');
    fakes.reset();
  });

  const mailgunConfig = async () => {
    await t
      .http()
      .post('/api/v1/messaging/config')
      .set(auth)
      .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.herald.example' } })
      .expect(200);
    await t.http().put('/api/v1/messaging/config/mailgun/secret').set(auth).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
  };

  describe('PATCH /connection', () => {
    it('creates connections, the key made from the name, answering exactly Fides keys', async () => {
      const res = await patch([
        { name: 'Third Party Email Connector', connection_type: 'email', access: 'write', description: 'Daycare CRM' },
        { name: 'Vendor B', key: 'vendor.b', connection_type: 'email', access: 'read', disabled: true },
      ]).expect(200);
      expect(res.body.failed).toEqual([]);
      expect(res.body.succeeded.map((c: { key: string }) => c.key)).toEqual(['third_party_email_connector', 'vendor.b']);
      const [first] = res.body.succeeded;
      expect(Object.keys(first).sort()).toEqual(RESPONSE_KEYS);
      expect(first).toMatchObject({
        name: 'Third Party Email Connector',
        description: 'Daycare CRM',
        connection_type: 'email',
        access: 'write',
        disabled: false,
        last_test_timestamp: null,
        last_test_succeeded: null,
        saas_config: null,
      });
      expect(first.created_at).toMatch(FIDES_DATETIME);
      expect(await row('third_party_email_connector')).toMatchObject({
        name: 'Third Party Email Connector',
        access: 'write',
        disabled: false,
        disabled_at: null,
      });
      expect((await row('vendor.b'))?.disabled_at).toBeInstanceOf(Date);

      const one = await t.http().get('/api/v1/connection/vendor.b/').set(auth).expect(200);
      expect(one.body).toEqual(res.body.succeeded[1]);
    });

    it('updates by key replacing all six fields, and tracks disabled_at', async () => {
      await patch([{ name: 'Vendor', key: 'vendor', connection_type: 'email', access: 'write', description: 'first' }]).expect(200);
      const before = await row('vendor');

      const disabled = await patch([{ name: 'Vendor renamed', key: 'vendor', connection_type: 'email', access: 'read', disabled: true }]).expect(200);
      expect(disabled.body.succeeded[0]).toMatchObject({ name: 'Vendor renamed', access: 'read', disabled: true, description: null });
      const after = await row('vendor');
      expect(after).toMatchObject({ name: 'Vendor renamed', access: 'read', description: null, disabled: true });
      expect(after?.disabled_at).toBeInstanceOf(Date);
      expect(new Date(disabled.body.succeeded[0].updated_at).getTime()).toBeGreaterThan(before!.disabled_at?.getTime() ?? new Date(0).getTime());

      // Disabled again: the moment it was disabled is kept. Enabled: cleared.
      await patch([{ name: 'Vendor renamed', key: 'vendor', connection_type: 'email', access: 'read', disabled: true }]).expect(200);
      expect((await row('vendor'))?.disabled_at).toEqual(after?.disabled_at);
      await patch([{ name: 'Vendor renamed', key: 'vendor', connection_type: 'email', access: 'read' }]).expect(200);
      expect((await row('vendor'))?.disabled_at).toBeNull();
      expect(await count()).toBe(1);
    });

    it('reports a failing item beside the good ones, each on its own', async () => {
      await patch([{ name: 'My Mongo DB', connection_type: 'email', access: 'write' }]).expect(200);
      const res = await patch([
        { name: 'Good One', connection_type: 'email', access: 'write' },
        { name: 'My Mongo DB', connection_type: 'email', access: 'read' },
        { name: 'Other name', key: 'my_mongo_db_2', connection_type: 'email', access: 'read' },
        { name: 'Good One', key: 'good_two', connection_type: 'email', access: 'read' },
      ]).expect(200);
      expect(res.body.succeeded.map((c: { key: string }) => c.key)).toEqual(['good_one', 'my_mongo_db_2']);
      expect(res.body.failed).toEqual([
        {
          message:
            'Key my_mongo_db already exists in ConnectionConfig. Keys will be snake-cased names if not provided. If you are seeing this error without providing a key, please provide a key or a different name.',
          data: { name: 'My Mongo DB', key: null, connection_type: 'email', access: 'read', disabled: false, description: null },
        },
        {
          message: 'Name Good One already exists in ConnectionConfig.',
          data: { name: 'Good One', key: 'good_two', connection_type: 'email', access: 'read', disabled: false, description: null },
        },
      ]);
      expect((await row('my_mongo_db'))?.access).toBe('write');
      expect(await count()).toBe(3);
    });

    it('refuses a rename onto a taken name without touching either connection', async () => {
      await patch([
        { name: 'Alpha', connection_type: 'email', access: 'write' },
        { name: 'Beta', connection_type: 'email', access: 'write' },
      ]).expect(200);
      const res = await patch([{ name: 'Alpha', key: 'beta', connection_type: 'email', access: 'read' }]).expect(200);
      expect(res.body.failed[0].message).toBe('Name Alpha already exists in ConnectionConfig.');
      expect(await row('beta')).toMatchObject({ name: 'Beta', access: 'write' });
    });

    it.each([
      [
        'secrets in an item',
        [{ name: 'A', connection_type: 'email', access: 'write', secrets: { to_email: TO_EMAIL } }],
        ['body', 0, 'secrets'],
        'extra fields not permitted',
      ],
      [
        'a database type',
        [{ name: 'A', connection_type: 'postgres', access: 'write' }],
        ['body', 0, 'connection_type'],
        "value is not a valid enumeration member; permitted: 'email', 'generic_erasure_email'",
      ],
      [
        'an unknown access',
        [{ name: 'A', connection_type: 'email', access: 'admin' }],
        ['body', 0, 'access'],
        "value is not a valid enumeration member; permitted: 'read', 'write'",
      ],
      ['a missing name', [{ connection_type: 'email', access: 'write' }], ['body', 0, 'name'], 'field required'],
      [
        'a bad key',
        [{ name: 'A', key: 'a key', connection_type: 'email', access: 'write' }],
        ['body', 0, 'key'],
        "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.",
      ],
      [
        'a name without a usable key',
        [
          { name: 'A', connection_type: 'email', access: 'write' },
          { name: '!!!', connection_type: 'email', access: 'write' },
        ],
        ['body', 1, 'name'],
        "A key cannot be made from the name '!!!': give a key",
      ],
      ['an object instead of a list', { name: 'A', connection_type: 'email', access: 'write' }, ['body'], 'value is not a valid list'],
      [
        '51 items',
        Array.from({ length: 51 }, (_, i) => ({ name: `C${i}`, connection_type: 'email', access: 'write' })),
        ['body'],
        'ensure this value has at most 50 items',
      ],
    ])('answers 422 for %s and stores nothing', async (_, body, loc, msg) => {
      const res = await patch(body).expect(422);
      expect(res.body.detail).toEqual([expect.objectContaining({ loc, msg })]);
      expect(await count()).toBe(0);
    });
  });

  describe('GET /connection', () => {
    beforeEach(async () => {
      await patch([
        { name: 'Zeta Mail', connection_type: 'email', access: 'write', description: 'Payroll 100% outsourced' },
        { name: 'alpha crm', connection_type: 'email', access: 'read', disabled: true },
        { name: 'Mid Vendor', connection_type: 'email', access: 'write', description: 'loyalty cards' },
      ]).expect(200);
      await t.db.query("UPDATE connection SET last_test_succeeded = (key = 'zeta_mail') WHERE key IN ('zeta_mail', 'mid_vendor')");
    });
    const keys = async (query: string, expected = 200) => {
      const res = await t.http().get(`/api/v1/connection${query}`).set(auth).expect(expected);
      return res.body.items?.map((c: { key: string }) => c.key);
    };

    it('pages by name', async () => {
      const res = await t.http().get('/api/v1/connection?size=2').set(auth).expect(200);
      expect(res.body).toMatchObject({ total: 3, page: 1, size: 2 });
      expect(res.body.items.map((c: { name: string }) => c.name)).toEqual(['alpha crm', 'Mid Vendor']);
      expect(await keys('?size=2&page=2')).toEqual(['zeta_mail']);
    });

    it('filters by search, type, disabled and test status', async () => {
      expect(await keys('?search=LOYALTY')).toEqual(['mid_vendor']);
      expect(await keys('?search=ALPHA%25')).toEqual([]);
      expect(await keys('?search=100%25')).toEqual(['zeta_mail']);
      expect(await keys('?search=_')).toEqual(['alpha_crm', 'mid_vendor', 'zeta_mail']);
      expect(await keys('?connection_type=EMAIL&connection_type=postgres')).toEqual(['alpha_crm', 'mid_vendor', 'zeta_mail']);
      expect(await keys('?connection_type=postgres')).toEqual([]);
      expect(await keys('?disabled=true')).toEqual(['alpha_crm']);
      expect(await keys('?disabled=false&search=a')).toEqual(['mid_vendor', 'zeta_mail']);
      expect(await keys('?test_status=passed')).toEqual(['zeta_mail']);
      expect(await keys('?test_status=failed')).toEqual(['mid_vendor']);
      expect(await keys('?test_status=untested')).toEqual(['alpha_crm']);
      expect(await keys('?system_type=database')).toEqual(['alpha_crm', 'mid_vendor', 'zeta_mail']);
      expect(await keys('?system_type=saas')).toEqual([]);
    });

    it.each([
      ['?test_status=ok', 'test_status'],
      ['?disabled=maybe', 'disabled'],
      ['?size=101', 'size'],
      ['?system_type=cloud', 'system_type'],
    ])('answers 422 for %s', async (query, field) => {
      const res = await t.http().get(`/api/v1/connection${query}`).set(auth).expect(422);
      expect(res.body.detail[0].loc).toEqual(['query', field]);
    });

    it("answers 404 with Fides' text for an unknown key, 422 for a bad one", async () => {
      const res = await t.http().get('/api/v1/connection/nope').set(auth).expect(404);
      expect(res.body).toEqual({ detail: "No connection configuration found with key 'nope'." });
      await t.http().get('/api/v1/connection/bad%20key').set(auth).expect(422);
    });
  });

  describe('DELETE /connection/{key}', () => {
    it('deletes the connection and its secrets; a second delete is 404', async () => {
      await patch([
        { name: 'Gone', connection_type: 'email', access: 'write' },
        { name: 'Kept', connection_type: 'email', access: 'write' },
      ]).expect(200);
      for (const key of ['gone', 'kept']) {
        await t.http().put(`/api/v1/connection/${key}/secret?verify=false`).set(auth).send({ to_email: TO_EMAIL }).expect(200);
      }
      expect(await secretRows()).toHaveLength(2);
      const res = await t.http().delete('/api/v1/connection/gone').set(auth).expect(204);
      expect(res.text).toBe('');
      expect(await row('gone')).toBeUndefined();
      expect(await secretRows()).toHaveLength(1);
      expect(await row('kept')).toBeDefined();
      expect((await t.http().delete('/api/v1/connection/gone').set(auth).expect(404)).body.detail).toBe("No connection configuration found with key 'gone'.");
    });
  });

  describe('PUT /connection/{key}/secret and GET /connection/{key}/test', () => {
    beforeEach(async () => {
      await patch([{ name: 'Daycare', key: 'daycare', connection_type: 'email', access: 'write' }]).expect(200);
    });
    const putSecrets = (body: unknown, query = '') =>
      t
        .http()
        .put(`/api/v1/connection/daycare/secret${query}`)
        .set(auth)
        .send(body as object);

    it('stores the secrets encrypted without testing when verify=false', async () => {
      const res = await putSecrets({ to_email: TO_EMAIL, test_email: TEST_EMAIL, url: 'https://ignored.example' }, '?verify=false').expect(200);
      expect(res.body).toEqual({ msg: 'Secrets updated for ConnectionConfig with key: daycare.', test_status: null, failure_reason: null });
      const [stored] = await secretRows();
      expect(stored.envelope).not.toContain(TO_EMAIL);
      expect(stored.envelope).not.toContain('thirdparty');
      expect(await row('daycare')).toMatchObject({ last_test_timestamp: null, last_test_succeeded: null });
      expect(fakes.mailgun.requests).toHaveLength(0);
      expect(JSON.stringify((await t.http().get('/api/v1/connection/daycare').set(auth)).body)).not.toContain(TO_EMAIL);
    });

    it('sends the sample erasure email to test_email and records success', async () => {
      await mailgunConfig();
      const res = await putSecrets({ to_email: TO_EMAIL, test_email: TEST_EMAIL }).expect(200);
      expect(res.body).toEqual({ msg: 'Secrets updated for ConnectionConfig with key: daycare.', test_status: 'succeeded', failure_reason: null });
      expect(fakes.mailgun.requests).toHaveLength(1);
      const sent = fakes.mailgun.requests[0];
      expect(sent.path).toBe('/v3/mg.herald.example/messages');
      expect(sent.fields.to).toBe(TEST_EMAIL);
      expect(sent.fields.subject).toBe('Data erasure request');
      const text = fieldText(sent, 'text');
      for (const part of ['test_collection', 'id', 'example_id', 'test_field']) expect(text).toContain(part);
      expect(fieldText(sent, 'html')).toContain('example_id');
      expect(JSON.stringify(sent.fields)).not.toContain(TO_EMAIL);

      const stored = await row('daycare');
      expect(stored?.last_test_succeeded).toBe(true);
      expect(stored?.last_test_timestamp).toBeInstanceOf(Date);
      const listed = await t.http().get('/api/v1/connection?test_status=passed').set(auth).expect(200);
      expect(listed.body.items[0]).toMatchObject({ key: 'daycare', last_test_succeeded: true, last_test_timestamp: expect.stringMatching(FIDES_DATETIME) });
    });

    it('keeps the secrets and reports why when the provider refuses the test email', async () => {
      await mailgunConfig();
      fakes.mailgun.failNext(1, 401);
      const res = await putSecrets({ to_email: TO_EMAIL, test_email: TEST_EMAIL }).expect(200);
      expect(res.body.test_status).toBe('failed');
      expect(res.body.failure_reason).toMatch(/401/);
      expect(res.body.failure_reason).not.toContain(TEST_EMAIL);
      expect(res.body.failure_reason).not.toContain(MAILGUN_KEY);
      expect(await secretRows()).toHaveLength(1);
      expect((await row('daycare'))?.last_test_succeeded).toBe(false);

      // The stored secrets, tested again: the provider answers now.
      const again = await t.http().get('/api/v1/connection/daycare/test').set(auth).expect(200);
      expect(again.body).toEqual({ msg: 'Test completed for ConnectionConfig with key: daycare.', test_status: 'succeeded', failure_reason: null });
      expect((await row('daycare'))?.last_test_succeeded).toBe(true);
    });

    it('fails the test with a reason when there is no test_email or no email service', async () => {
      await mailgunConfig();
      const noTestEmail = await putSecrets({ to_email: TO_EMAIL }).expect(200);
      expect(noTestEmail.body.test_status).toBe('failed');
      expect(noTestEmail.body.failure_reason).toContain('test_email');

      await t.http().delete('/api/v1/messaging/config/mailgun').set(auth).expect(204);
      const noService = await putSecrets({ to_email: TO_EMAIL, test_email: TEST_EMAIL }).expect(200);
      expect(noService.body).toMatchObject({ test_status: 'failed', failure_reason: 'No notification service type configured.' });
      expect(fakes.mailgun.requests).toHaveLength(0);
    });

    it('prefers the Twilio email config when the notification type is not an email type (decision D9)', async () => {
      await mailgunConfig();
      await t
        .http()
        .post('/api/v1/messaging/config')
        .set(auth)
        .send({ key: 'sendgrid', name: 'SendGrid', service_type: 'twilio_email', details: { twilio_email_from: 'privacy@herald.example' } })
        .expect(200);
      await t.http().put('/api/v1/messaging/config/sendgrid/secret').set(auth).send({ twilio_api_key: SENDGRID_KEY }).expect(200);
      const res = await putSecrets({ to_email: TO_EMAIL, test_email: TEST_EMAIL }).expect(200);
      expect(res.body.test_status).toBe('succeeded');
      expect(fakes.sendgrid.requests).toHaveLength(1);
      expect(fakes.mailgun.requests).toHaveLength(0);
      expect(JSON.stringify(fakes.sendgrid.requests[0].body)).toContain('Data erasure request');
    });

    it('tests a connection without secrets as failed, not as an error', async () => {
      const res = await t.http().get('/api/v1/connection/daycare/test').set(auth).expect(200);
      expect(res.body).toMatchObject({ test_status: 'failed', failure_reason: expect.stringContaining('no secrets') });
      expect((await row('daycare'))?.last_test_succeeded).toBe(false);
    });

    it.each([
      ['a missing to_email', { test_email: TEST_EMAIL }, ['to_email'], 'field required'],
      ['a to_email that is not an address', { to_email: 'not-an-address' }, ['to_email'], 'value is not a valid email address'],
      ['a test_email that is not an address', { to_email: TO_EMAIL, test_email: 'nope' }, ['test_email'], 'value is not a valid email address'],
      ['an unknown key', { to_email: TO_EMAIL, password: 'x' }, ['password'], 'extra fields not permitted'],
      ['a list', [TO_EMAIL], [], 'value is not a valid dict'],
    ])('answers 422 for %s, leaving the previous secrets untouched', async (_, body, loc, msg) => {
      await putSecrets({ to_email: TO_EMAIL }, '?verify=false').expect(200);
      const before = await secretRows();
      const res = await putSecrets(body).expect(422);
      // The first problem is the field's (a missing to_email adds Fides' root error after it, tested below).
      expect(res.body.detail[0]).toEqual(expect.objectContaining({ loc, msg }));
      expect(await secretRows()).toEqual(before);
    });

    it("adds Fides' root error after the field's when to_email is missing, even with a url", async () => {
      const res = await putSecrets({ url: 'https://vendor.example', test_email: TEST_EMAIL }).expect(422);
      expect(res.body.detail).toEqual([
        { loc: ['to_email'], msg: 'field required', type: 'value_error.missing' },
        { loc: ['__root__'], msg: "EmailSchema must be supplied a 'url' or all of: ['to_email'].", type: 'value_error' },
      ]);
    });

    it('answers 404 for an unknown connection before looking at the body', async () => {
      const res = await t.http().put('/api/v1/connection/unknown/secret').set(auth).send({ bad: true }).expect(404);
      expect(res.body.detail).toBe("No connection configuration found with key 'unknown'.");
      await t.http().get('/api/v1/connection/unknown/test').set(auth).expect(404);
    });
  });
});
