import type { Response } from 'supertest';
import { KeyRing } from '../../src/common/crypto/index.js';
import { MessagingConfigService } from '../../src/messaging-config/messaging-config.service.js';
import { ENCRYPTION_KEY, TestApp, bearer, captureLogs, createTestApp, obtainToken } from '../support/test-app.js';

/**
 * Fides' `/messaging/config` and fidesops' `/email/config` over real HTTP, with what each request stored (or did not
 * store) read straight from the database. Texts are Fides' (docs/compatibility.md#messaging-configs-and-secrets) except where decisions D1-D5 differ.
 */

const FIDES_KEY_MESSAGE = "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.";
const FIDES_ENUM_MESSAGE =
  "value is not a valid enumeration member; permitted: 'MAILGUN', 'TWILIO_TEXT', 'TWILIO_EMAIL', 'MAILCHIMP_TRANSACTIONAL', 'SMTP', 'AWS_SES'";
const NOT_AUTHORIZED = { detail: 'Not Authorized for this action' };
const NOT_AUTHENTICATED = { detail: 'Failed to authenticate' };
const TWILIO_SENDER_REQUIRED = "Either the twilio_messaging_service_sid or the twilio_sender_phone_number should be supplied. ('__root__',)";
const TWILIO_PHONE_FORMAT = "Sender phone number must include country code, formatted like +15558675309 ('__root__',)";

// Secret values: each is distinctive, so finding one in a response or a log line is unambiguous.
const MAILGUN_API_KEY = 'mg-key-SECRET-7f3a91c2';
const MAILGUN_API_KEY_2 = 'mg-key-SECRET-second-0b7d';
const TWILIO_ACCOUNT_SID = 'AC-SECRET-sid-5e21aa';
const TWILIO_AUTH_TOKEN = 'twilio-token-SECRET-93cd';
const TWILIO_SERVICE_SID = 'MG-SECRET-service-sid-41f0';
const TWILIO_API_KEY = 'SG.SECRET-sendgrid-key-8812';
const ALL_SECRETS = [MAILGUN_API_KEY, MAILGUN_API_KEY_2, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_SERVICE_SID, TWILIO_API_KEY];

const MAILGUN_BODY = { name: 'My Mailgun', key: 'my_mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' } };
const MAILGUN_RESPONSE = {
  name: 'My Mailgun',
  key: 'my_mailgun',
  service_type: 'MAILGUN',
  details: { domain: 'mg.example.com', is_eu_domain: false, api_version: 'v3' },
};
const TEXT_BODY = { name: 'My Twilio SMS', key: 'my_twilio_sms', service_type: 'twilio_text' };
const TEXT_RESPONSE = { name: 'My Twilio SMS', key: 'my_twilio_sms', service_type: 'TWILIO_TEXT', details: null };
const EMAIL_BODY = { name: 'My SendGrid', key: 'my_sendgrid', service_type: 'twilio_email', details: { twilio_email_from: 'privacy@example.com' } };
const EMAIL_RESPONSE = { name: 'My SendGrid', key: 'my_sendgrid', service_type: 'TWILIO_EMAIL', details: { twilio_email_from: 'privacy@example.com' } };

const FIDES = '/api/v1/messaging/config';
const FIDESOPS = '/api/v1/email/config';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

describe('Messaging config REST API', () => {
  const logs = captureLogs();
  /** Every response body this suite received, checked at the end for secret values. */
  const seen: string[] = [];
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'debug' }, logs);
    for (const scope of ['messaging:create_or_update', 'messaging:read', 'messaging:delete', 'email:create_or_update', 'email:read', 'email:delete']) {
      tokens[scope] = await tokenFor([scope]);
    }
    tokens.allMessaging = await tokenFor(['messaging:create_or_update', 'messaging:read', 'messaging:delete']);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.db.query('DELETE FROM secret');
    await t.db.query('DELETE FROM messaging_config');
  });

  async function tokenFor(scopes: string[]): Promise<string> {
    const res = await t
      .http()
      .post('/api/v1/oauth/client')
      .set(bearer(await t.rootToken()))
      .send(scopes);
    expect(res.status).toBe(200);
    return obtainToken(t.http(), res.body.client_id, res.body.client_secret);
  }

  /** A request as the root client (or `token`, or none with null), recording the response text. */
  async function api(method: Method, path: string, body?: unknown, token?: string | null): Promise<Response> {
    let req = t.http()[method](path);
    const bearerToken = token === undefined ? await t.rootToken() : token;
    if (bearerToken) req = req.set(bearer(bearerToken));
    const res = body === undefined ? await req : await req.send(body as object);
    seen.push(res.text);
    return res;
  }

  /** Both tables, whole. */
  async function state() {
    const configs = await t.db.query('SELECT id, key, name, service_type, details, created_at, updated_at FROM messaging_config ORDER BY key');
    const secrets = await t.db.query('SELECT id, owner_kind, owner_id, envelope, key_version, created_at, updated_at FROM secret ORDER BY owner_id');
    return { configs: configs.rows, secrets: secrets.rows };
  }

  /** Runs a request that must fail, and shows it changed nothing. */
  async function unchanged(request: () => Promise<Response>): Promise<Response> {
    const before = await state();
    const res = await request();
    expect(await state()).toEqual(before);
    return res;
  }

  async function row(key: string) {
    return (await t.db.query('SELECT id, key, name, service_type, details FROM messaging_config WHERE key = $1', [key])).rows[0] as
      { id: string; key: string; name: string; service_type: string; details: unknown } | undefined;
  }

  async function secretRow(configId: string) {
    return (await t.db.query("SELECT envelope FROM secret WHERE owner_kind = 'messaging_config' AND owner_id = $1", [configId])).rows[0] as
      { envelope: string } | undefined;
  }

  async function storedSecrets(key: string): Promise<unknown> {
    const service = t.app.get(MessagingConfigService);
    return service.getSecrets(await service.get(key));
  }

  /** A config object: exactly Fides' four keys, in its order. */
  function expectConfig(body: unknown, expected: object): void {
    expect(body).toEqual(expected);
    expect(Object.keys(body as object)).toEqual(['name', 'key', 'service_type', 'details']);
  }

  async function create(body: object): Promise<Response> {
    const res = await api('post', FIDES, body);
    expect(res.status).toBe(200);
    return res;
  }

  async function putSecrets(key: string, secrets: object, base = FIDES): Promise<Response> {
    const res = await api('put', `${base}/${key}/secret`, secrets);
    expect(res.status).toBe(200);
    return res;
  }

  describe('auth', () => {
    const routes: { method: Method; path: string; body?: object; wrongScope: string }[] = [
      { method: 'post', path: FIDES, body: { ...TEXT_BODY, key: 'other', name: 'Other' }, wrongScope: 'messaging:read' },
      { method: 'get', path: FIDES, wrongScope: 'messaging:create_or_update' },
      { method: 'get', path: `${FIDES}/my_mailgun`, wrongScope: 'messaging:delete' },
      { method: 'patch', path: `${FIDES}/my_mailgun`, body: { ...MAILGUN_BODY, name: 'Changed' }, wrongScope: 'messaging:read' },
      { method: 'delete', path: `${FIDES}/my_mailgun`, wrongScope: 'messaging:create_or_update' },
      { method: 'put', path: `${FIDES}/my_mailgun/secret`, body: { mailgun_api_key: MAILGUN_API_KEY_2 }, wrongScope: 'messaging:delete' },
      { method: 'post', path: FIDESOPS, body: { name: 'x', service_type: 'mailgun', details: { domain: 'd' } }, wrongScope: 'email:read' },
      { method: 'get', path: FIDESOPS, wrongScope: 'email:delete' },
      { method: 'get', path: `${FIDESOPS}/my_mailgun`, wrongScope: 'email:create_or_update' },
      { method: 'patch', path: `${FIDESOPS}/my_mailgun`, body: { ...MAILGUN_BODY, name: 'Changed' }, wrongScope: 'email:read' },
      { method: 'delete', path: `${FIDESOPS}/my_mailgun`, wrongScope: 'email:read' },
      { method: 'put', path: `${FIDESOPS}/my_mailgun/secret`, body: { mailgun_api_key: MAILGUN_API_KEY_2 }, wrongScope: 'email:delete' },
    ];

    beforeEach(async () => {
      await create(MAILGUN_BODY);
      await putSecrets('my_mailgun', { mailgun_api_key: MAILGUN_API_KEY });
    });

    it.each(routes)('$method $path: 401 without a token, changing nothing', async ({ method, path, body }) => {
      const res = await unchanged(() => api(method, path, body, null));
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NOT_AUTHENTICATED);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it.each(routes)('$method $path: 403 with a token holding only $wrongScope, changing nothing', async ({ method, path, body, wrongScope }) => {
      const res = await unchanged(() => api(method, path, body, tokens[wrongScope]));
      expect(res.status).toBe(403);
      expect(res.body).toEqual(NOT_AUTHORIZED);
    });

    it('the messaging:* scopes do not open the fidesops routes, nor email:* the Fides ones', async () => {
      for (const [method, path, body] of [
        ['get', FIDESOPS],
        ['post', FIDESOPS, { name: 'x', service_type: 'mailgun', details: { domain: 'd' } }],
        ['delete', `${FIDESOPS}/my_mailgun`],
      ] as [Method, string, object?][]) {
        const res = await unchanged(() => api(method, path, body, tokens.allMessaging));
        expect(res.status).toBe(403);
        expect(res.body).toEqual(NOT_AUTHORIZED);
      }
      const fides = await unchanged(() => api('delete', `${FIDES}/my_mailgun`, undefined, tokens['email:delete']));
      expect(fides.status).toBe(403);
    });

    it('each scope opens exactly its routes', async () => {
      expect((await api('get', FIDES, undefined, tokens['messaging:read'])).status).toBe(200);
      expect((await api('get', `${FIDES}/my_mailgun`, undefined, tokens['messaging:read'])).status).toBe(200);
      expect((await api('put', `${FIDES}/my_mailgun/secret`, { mailgun_api_key: MAILGUN_API_KEY_2 }, tokens['messaging:create_or_update'])).status).toBe(200);
      expect((await api('get', FIDESOPS, undefined, tokens['email:read'])).status).toBe(200);
      expect((await api('patch', `${FIDESOPS}/my_mailgun`, { ...MAILGUN_BODY, name: 'Via email' }, tokens['email:create_or_update'])).status).toBe(200);
      expect((await row('my_mailgun'))?.name).toBe('Via email');
      expect((await api('delete', `${FIDES}/my_mailgun`, undefined, tokens['messaging:delete'])).status).toBe(204);
      expect(await row('my_mailgun')).toBeUndefined();
    });
  });

  describe('POST /messaging/config', () => {
    it('creates a Mailgun config with Fides defaults filled, and stores it', async () => {
      const res = await create(MAILGUN_BODY);
      expectConfig(res.body, MAILGUN_RESPONSE);
      const stored = await row('my_mailgun');
      expect(stored).toMatchObject({ key: 'my_mailgun', name: 'My Mailgun', service_type: 'MAILGUN', details: MAILGUN_RESPONSE.details });
      expect((await state()).secrets).toEqual([]);
    });

    it('creates TWILIO_TEXT without details and TWILIO_EMAIL with its sender', async () => {
      expectConfig((await create(TEXT_BODY)).body, TEXT_RESPONSE);
      expectConfig((await create(EMAIL_BODY)).body, EMAIL_RESPONSE);
      expect(await row('my_twilio_sms')).toMatchObject({ service_type: 'TWILIO_TEXT', details: null });
      expect(await row('my_sendgrid')).toMatchObject({ service_type: 'TWILIO_EMAIL', details: { twilio_email_from: 'privacy@example.com' } });
    });

    it('keeps given Mailgun details', async () => {
      const res = await create({ ...MAILGUN_BODY, details: { domain: 'eu.example.com', is_eu_domain: true, api_version: 'v3' } });
      expectConfig(res.body, { ...MAILGUN_RESPONSE, details: { domain: 'eu.example.com', is_eu_domain: true, api_version: 'v3' } });
    });

    it.each(['mailgun', 'Mailgun', 'MAILGUN', ' mailgun '])('reads the service type %j in any case', async (serviceType) => {
      const res = await create({ ...MAILGUN_BODY, service_type: serviceType });
      expect(res.body.service_type).toBe('MAILGUN');
      expect((await row('my_mailgun'))?.service_type).toBe('MAILGUN');
    });

    it.each(['twilio_sms', 'TWILIO_SMS', 'Twilio_Sms'])('accepts %j as an alias of TWILIO_TEXT, stored and returned as TWILIO_TEXT (D4)', async (alias) => {
      const res = await create({ ...TEXT_BODY, service_type: alias });
      expectConfig(res.body, TEXT_RESPONSE);
      expect((await row('my_twilio_sms'))?.service_type).toBe('TWILIO_TEXT');
      const read = await api('get', `${FIDES}/my_twilio_sms`);
      expectConfig(read.body, TEXT_RESPONSE);
    });

    it('makes the key from the name when none (or null) is given', async () => {
      const res = await create({ name: 'mailgun', service_type: 'mailgun', details: { domain: 'my.mailgun.domain' } });
      expectConfig(res.body, {
        name: 'mailgun',
        key: 'mailgun',
        service_type: 'MAILGUN',
        details: { domain: 'my.mailgun.domain', is_eu_domain: false, api_version: 'v3' },
      });
      const generated = await create({ name: 'My Twilio-Config!', key: null, service_type: 'twilio_text' });
      expectConfig(generated.body, { name: 'My Twilio-Config!', key: 'my_twilio_config', service_type: 'TWILIO_TEXT', details: null });
      expect(await row('my_twilio_config')).toMatchObject({ name: 'My Twilio-Config!' });
    });

    it('accepts a key with a dot, and the config stays usable (D3)', async () => {
      await create({ ...TEXT_BODY, key: 'sms.v1' });
      expect((await api('patch', `${FIDES}/sms.v1`, { ...TEXT_BODY, key: 'sms.v1', name: 'Renamed' })).status).toBe(200);
      await putSecrets('sms.v1', {
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_messaging_service_sid: TWILIO_SERVICE_SID,
      });
      expect(await row('sms.v1')).toMatchObject({ name: 'Renamed' });
      expect(await storedSecrets('sms.v1')).toMatchObject({ twilio_account_sid: TWILIO_ACCOUNT_SID });
    });

    it('is an upsert by key: an existing body key updates that config', async () => {
      await create(MAILGUN_BODY);
      const before = await row('my_mailgun');
      const res = await create({ ...MAILGUN_BODY, name: 'Renamed Mailgun', details: { domain: 'other.example.com', is_eu_domain: true } });
      expectConfig(res.body, { ...MAILGUN_RESPONSE, name: 'Renamed Mailgun', details: { domain: 'other.example.com', is_eu_domain: true, api_version: 'v3' } });
      const configs = (await state()).configs;
      expect(configs).toHaveLength(1);
      expect(configs[0]).toMatchObject({
        id: before?.id,
        name: 'Renamed Mailgun',
        details: { domain: 'other.example.com', is_eu_domain: true, api_version: 'v3' },
      });
    });

    describe('422', () => {
      const cases: [string, object, object[]][] = [
        ['an invalid key', { ...MAILGUN_BODY, key: '*invalid-key' }, [{ loc: ['body', 'key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }]],
        ['an empty key', { ...MAILGUN_BODY, key: '' }, [{ loc: ['body', 'key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }]],
        [
          'an unsupported service type',
          { ...MAILGUN_BODY, service_type: 'twilio' },
          [{ loc: ['body', 'service_type'], msg: FIDES_ENUM_MESSAGE, type: 'type_error.enum' }],
        ],
        ['no service type', { name: 'x' }, [{ loc: ['body', 'service_type'], msg: 'field required', type: 'value_error.missing' }]],
        ['no name', { key: 'x', service_type: 'twilio_text' }, [{ loc: ['body', 'name'], msg: 'field required', type: 'value_error.missing' }]],
        ['an extra field', { ...TEXT_BODY, secrets: { x: 1 } }, [{ loc: ['body', 'secrets'], msg: 'extra fields not permitted', type: 'value_error.extra' }]],
        [
          'Mailgun without details',
          { name: 'mailgun', service_type: 'mailgun' },
          [{ loc: ['body', '__root__'], msg: 'Mailgun messaging config must include details', type: 'value_error' }],
        ],
        [
          'Mailgun with null details',
          { name: 'mailgun', service_type: 'MAILGUN', details: null },
          [{ loc: ['body', '__root__'], msg: 'Mailgun messaging config must include details', type: 'value_error' }],
        ],
        [
          'Mailgun with empty details',
          { name: 'mailgun', service_type: 'Mailgun', details: {} },
          [{ loc: ['body', '__root__'], msg: 'Mailgun messaging config must include details', type: 'value_error' }],
        ],
        [
          'Mailgun details that are not Mailgun details',
          { ...MAILGUN_BODY, details: { invalid: 'invalid' } },
          [
            { loc: ['body', 'details', 'domain'], msg: 'field required', type: 'value_error.missing' },
            { loc: ['body', 'details', 'invalid'], msg: 'extra fields not permitted', type: 'value_error.extra' },
          ],
        ],
        [
          'Mailgun details of the wrong type',
          { ...MAILGUN_BODY, details: { domain: 'd', is_eu_domain: 'sometimes' } },
          [{ loc: ['body', 'details', 'is_eu_domain'], msg: 'value could not be parsed to a boolean', type: 'type_error.bool' }],
        ],
        [
          'TWILIO_EMAIL without details (D5)',
          { name: 'sendgrid', service_type: 'twilio_email' },
          [{ loc: ['body', '__root__'], msg: 'Messaging config must include details', type: 'value_error' }],
        ],
        [
          'TWILIO_EMAIL with a sender that is not an email address (D5)',
          { ...EMAIL_BODY, details: { twilio_email_from: 'not-an-email' } },
          [{ loc: ['body', 'details', 'twilio_email_from'], msg: 'value is not a valid email address', type: 'value_error.email' }],
        ],
        [
          'TWILIO_EMAIL with Mailgun details',
          { ...EMAIL_BODY, details: { domain: 'mg.example.com' } },
          [
            { loc: ['body', 'details', 'twilio_email_from'], msg: 'field required', type: 'value_error.missing' },
            { loc: ['body', 'details', 'domain'], msg: 'extra fields not permitted', type: 'value_error.extra' },
          ],
        ],
        [
          'TWILIO_TEXT with details',
          { ...TEXT_BODY, details: { domain: 'mg.example.com' } },
          [{ loc: ['body', 'details', 'domain'], msg: 'extra fields not permitted', type: 'value_error.extra' }],
        ],
        [
          'a name that yields no key (D3)',
          { name: '!!!', service_type: 'twilio_text' },
          [{ loc: ['body', 'name'], msg: "A key cannot be made from the name '!!!': give a key", type: 'value_error' }],
        ],
      ];

      it.each(cases)('%s, storing nothing', async (_, body, detail) => {
        await create(EMAIL_BODY);
        const res = await unchanged(() => api('post', FIDES, body));
        expect(res.status).toBe(422);
        expect(res.body).toEqual({ detail });
      });

      it('answers a body that is not an object', async () => {
        const res = await unchanged(() => api('post', FIDES, [MAILGUN_BODY]));
        expect(res.status).toBe(422);
        expect(res.body).toEqual({ detail: [{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }] });
      });
    });

    describe('409 (D1)', () => {
      beforeEach(async () => {
        await create(MAILGUN_BODY);
        await putSecrets('my_mailgun', { mailgun_api_key: MAILGUN_API_KEY });
        await create(TEXT_BODY);
      });

      it('for a second config of a service type', async () => {
        const res = await unchanged(() => api('post', FIDES, { ...MAILGUN_BODY, name: 'Second Mailgun', key: 'second_mailgun' }));
        expect(res.status).toBe(409);
        expect(res.body.detail).toContain('Key (service_type)=(MAILGUN) already exists');
        expect(res.body).toEqual({ detail: 'Key (service_type)=(MAILGUN) already exists: only one config per service type (see config my_mailgun).' });
      });

      it('for a second config of a service type given through the alias', async () => {
        const res = await unchanged(() => api('post', FIDES, { name: 'Other SMS', key: 'other_sms', service_type: 'twilio_sms' }));
        expect(res.status).toBe(409);
        expect(res.body).toEqual({ detail: 'Key (service_type)=(TWILIO_TEXT) already exists: only one config per service type (see config my_twilio_sms).' });
      });

      it('for a name already taken', async () => {
        const res = await unchanged(() => api('post', FIDES, { ...EMAIL_BODY, name: 'My Mailgun' }));
        expect(res.status).toBe(409);
        expect(res.body).toEqual({ detail: 'Name My Mailgun already exists in MessagingConfig.' });
      });

      it('for a generated key already taken', async () => {
        const res = await unchanged(() =>
          api('post', FIDES, { name: 'My-Mailgun', service_type: 'twilio_email', details: { twilio_email_from: 'a@example.com' } }),
        );
        expect(res.status).toBe(409);
        expect(res.body).toEqual({
          detail:
            'Key my_mailgun already exists in MessagingConfig. Keys will be snake-cased names if not provided. ' +
            'If you are seeing this error without providing a key, please provide a key or a different name.',
        });
      });

      it('for concurrent creates of one service type: one wins, the other gets the same text', async () => {
        for (let round = 0; round < 8; round++) {
          await t.db.query('DELETE FROM messaging_config');
          const [a, b] = await Promise.all([
            api('post', FIDES, { ...EMAIL_BODY, name: `A${round}`, key: `a${round}` }),
            api('post', FIDES, { ...EMAIL_BODY, name: `B${round}`, key: `b${round}` }),
          ]);
          expect([a.status, b.status].sort()).toEqual([200, 409]);
          const loser = a.status === 409 ? a : b;
          expect(loser.body.detail).toContain('Key (service_type)=(TWILIO_EMAIL) already exists');
          expect((await state()).configs).toHaveLength(1);
        }
      });

      it('when an upsert by key would take the name or the service type of another config', async () => {
        const name = await unchanged(() => api('post', FIDES, { ...MAILGUN_BODY, name: 'My Twilio SMS' }));
        expect(name.status).toBe(409);
        expect(name.body).toEqual({ detail: 'Name My Twilio SMS already exists in MessagingConfig.' });
        const type = await unchanged(() => api('post', FIDES, { ...TEXT_BODY, key: 'my_mailgun', name: 'My Mailgun' }));
        expect(type.status).toBe(409);
        expect(type.body).toEqual({ detail: 'Key (service_type)=(TWILIO_TEXT) already exists: only one config per service type (see config my_twilio_sms).' });
      });
    });
  });

  describe('GET /messaging/config', () => {
    beforeEach(async () => {
      await create(MAILGUN_BODY);
      await create(TEXT_BODY);
      await create(EMAIL_BODY);
    });

    it('lists newest first, as a page with Fides defaults', async () => {
      const res = await api('get', FIDES);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [EMAIL_RESPONSE, TEXT_RESPONSE, MAILGUN_RESPONSE], total: 3, page: 1, size: 50 });
      expect(Object.keys(res.body)).toEqual(['items', 'total', 'page', 'size']);
      for (const item of res.body.items) expect(Object.keys(item)).toEqual(['name', 'key', 'service_type', 'details']);
    });

    it('pages', async () => {
      expect((await api('get', `${FIDES}?size=1&page=2`)).body).toEqual({ items: [TEXT_RESPONSE], total: 3, page: 2, size: 1 });
      expect((await api('get', `${FIDES}?size=2&page=2`)).body).toEqual({ items: [MAILGUN_RESPONSE], total: 3, page: 2, size: 2 });
      expect((await api('get', `${FIDES}?size=100&page=5`)).body).toEqual({ items: [], total: 3, page: 5, size: 100 });
      expect((await api('get', `${FIDES}/?size=1`)).body).toEqual({ items: [EMAIL_RESPONSE], total: 3, page: 1, size: 1 });
    });

    it.each([
      ['page=0', { loc: ['query', 'page'], msg: 'ensure this value is greater than or equal to 1', type: 'value_error.number.not_ge' }],
      ['size=0', { loc: ['query', 'size'], msg: 'ensure this value is greater than or equal to 1', type: 'value_error.number.not_ge' }],
      ['size=101', { loc: ['query', 'size'], msg: 'ensure this value is less than or equal to 100', type: 'value_error.number.not_le' }],
      ['size=ten', { loc: ['query', 'size'], msg: 'value is not a valid integer', type: 'type_error.integer' }],
    ])('refuses %s with 422', async (query, issue) => {
      for (const base of [FIDES, FIDESOPS]) {
        const res = await api('get', `${base}?${query}`);
        expect(res.status).toBe(422);
        expect(res.body).toEqual({ detail: [issue] });
      }
    });

    it('lists an empty table', async () => {
      await t.db.query('DELETE FROM messaging_config');
      expect((await api('get', FIDES)).body).toEqual({ items: [], total: 0, page: 1, size: 50 });
    });
  });

  describe('GET /messaging/config/{key}', () => {
    it('answers the config, and 404 for an unknown key', async () => {
      await create(MAILGUN_BODY);
      await create(EMAIL_BODY);
      expectConfig((await api('get', `${FIDES}/my_mailgun`)).body, MAILGUN_RESPONSE);
      expectConfig((await api('get', `${FIDES}/my_sendgrid/`)).body, EMAIL_RESPONSE);
      const missing = await api('get', `${FIDES}/x`);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ detail: 'No messaging config found with key x' });
    });

    it('answers 422 for a path key that is not a FidesKey', async () => {
      const res = await api('get', `${FIDES}/*invalid-key`);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ detail: [{ loc: ['path', 'config_key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }] });
    });
  });

  describe('PATCH /messaging/config/{key} (D2)', () => {
    beforeEach(async () => {
      await create(MAILGUN_BODY);
      await putSecrets('my_mailgun', { mailgun_api_key: MAILGUN_API_KEY });
      await create(TEXT_BODY);
    });

    it('updates the config named by the path (body key omitted), defaults filled', async () => {
      const before = await row('my_mailgun');
      const res = await api('patch', `${FIDES}/my_mailgun`, { name: 'mailgun new name', service_type: 'MAILGUN', details: { domain: 'new.example.com' } });
      expect(res.status).toBe(200);
      expectConfig(res.body, {
        name: 'mailgun new name',
        key: 'my_mailgun',
        service_type: 'MAILGUN',
        details: { domain: 'new.example.com', is_eu_domain: false, api_version: 'v3' },
      });
      expect(await row('my_mailgun')).toEqual({
        ...before,
        name: 'mailgun new name',
        details: { domain: 'new.example.com', is_eu_domain: false, api_version: 'v3' },
      });
      expect((await state()).configs).toHaveLength(2);
      expect(await storedSecrets('my_mailgun')).toEqual({ mailgun_api_key: MAILGUN_API_KEY });
    });

    it('renames the config when the body gives another key; its secrets follow', async () => {
      const before = await row('my_mailgun');
      const res = await api('patch', `${FIDES}/my_mailgun`, { ...MAILGUN_BODY, key: 'renamed_mailgun' });
      expect(res.status).toBe(200);
      expectConfig(res.body, { ...MAILGUN_RESPONSE, key: 'renamed_mailgun' });
      expect(await row('my_mailgun')).toBeUndefined();
      expect(await row('renamed_mailgun')).toMatchObject({ id: before?.id });
      expect((await state()).configs).toHaveLength(2);
      expect((await api('get', `${FIDES}/my_mailgun`)).status).toBe(404);
      expectConfig((await api('get', `${FIDES}/renamed_mailgun`)).body, { ...MAILGUN_RESPONSE, key: 'renamed_mailgun' });
      expect(await storedSecrets('renamed_mailgun')).toEqual({ mailgun_api_key: MAILGUN_API_KEY });
    });

    it('answers 409 when renaming onto a taken key, changing nothing', async () => {
      const res = await unchanged(() => api('patch', `${FIDES}/my_mailgun`, { ...MAILGUN_BODY, key: 'my_twilio_sms' }));
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ detail: 'Key my_twilio_sms already exists in MessagingConfig.' });
    });

    it('answers 409 when taking the name or service type of another config, changing nothing', async () => {
      const name = await unchanged(() => api('patch', `${FIDES}/my_mailgun`, { ...MAILGUN_BODY, name: 'My Twilio SMS' }));
      expect(name.status).toBe(409);
      expect(name.body).toEqual({ detail: 'Name My Twilio SMS already exists in MessagingConfig.' });
      const type = await unchanged(() => api('patch', `${FIDES}/my_mailgun`, { ...TEXT_BODY, key: 'my_mailgun', name: 'My Mailgun' }));
      expect(type.status).toBe(409);
      expect(type.body).toEqual({ detail: 'Key (service_type)=(TWILIO_TEXT) already exists: only one config per service type (see config my_twilio_sms).' });
    });

    it('answers 404 for an unknown path key, creating nothing even when the body names a free key', async () => {
      for (const body of [{ ...TEXT_BODY, key: 'x', name: 'x', service_type: 'twilio_email', details: { twilio_email_from: 'a@example.com' } }, MAILGUN_BODY]) {
        const res = await unchanged(() => api('patch', `${FIDES}/x`, body));
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ detail: 'No messaging config found with key x' });
      }
    });

    it.each([
      ['an invalid body key', { ...MAILGUN_BODY, key: '*invalid-key' }, [{ loc: ['body', 'key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }]],
      [
        'no details for Mailgun',
        { name: 'My Mailgun', service_type: 'mailgun' },
        [{ loc: ['body', '__root__'], msg: 'Mailgun messaging config must include details', type: 'value_error' }],
      ],
      [
        'an unsupported service type',
        { ...MAILGUN_BODY, service_type: 'twilio' },
        [{ loc: ['body', 'service_type'], msg: FIDES_ENUM_MESSAGE, type: 'type_error.enum' }],
      ],
      [
        'no name (not a partial update)',
        { service_type: 'mailgun', details: { domain: 'd' } },
        [{ loc: ['body', 'name'], msg: 'field required', type: 'value_error.missing' }],
      ],
    ])('answers 422 for %s, changing nothing', async (_, body, detail) => {
      const res = await unchanged(() => api('patch', `${FIDES}/my_mailgun`, body));
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ detail });
    });

    it('answers 422 for a path key that is not a FidesKey', async () => {
      const res = await unchanged(() => api('patch', `${FIDES}/*invalid-key`, MAILGUN_BODY));
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ detail: [{ loc: ['path', 'config_key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }] });
    });
  });

  describe('DELETE /messaging/config/{key}', () => {
    it('answers 204 with no body; the config and its secrets are gone', async () => {
      await create(MAILGUN_BODY);
      await putSecrets('my_mailgun', { mailgun_api_key: MAILGUN_API_KEY });
      await create(TEXT_BODY);
      await putSecrets('my_twilio_sms', {
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_sender_phone_number: '+15558675309',
      });
      const id = (await row('my_mailgun'))?.id as string;
      expect(await secretRow(id)).toBeDefined();

      const res = await api('delete', `${FIDES}/my_mailgun`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(await row('my_mailgun')).toBeUndefined();
      expect(await secretRow(id)).toBeUndefined();
      // The other config and its secrets are untouched.
      const rest = await state();
      expect(rest.configs.map((c) => c.key)).toEqual(['my_twilio_sms']);
      expect(rest.secrets.map((s) => s.owner_id)).toEqual([rest.configs[0].id]);
      expect((await api('get', `${FIDES}/my_mailgun`)).status).toBe(404);
    });

    it('answers 404 for an unknown key, and 422 for an invalid one, changing nothing', async () => {
      await create(MAILGUN_BODY);
      const missing = await unchanged(() => api('delete', `${FIDES}/x`));
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ detail: 'No messaging config found with key x' });
      const invalidKey = await unchanged(() => api('delete', `${FIDES}/*invalid-key`));
      expect(invalidKey.status).toBe(422);
      expect(invalidKey.body).toEqual({ detail: [{ loc: ['path', 'config_key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }] });
    });
  });

  describe('PUT /messaging/config/{key}/secret', () => {
    beforeEach(async () => {
      await create(MAILGUN_BODY);
      await create(TEXT_BODY);
      await create(EMAIL_BODY);
    });

    it("stores Mailgun secrets encrypted, answering Fides' status message", async () => {
      const res = await putSecrets('my_mailgun', { mailgun_api_key: MAILGUN_API_KEY });
      expect(res.body).toEqual({ msg: 'Secrets updated for MessagingConfig with key: my_mailgun.', test_status: null, failure_reason: null });
      const config = await row('my_mailgun');
      const secret = await secretRow(config?.id as string);
      expect(secret?.envelope).toMatch(/^v2\.[0-9a-f]{8}\./);
      expect(secret?.envelope).not.toContain(MAILGUN_API_KEY);
      expect(secret?.envelope).not.toContain(Buffer.from(MAILGUN_API_KEY).toString('base64'));
      expect(await storedSecrets('my_mailgun')).toEqual({ mailgun_api_key: MAILGUN_API_KEY });
    });

    it('stores the optional Twilio keys as null', async () => {
      await putSecrets('my_twilio_sms', {
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_sender_phone_number: '+15558675309',
      });
      expect(await storedSecrets('my_twilio_sms')).toEqual({
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_messaging_service_sid: null,
        twilio_sender_phone_number: '+15558675309',
      });
      await putSecrets('my_sendgrid', { twilio_api_key: TWILIO_API_KEY });
      expect(await storedSecrets('my_sendgrid')).toEqual({ twilio_api_key: TWILIO_API_KEY });
    });

    it('replaces the previous secrets entirely, in the same row', async () => {
      await putSecrets('my_twilio_sms', {
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_sender_phone_number: '+15558675309',
      });
      await putSecrets('my_twilio_sms', {
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_messaging_service_sid: TWILIO_SERVICE_SID,
      });
      expect(await storedSecrets('my_twilio_sms')).toEqual({
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_messaging_service_sid: TWILIO_SERVICE_SID,
        twilio_sender_phone_number: null,
      });
      expect((await state()).secrets).toHaveLength(1);
    });

    it.each([
      ['my_mailgun', { bad_key: 'x' }, ["field required ('mailgun_api_key',)", "extra fields not permitted ('bad_key',)"]],
      ['my_mailgun', { mailgun_api_key: 42 }, ["str type expected ('mailgun_api_key',)"]],
      ['my_mailgun', [{ mailgun_api_key: MAILGUN_API_KEY_2 }], ["value is not a valid dict ('__root__',)"]],
      ['my_mailgun', { twilio_api_key: MAILGUN_API_KEY_2 }, ["field required ('mailgun_api_key',)", "extra fields not permitted ('twilio_api_key',)"]],
      ['my_twilio_sms', { twilio_account_sid: TWILIO_ACCOUNT_SID, twilio_auth_token: TWILIO_AUTH_TOKEN }, [TWILIO_SENDER_REQUIRED]],
      [
        'my_twilio_sms',
        { twilio_account_sid: TWILIO_ACCOUNT_SID, twilio_auth_token: TWILIO_AUTH_TOKEN, twilio_messaging_service_sid: '', twilio_sender_phone_number: null },
        [TWILIO_SENDER_REQUIRED],
      ],
      [
        'my_twilio_sms',
        { twilio_account_sid: TWILIO_ACCOUNT_SID, twilio_auth_token: TWILIO_AUTH_TOKEN, twilio_sender_phone_number: '5558675309' },
        [TWILIO_PHONE_FORMAT],
      ],
      [
        'my_twilio_sms',
        { twilio_account_sid: TWILIO_ACCOUNT_SID, twilio_messaging_service_sid: TWILIO_SERVICE_SID, extra: 'x' },
        ["field required ('twilio_auth_token',)", "extra fields not permitted ('extra',)"],
      ],
      ['my_sendgrid', { mailgun_api_key: MAILGUN_API_KEY_2 }, ["field required ('twilio_api_key',)", "extra fields not permitted ('mailgun_api_key',)"]],
    ])("answers 400 with Fides' list for %s %j, leaving the previous secrets untouched", async (key, body, detail) => {
      await putSecrets('my_mailgun', { mailgun_api_key: MAILGUN_API_KEY });
      await putSecrets('my_twilio_sms', {
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_messaging_service_sid: TWILIO_SERVICE_SID,
      });
      await putSecrets('my_sendgrid', { twilio_api_key: TWILIO_API_KEY });
      const previous = await storedSecrets(key);
      const res = await unchanged(() => api('put', `${FIDES}/${key}/secret`, body));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail });
      expect(await storedSecrets(key)).toEqual(previous);
    });

    it('answers 400 for invalid secrets of a config that has none, storing nothing', async () => {
      const res = await unchanged(() => api('put', `${FIDES}/my_mailgun/secret`, { bad_key: 'x' }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: ["field required ('mailgun_api_key',)", "extra fields not permitted ('bad_key',)"] });
      expect((await state()).secrets).toEqual([]);
    });

    it('answers 404 with its own text for an unknown key, and 422 for an invalid one', async () => {
      const missing = await unchanged(() => api('put', `${FIDES}/x/secret`, { mailgun_api_key: MAILGUN_API_KEY }));
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ detail: 'No messaging configuration with key x.' });
      const invalidKey = await unchanged(() => api('put', `${FIDES}/*invalid-key/secret`, { mailgun_api_key: MAILGUN_API_KEY }));
      expect(invalidKey.status).toBe(422);
      expect(invalidKey.body).toEqual({ detail: [{ loc: ['path', 'config_key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }] });
    });

    it('seals secrets so that only the app key and the owning config open them', async () => {
      await putSecrets('my_mailgun', { mailgun_api_key: MAILGUN_API_KEY });
      await putSecrets('my_sendgrid', { twilio_api_key: TWILIO_API_KEY });
      const mailgun = await row('my_mailgun');
      const sendgrid = await row('my_sendgrid');
      const envelope = (await secretRow(mailgun?.id as string))?.envelope as string;
      expect(JSON.parse(new KeyRing(ENCRYPTION_KEY).open(envelope, `messaging_config:${mailgun?.id}`))).toEqual({ mailgun_api_key: MAILGUN_API_KEY });
      expect(() => new KeyRing('another-key-of-32-bytes-exactly!').open(envelope, `messaging_config:${mailgun?.id}`)).toThrow();
      expect(() => new KeyRing(ENCRYPTION_KEY).open(envelope, `messaging_config:${sendgrid?.id}`)).toThrow();

      // An envelope copied onto another config does not open as that config's secrets.
      await t.db.query("UPDATE secret SET envelope = $1 WHERE owner_kind = 'messaging_config' AND owner_id = $2", [envelope, sendgrid?.id]);
      await expect(storedSecrets('my_sendgrid')).rejects.toThrow();
    });
  });

  describe('GET /id-verification/config', () => {
    it('needs no token; without a notification service type no config is valid', async () => {
      await create(MAILGUN_BODY);
      await putSecrets('my_mailgun', { mailgun_api_key: MAILGUN_API_KEY });
      const res = await api('get', '/api/v1/id-verification/config', undefined, null);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ identity_verification_required: false, valid_email_config_exists: false });
    });

    describe('with FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE=mailgun', () => {
      let v: TestApp;
      beforeAll(async () => {
        v = await createTestApp({
          FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
          FIDES__EXECUTION__SUBJECT_IDENTITY_VERIFICATION_REQUIRED: 'true',
        });
      });
      afterAll(() => v.close());

      async function check(): Promise<unknown> {
        const res = await v.http().get('/api/v1/id-verification/config');
        expect(res.status).toBe(200);
        expect(Object.keys(res.body)).toEqual(['identity_verification_required', 'valid_email_config_exists']);
        return res.body;
      }

      it('is true only while the Mailgun config exists and has secrets', async () => {
        const root = bearer(await v.rootToken());
        expect(await check()).toEqual({ identity_verification_required: true, valid_email_config_exists: false });

        // Configs of other service types, even with secrets, do not count.
        expect((await v.http().post(FIDES).set(root).send(TEXT_BODY)).status).toBe(200);
        const sms = { twilio_account_sid: TWILIO_ACCOUNT_SID, twilio_auth_token: TWILIO_AUTH_TOKEN, twilio_sender_phone_number: '+15558675309' };
        expect((await v.http().put(`${FIDES}/my_twilio_sms/secret`).set(root).send(sms)).status).toBe(200);
        expect(await check()).toEqual({ identity_verification_required: true, valid_email_config_exists: false });

        expect((await v.http().post(FIDES).set(root).send(MAILGUN_BODY)).status).toBe(200);
        expect(await check()).toEqual({ identity_verification_required: true, valid_email_config_exists: false });

        // Rejected secrets do not make it valid.
        expect((await v.http().put(`${FIDES}/my_mailgun/secret`).set(root).send({ bad_key: 'x' })).status).toBe(400);
        expect(await check()).toEqual({ identity_verification_required: true, valid_email_config_exists: false });

        expect((await v.http().put(`${FIDES}/my_mailgun/secret`).set(root).send({ mailgun_api_key: MAILGUN_API_KEY })).status).toBe(200);
        expect(await check()).toEqual({ identity_verification_required: true, valid_email_config_exists: true });

        expect((await v.http().delete(`${FIDES}/my_mailgun`).set(root)).status).toBe(204);
        expect(await check()).toEqual({ identity_verification_required: true, valid_email_config_exists: false });
      });
    });
  });

  describe('fidesops /email/config', () => {
    const EMAIL_CONFIG = { name: 'mailgun', service_type: 'mailgun', details: { domain: 'my.mailgun.domain' } };
    const EMAIL_CONFIG_RESPONSE = {
      name: 'mailgun',
      key: 'mailgun',
      service_type: 'mailgun',
      details: { domain: 'my.mailgun.domain', is_eu_domain: false, api_version: 'v3' },
    };

    async function createEmail(body: object = EMAIL_CONFIG): Promise<Response> {
      const res = await api('post', FIDESOPS, body);
      expect(res.status).toBe(200);
      return res;
    }

    it('creates the Mailgun config, answered in lower case and stored as MAILGUN', async () => {
      const res = await createEmail();
      expectConfig(res.body, EMAIL_CONFIG_RESPONSE);
      expect(await row('mailgun')).toMatchObject({ name: 'mailgun', service_type: 'MAILGUN', details: EMAIL_CONFIG_RESPONSE.details });
      // The same config, seen through the Fides routes.
      expectConfig((await api('get', `${FIDES}/mailgun`)).body, { ...EMAIL_CONFIG_RESPONSE, service_type: 'MAILGUN' });
    });

    it('answers 400 for a second config, changing nothing', async () => {
      await createEmail();
      const res = await unchanged(() => api('post', FIDESOPS, { ...EMAIL_CONFIG, name: 'another', key: 'another' }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: 'Only one email config is supported at a time. Config with key another is already configured.' });
      const again = await unchanged(() => api('post', FIDESOPS, { ...EMAIL_CONFIG, key: 'mailgun', name: 'changed' }));
      expect(again.status).toBe(400);
      expect(again.body).toEqual({ detail: 'Only one email config is supported at a time. Config with key mailgun is already configured.' });
      const noKey = await unchanged(() => api('post', FIDESOPS, { ...EMAIL_CONFIG, name: 'third' }));
      expect(noKey.body).toEqual({ detail: 'Only one email config is supported at a time. Config with key None is already configured.' });
    });

    it('counts a Mailgun config made through the Fides routes as the email config', async () => {
      await create(MAILGUN_BODY);
      const res = await unchanged(() => api('post', FIDESOPS, EMAIL_CONFIG));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: 'Only one email config is supported at a time. Config with key None is already configured.' });
    });

    it('does not take over the key of a config of another service type', async () => {
      await create(TEXT_BODY);
      await putSecrets('my_twilio_sms', {
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_sender_phone_number: '+15558675309',
      });
      const res = await unchanged(() => api('post', FIDESOPS, { ...EMAIL_CONFIG, key: 'my_twilio_sms' }));
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        detail:
          'Key my_twilio_sms already exists in MessagingConfig. Keys will be snake-cased names if not provided. ' +
          'If you are seeing this error without providing a key, please provide a key or a different name.',
      });
    });

    it.each([
      [
        'MAILGUN in upper case',
        { ...EMAIL_CONFIG, service_type: 'MAILGUN' },
        [{ loc: ['body', 'service_type'], msg: "value is not a valid enumeration member; permitted: 'mailgun'", type: 'type_error.enum' }],
      ],
      [
        'twilio_text',
        { ...EMAIL_CONFIG, service_type: 'twilio_text' },
        [{ loc: ['body', 'service_type'], msg: "value is not a valid enumeration member; permitted: 'mailgun'", type: 'type_error.enum' }],
      ],
      ['no details', { name: 'mailgun', service_type: 'mailgun' }, [{ loc: ['body', 'details'], msg: 'field required', type: 'value_error.missing' }]],
      ['empty details', { ...EMAIL_CONFIG, details: {} }, [{ loc: ['body', 'details', 'domain'], msg: 'field required', type: 'value_error.missing' }]],
      [
        'invalid details',
        { ...EMAIL_CONFIG, details: { invalid: 'invalid' } },
        [
          { loc: ['body', 'details', 'domain'], msg: 'field required', type: 'value_error.missing' },
          { loc: ['body', 'details', 'invalid'], msg: 'extra fields not permitted', type: 'value_error.extra' },
        ],
      ],
      ['an invalid key', { ...EMAIL_CONFIG, key: '*invalid-key' }, [{ loc: ['body', 'key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }]],
    ])('answers 422 for %s, storing nothing', async (_, body, detail) => {
      const res = await unchanged(() => api('post', FIDESOPS, body));
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ detail });
    });

    it('lists only the Mailgun config, in lower case', async () => {
      await create(TEXT_BODY);
      await createEmail();
      await create(EMAIL_BODY);
      const res = await api('get', FIDESOPS);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [EMAIL_CONFIG_RESPONSE], total: 1, page: 1, size: 50 });
      expect((await api('get', `${FIDESOPS}?page=2&size=1`)).body).toEqual({ items: [], total: 1, page: 2, size: 1 });
    });

    it('gets, patches (renaming too) and deletes the Mailgun config', async () => {
      await createEmail();
      expectConfig((await api('get', `${FIDESOPS}/mailgun`)).body, EMAIL_CONFIG_RESPONSE);
      const id = (await row('mailgun'))?.id;

      const patched = await api('patch', `${FIDESOPS}/mailgun`, {
        name: 'mailgun new name',
        service_type: 'mailgun',
        details: { domain: 'new.domain', is_eu_domain: true },
      });
      expect(patched.status).toBe(200);
      expectConfig(patched.body, {
        name: 'mailgun new name',
        key: 'mailgun',
        service_type: 'mailgun',
        details: { domain: 'new.domain', is_eu_domain: true, api_version: 'v3' },
      });
      expect(await row('mailgun')).toMatchObject({ id, name: 'mailgun new name', service_type: 'MAILGUN' });

      const renamed = await api('patch', `${FIDESOPS}/mailgun`, { ...EMAIL_CONFIG, key: 'mailgun_eu' });
      expect(renamed.status).toBe(200);
      expect(renamed.body.key).toBe('mailgun_eu');
      expect(await row('mailgun_eu')).toMatchObject({ id });

      await putSecrets('mailgun_eu', { mailgun_api_key: MAILGUN_API_KEY }, FIDESOPS);
      const deleted = await api('delete', `${FIDESOPS}/mailgun_eu`);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect(await state()).toEqual({ configs: [], secrets: [] });
    });

    it('answers 422 to a PATCH with an invalid body, and 409 renaming onto a taken key, changing nothing', async () => {
      await createEmail();
      await create(TEXT_BODY);
      const upper = await unchanged(() => api('patch', `${FIDESOPS}/mailgun`, { ...EMAIL_CONFIG, service_type: 'MAILGUN' }));
      expect(upper.status).toBe(422);
      expect(upper.body).toEqual({
        detail: [{ loc: ['body', 'service_type'], msg: "value is not a valid enumeration member; permitted: 'mailgun'", type: 'type_error.enum' }],
      });
      const taken = await unchanged(() => api('patch', `${FIDESOPS}/mailgun`, { ...EMAIL_CONFIG, key: 'my_twilio_sms' }));
      expect(taken.status).toBe(409);
      expect(taken.body).toEqual({ detail: 'Key my_twilio_sms already exists in MessagingConfig.' });
    });

    it('sets the Mailgun secrets with its own texts', async () => {
      await createEmail();
      const res = await putSecrets('mailgun', { mailgun_api_key: MAILGUN_API_KEY }, FIDESOPS);
      expect(res.body).toEqual({ msg: 'Secrets updated for EmailConfig with key: mailgun.', test_status: null, failure_reason: null });
      expect(await storedSecrets('mailgun')).toEqual({ mailgun_api_key: MAILGUN_API_KEY });

      const bad = await unchanged(() => api('put', `${FIDESOPS}/mailgun/secret`, { bad_key: MAILGUN_API_KEY_2 }));
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ detail: ["field required ('mailgun_api_key',)", "extra fields not permitted ('bad_key',)"] });
      expect(await storedSecrets('mailgun')).toEqual({ mailgun_api_key: MAILGUN_API_KEY });
    });

    it('answers its own 404 texts for an unknown key, changing nothing', async () => {
      await createEmail();
      for (const [method, path, body] of [
        ['get', `${FIDESOPS}/x`],
        ['patch', `${FIDESOPS}/x`, EMAIL_CONFIG],
        ['delete', `${FIDESOPS}/x`],
      ] as [Method, string, object?][]) {
        const res = await unchanged(() => api(method, path, body));
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ detail: 'No email config found with key x' });
      }
      const secret = await unchanged(() => api('put', `${FIDESOPS}/x/secret`, { mailgun_api_key: MAILGUN_API_KEY }));
      expect(secret.status).toBe(404);
      expect(secret.body).toEqual({ detail: 'No email configuration with key x.' });
    });

    it('does not see configs of other service types (404), and cannot change them', async () => {
      await create(TEXT_BODY);
      await putSecrets('my_twilio_sms', {
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_messaging_service_sid: TWILIO_SERVICE_SID,
      });
      for (const [method, path, body] of [
        ['get', `${FIDESOPS}/my_twilio_sms`],
        ['patch', `${FIDESOPS}/my_twilio_sms`, { ...EMAIL_CONFIG, key: 'my_twilio_sms' }],
        ['delete', `${FIDESOPS}/my_twilio_sms`],
      ] as [Method, string, object?][]) {
        const res = await unchanged(() => api(method, path, body));
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ detail: 'No email config found with key my_twilio_sms' });
      }
      const secret = await unchanged(() => api('put', `${FIDESOPS}/my_twilio_sms/secret`, { mailgun_api_key: MAILGUN_API_KEY }));
      expect(secret.status).toBe(404);
      expect(secret.body).toEqual({ detail: 'No email configuration with key my_twilio_sms.' });
      expect((await api('get', FIDESOPS)).body).toEqual({ items: [], total: 0, page: 1, size: 50 });
    });
  });

  describe('secret values', () => {
    it('appear in no response and no log line', async () => {
      await create(MAILGUN_BODY);
      await create(TEXT_BODY);
      await create(EMAIL_BODY);
      await putSecrets('my_mailgun', { mailgun_api_key: MAILGUN_API_KEY });
      await putSecrets('my_twilio_sms', {
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_messaging_service_sid: TWILIO_SERVICE_SID,
      });
      await putSecrets('my_sendgrid', { twilio_api_key: TWILIO_API_KEY });
      await putSecrets('my_mailgun', { mailgun_api_key: MAILGUN_API_KEY_2 }, FIDESOPS);
      // Rejected secrets, whose values could be echoed in an error.
      expect((await api('put', `${FIDES}/my_mailgun/secret`, { mailgun_api_key: MAILGUN_API_KEY, extra: TWILIO_API_KEY })).status).toBe(400);
      expect(
        (
          await api('put', `${FIDES}/my_twilio_sms/secret`, {
            twilio_account_sid: TWILIO_ACCOUNT_SID,
            twilio_auth_token: 7,
            twilio_sender_phone_number: TWILIO_AUTH_TOKEN,
          })
        ).status,
      ).toBe(400);
      expect((await api('put', `${FIDES}/my_sendgrid/secret`, [TWILIO_API_KEY])).status).toBe(400);
      expect((await api('put', `${FIDES}/unknown/secret`, { mailgun_api_key: MAILGUN_API_KEY })).status).toBe(404);
      // Secrets sent where they do not belong.
      expect((await api('post', FIDES, { ...TEXT_BODY, key: 'x', name: 'x', secrets: { mailgun_api_key: MAILGUN_API_KEY } })).status).toBe(422);
      expect((await api('post', FIDES, { ...MAILGUN_BODY, details: { domain: 'd', api_key: MAILGUN_API_KEY } })).status).toBe(422);
      // Every way of reading configs.
      for (const path of [FIDES, `${FIDES}/my_mailgun`, `${FIDES}/my_twilio_sms`, `${FIDES}/my_sendgrid`, FIDESOPS, `${FIDESOPS}/my_mailgun`]) {
        expect((await api('get', path)).status).toBe(200);
      }
      expect((await api('get', '/api/v1/id-verification/config', undefined, null)).status).toBe(200);
      expect((await api('patch', `${FIDES}/my_mailgun`, MAILGUN_BODY)).status).toBe(200);

      expect(logs.lines.length).toBeGreaterThan(0);
      const everything = [...seen, logs.text()].join('\n');
      for (const secret of ALL_SECRETS) expect(everything).not.toContain(secret);
    });
  });
});
