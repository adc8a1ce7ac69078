import type { Response } from 'supertest';
import { MessagingConfigService } from '../../src/messaging-config/messaging-config.service.js';
import { SecretsService } from '../../src/secrets/secrets.service.js';
import { fieldText, startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { TestApp, bearer, captureLogs, createTestApp, obtainToken } from '../support/test-app.js';

/**
 * The later Fides routes (decision D31, `fides-later.md` §1–§2) over real HTTP: `/messaging/default...` and
 * `POST /messaging/test/{service_type}`, checked against what was stored and what reached the provider fakes.
 */

const MAILGUN_API_KEY = 'mg-default-SECRET-4c1d9e';
const SENDGRID_API_KEY = 'SG.default-SECRET-77aa01';
const TWILIO = { sid: 'AC-default-SECRET-sid-19f2', token: 'twilio-default-SECRET-token-5b0c', service: 'MG-default-SECRET-svc-3e8d' };
const RECIPIENT = 'tester.d31@example.org';
const PHONE = '+15550001234';
const ALL_SECRETS = [MAILGUN_API_KEY, SENDGRID_API_KEY, TWILIO.sid, TWILIO.token, TWILIO.service];

const DEFAULT = '/api/v1/messaging/default';
const MAILGUN_DETAILS = { domain: 'mg.example.com', is_eu_domain: false, api_version: 'v3' };
const NOT_AUTHORIZED = { detail: 'Not Authorized for this action' };
const NOT_AUTHENTICATED = { detail: 'Failed to authenticate' };
const ENUM_MESSAGE =
  "value is not a valid enumeration member; permitted: 'mailgun', 'twilio_text', 'twilio_email', 'mailchimp_transactional', 'smtp', 'aws_ses'";

type Method = 'get' | 'put' | 'post' | 'patch';

describe('the later messaging-config routes (decision D31)', () => {
  const logs = captureLogs();
  const seen: string[] = [];
  let fakes: ProviderFakes;
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    fakes = await startProviderFakes();
    t = await createTestApp({ ...fakes.env, LOG_LEVEL: 'debug', HERALD_PROVIDER_TIMEOUT_MS: '2000' }, logs);
    for (const scope of ['messaging:create_or_update', 'messaging:read']) {
      const res = await t
        .http()
        .post('/api/v1/oauth/client')
        .set(bearer(await t.rootToken()))
        .send([scope]);
      tokens[scope] = await obtainToken(t.http(), res.body.client_id, res.body.client_secret);
    }
  });
  afterAll(async () => {
    // No secret value, and no recipient, in any answer or log line.
    for (const value of [...ALL_SECRETS, RECIPIENT, PHONE]) {
      expect(seen.filter((text) => text.includes(value))).toEqual([]);
      expect(logs.text()).not.toContain(value);
    }
    await t.close();
    await fakes.close();
  });
  beforeEach(async () => {
    fakes.reset();
    await t.db.query('DELETE FROM secret');
    await t.db.query('DELETE FROM messaging_config');
    await t.db.query('DELETE FROM application_config');
  });

  async function api(method: Method, path: string, body?: unknown, token?: string | null): Promise<Response> {
    let req = t.http()[method](path);
    const bearerToken = token === undefined ? await t.rootToken() : token;
    if (bearerToken) req = req.set(bearer(bearerToken));
    const res = body === undefined ? await req : await req.send(body as object);
    seen.push(res.text);
    return res;
  }

  async function rows() {
    return (
      await t.db.query('SELECT key, name, service_type, details, last_test_timestamp, last_test_succeeded, updated_at FROM messaging_config ORDER BY key')
    ).rows as { key: string; name: string; service_type: string; details: unknown; last_test_timestamp: Date | null; last_test_succeeded: boolean | null }[];
  }

  async function secretRows() {
    return (await t.db.query('SELECT owner_id, envelope FROM secret ORDER BY owner_id')).rows;
  }

  /** A request that must be refused, shown to change nothing. */
  async function unchanged(request: () => Promise<Response>): Promise<Response> {
    const before = { configs: await rows(), secrets: await secretRows(), settings: (await t.db.query('SELECT config FROM application_config')).rows };
    const res = await request();
    expect({ configs: await rows(), secrets: await secretRows(), settings: (await t.db.query('SELECT config FROM application_config')).rows }).toEqual(before);
    return res;
  }

  async function storedSecrets(key: string): Promise<unknown> {
    const service = t.app.get(MessagingConfigService);
    return service.getSecrets(await service.get(key));
  }

  async function useServiceType(type: string | null): Promise<void> {
    expect((await api('patch', '/api/v1/config', { notifications: { notification_service_type: type } })).status).toBe(200);
  }

  async function mailgunWithSecrets(): Promise<void> {
    expect((await api('put', DEFAULT, { service_type: 'mailgun', details: { domain: 'mg.example.com' } })).status).toBe(200);
    expect((await api('put', `${DEFAULT}/mailgun/secret`, { mailgun_api_key: MAILGUN_API_KEY })).status).toBe(200);
  }

  /** The later MessagingConfigResponse: exactly these keys, in Fides' order. */
  function expectDefault(body: unknown, expected: object): void {
    expect(body).toEqual({ last_test_timestamp: null, last_test_succeeded: null, ...expected });
    expect(Object.keys(body as object)).toEqual(['service_type', 'details', 'name', 'key', 'last_test_timestamp', 'last_test_succeeded']);
  }

  describe('PUT /messaging/default', () => {
    it("creates the type's config with Fides' default key and name, without making it active", async () => {
      const res = await api('put', DEFAULT, { service_type: 'MAILGUN', details: { domain: 'mg.example.com' } });
      expect(res.status).toBe(200);
      expectDefault(res.body, { service_type: 'mailgun', details: MAILGUN_DETAILS, name: 'Mailgun', key: 'mailgun' });
      expect(await rows()).toEqual([expect.objectContaining({ key: 'mailgun', name: 'Mailgun', service_type: 'MAILGUN', details: MAILGUN_DETAILS })]);

      const text = await api('put', DEFAULT, { service_type: 'twilio_text' });
      expectDefault(text.body, { service_type: 'twilio_text', details: null, name: 'Twilio SMS', key: 'twilio_text' });
      const email = await api('put', DEFAULT, { service_type: 'twilio_email', details: { twilio_email_from: 'privacy@example.com' } });
      expectDefault(email.body, {
        service_type: 'twilio_email',
        details: { twilio_email_from: 'privacy@example.com' },
        name: 'Twilio Email',
        key: 'twilio_email',
      });

      // Never changes the active type (Fides: only POST /messaging/config auto-activates).
      expect((await api('get', '/api/v1/config')).body.notifications.notification_service_type).toBeNull();
      expect((await api('get', `${DEFAULT}/active`)).status).toBe(404);
    });

    it('updates the existing config of the type: key and name kept, details replaced when given and kept when not', async () => {
      const created = await api('post', '/api/v1/messaging/config', {
        name: 'Our Mailgun',
        key: 'our_mailgun',
        service_type: 'mailgun',
        details: { domain: 'mg.example.com' },
      });
      expect(created.status).toBe(200);
      const replaced = await api('put', DEFAULT, { service_type: 'mailgun', details: { domain: 'eu.example.com', is_eu_domain: true } });
      expect(replaced.status).toBe(200);
      expectDefault(replaced.body, {
        service_type: 'mailgun',
        details: { domain: 'eu.example.com', is_eu_domain: true, api_version: 'v3' },
        name: 'Our Mailgun',
        key: 'our_mailgun',
      });
      const kept = await api('put', DEFAULT, { service_type: 'mailgun' });
      expect(kept.body.details).toEqual({ domain: 'eu.example.com', is_eu_domain: true, api_version: 'v3' });
      expect((await rows()).map((r) => [r.key, r.name, r.details])).toEqual([
        ['our_mailgun', 'Our Mailgun', { domain: 'eu.example.com', is_eu_domain: true, api_version: 'v3' }],
      ]);
    });

    it.each([
      ['a key', { service_type: 'mailgun', key: 'x', details: { domain: 'mg.example.com' } }, [['body', 'key']]],
      ['a name', { service_type: 'mailgun', name: 'x', details: { domain: 'mg.example.com' } }, [['body', 'name']]],
      [
        'inline secrets',
        { service_type: 'mailgun', details: { domain: 'mg.example.com' }, secrets: { mailgun_api_key: MAILGUN_API_KEY } },
        [['body', 'secrets']],
      ],
      ['Mailgun without details', { service_type: 'mailgun' }, [['body', '__root__']]],
      ['a Mailgun domain that is no host name', { service_type: 'mailgun', details: { domain: 'https://evil.example/' } }, [['body', 'details', 'domain']]],
      // Decision D31: details are checked for every type (Fides took Mailgun details for an SMS config).
      ['Mailgun details on an SMS config', { service_type: 'twilio_text', details: { domain: 'mg.example.com' } }, [['body', 'details', 'domain']]],
      ['an unknown service type', { service_type: 'pigeon', details: {} }, [['body', 'service_type']]],
      ['no service type', { details: { domain: 'mg.example.com' } }, [['body', 'service_type']]],
    ])('answers 422 for %s, creating nothing', async (_, body, locs) => {
      const res = await unchanged(() => api('put', DEFAULT, body));
      expect(res.status).toBe(422);
      expect(res.body.detail.map((d: { loc: unknown }) => d.loc)).toEqual(locs);
      expect(await rows()).toEqual([]);
    });

    it('answers 401 without a token and 403 without the create scope', async () => {
      const body = { service_type: 'mailgun', details: { domain: 'mg.example.com' } };
      expect((await unchanged(() => api('put', DEFAULT, body, null))).body).toEqual(NOT_AUTHENTICATED);
      const forbidden = await unchanged(() => api('put', DEFAULT, body, tokens['messaging:read']));
      expect([forbidden.status, forbidden.body]).toEqual([403, NOT_AUTHORIZED]);
    });
  });

  describe('GET /messaging/default/{service_type}', () => {
    it('answers the config of the type, the path in any case; 404 in Fides words (a plain value) when there is none', async () => {
      await mailgunWithSecrets();
      for (const segment of ['mailgun', 'MAILGUN', 'MailGun']) {
        const res = await api('get', `${DEFAULT}/${segment}`, undefined, tokens['messaging:read']);
        expect(res.status).toBe(200);
        expectDefault(res.body, { service_type: 'mailgun', details: MAILGUN_DETAILS, name: 'Mailgun', key: 'mailgun' });
      }
      const missing = await api('get', `${DEFAULT}/twilio_email`);
      expect([missing.status, missing.body]).toEqual([404, { detail: "No default messaging config found of type 'twilio_email'" }]);
    });

    it('answers 422 for a segment that is no service type, and 401/403 by scope', async () => {
      const res = await api('get', `${DEFAULT}/pigeon`);
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual([{ loc: ['path', 'service_type'], msg: ENUM_MESSAGE, type: 'type_error.enum' }]);
      expect((await api('get', `${DEFAULT}/mailgun`, undefined, null)).status).toBe(401);
      expect((await api('get', `${DEFAULT}/mailgun`, undefined, tokens['messaging:create_or_update'])).status).toBe(403);
    });
  });

  describe('PUT /messaging/default/{service_type}/secret', () => {
    it("replaces the secrets of the type's config, answering Fides' message with its key", async () => {
      expect((await api('post', '/api/v1/messaging/config', { name: 'SMS', key: 'sms', service_type: 'twilio_text' })).status).toBe(200);
      const res = await api('put', `${DEFAULT}/TWILIO_TEXT/secret`, {
        twilio_account_sid: TWILIO.sid,
        twilio_auth_token: TWILIO.token,
        twilio_messaging_service_sid: TWILIO.service,
      });
      expect([res.status, res.body]).toEqual([200, { msg: 'Secrets updated for MessagingConfig with key: sms.', test_status: null, failure_reason: null }]);
      expect(await storedSecrets('sms')).toEqual({
        twilio_account_sid: TWILIO.sid,
        twilio_auth_token: TWILIO.token,
        twilio_messaging_service_sid: TWILIO.service,
        twilio_sender_phone_number: null,
      });
      const envelope = (await secretRows())[0].envelope as string;
      expect(envelope).not.toContain(TWILIO.token);
    });

    it.each([
      [
        'a missing key and an extra one',
        'mailgun',
        { bad_key: 'x' },
        [
          { loc: ['mailgun_api_key'], msg: 'field required', type: 'value_error.missing' },
          { loc: ['bad_key'], msg: 'extra fields not permitted', type: 'value_error.extra' },
        ],
      ],
      [
        'Twilio without a sender',
        'twilio_text',
        { twilio_account_sid: TWILIO.sid, twilio_auth_token: TWILIO.token },
        [{ loc: [], msg: 'Either the twilio_messaging_service_sid or the twilio_sender_phone_number should be supplied.', type: 'value_error' }],
      ],
      ['a list instead of an object', 'mailgun', [MAILGUN_API_KEY], [{ loc: [], msg: 'value is not a valid dict', type: 'type_error.dict' }]],
    ])('answers 422 with a located list for %s, leaving the previous secrets', async (_, type, body, detail) => {
      await mailgunWithSecrets();
      expect((await api('put', DEFAULT, { service_type: 'twilio_text' })).status).toBe(200);
      const res = await unchanged(() => api('put', `${DEFAULT}/${type}/secret`, body));
      expect([res.status, res.body]).toEqual([422, { detail }]);
      expect(await storedSecrets('mailgun')).toEqual({ mailgun_api_key: MAILGUN_API_KEY });
    });

    it('answers 404 when the type has no config, 422 for an unknown type, and 401/403 by scope', async () => {
      const missing = await unchanged(() => api('put', `${DEFAULT}/twilio_email/secret`, { twilio_api_key: SENDGRID_API_KEY }));
      expect([missing.status, missing.body]).toEqual([404, { detail: "No default messaging config found of type 'twilio_email'" }]);
      expect((await api('put', `${DEFAULT}/pigeon/secret`, { x: 'y' })).status).toBe(422);
      expect((await api('put', `${DEFAULT}/mailgun/secret`, { mailgun_api_key: MAILGUN_API_KEY }, null)).status).toBe(401);
      expect((await api('put', `${DEFAULT}/mailgun/secret`, { mailgun_api_key: MAILGUN_API_KEY }, tokens['messaging:read'])).status).toBe(403);
    });
  });

  describe('GET /messaging/default/active', () => {
    it('answers the config of the notification service type; 404 when it is unset or no config has that type', async () => {
      await mailgunWithSecrets();
      const unset = await api('get', `${DEFAULT}/active`, undefined, tokens['messaging:read']);
      expect([unset.status, unset.body]).toEqual([404, { detail: 'No active default messaging config found.' }]);

      await useServiceType('twilio_email');
      const noConfig = await api('get', `${DEFAULT}/active`);
      expect([noConfig.status, noConfig.body]).toEqual([404, { detail: 'No active default messaging config found.' }]);

      await useServiceType('mailgun');
      const active = await api('get', `${DEFAULT}/active`);
      expect(active.status).toBe(200);
      expectDefault(active.body, { service_type: 'mailgun', details: MAILGUN_DETAILS, name: 'Mailgun', key: 'mailgun' });
    });

    it('answers 400 when the stored setting is no service type', async () => {
      await t.db.query(
        `INSERT INTO application_config (id, config, updated_at) VALUES (1, '{"notifications": {"notification_service_type": "pigeon"}}', now())`,
      );
      const res = await api('get', `${DEFAULT}/active`);
      expect([res.status, res.body]).toEqual([400, { detail: 'Invalid notification_service_type configured.' }]);
    });

    it('answers 401/403 by scope', async () => {
      expect((await api('get', `${DEFAULT}/active`, undefined, null)).status).toBe(401);
      expect((await api('get', `${DEFAULT}/active`, undefined, tokens['messaging:create_or_update'])).status).toBe(403);
    });
  });

  describe('GET /messaging/default/status', () => {
    async function status(query = '', token?: string) {
      const res = await api('get', `${DEFAULT}/status${query}`, undefined, token);
      expect(res.status).toBe(200);
      return res.body;
    }
    const notConfigured = (detail: string) => ({ config_status: 'not configured', detail });

    it('says why the active default is not configured, rule by rule, then that it is', async () => {
      expect(await status('', tokens['messaging:read'])).toEqual(notConfigured('No active default messaging configuration found'));
      expect(await status('?messaging_method=email')).toEqual(notConfigured('No active default messaging configuration found for email'));

      await useServiceType('mailgun');
      expect(await status()).toEqual(notConfigured('No active default messaging configuration found'));

      expect((await api('put', DEFAULT, { service_type: 'mailgun', details: { domain: 'mg.example.com' } })).status).toBe(200);
      expect(await status()).toEqual(notConfigured('No secrets found for mailgun messaging configuration'));
      // The active type sends email: asking about SMS finds no active default.
      expect(await status('?messaging_method=sms')).toEqual(notConfigured('No active default messaging configuration found for sms'));

      // Secrets that do not fit the type (stored around the validation, as an older Herald or a hand edit might).
      const config = await t.app.get(MessagingConfigService).get('mailgun');
      await t.app.get(SecretsService).put('messaging_config', config.id, { twilio_api_key: SENDGRID_API_KEY });
      expect(await status()).toEqual(notConfigured('Invalid secrets found on mailgun messaging configuration'));

      expect((await api('put', `${DEFAULT}/mailgun/secret`, { mailgun_api_key: MAILGUN_API_KEY })).status).toBe(200);
      const configured = { config_status: 'configured', detail: 'Active default messaging service of type mailgun is fully configured' };
      expect(await status()).toEqual(configured);
      expect(await status('?messaging_method=email')).toEqual(configured);

      // Details that no longer pass the type's check come first.
      await t.db.query(`UPDATE messaging_config SET details = '{"domain": "not a host!"}' WHERE key = 'mailgun'`);
      expect(await status()).toEqual(notConfigured('Invalid or unpopulated details on mailgun messaging configuration'));
    });

    it('checks an SMS default the same way', async () => {
      await useServiceType('twilio_text');
      expect((await api('put', DEFAULT, { service_type: 'twilio_text' })).status).toBe(200);
      expect(await status('?messaging_method=sms')).toEqual(notConfigured('No secrets found for twilio_text messaging configuration'));
      await api('put', `${DEFAULT}/twilio_text/secret`, { twilio_account_sid: TWILIO.sid, twilio_auth_token: TWILIO.token, twilio_sender_phone_number: PHONE });
      expect(await status('?messaging_method=sms')).toEqual({
        config_status: 'configured',
        detail: 'Active default messaging service of type twilio_text is fully configured',
      });
      expect(await status('?messaging_method=email')).toEqual(notConfigured('No active default messaging configuration found for email'));
    });

    it('answers 422 for an unknown method, and 401/403 by scope', async () => {
      const res = await api('get', `${DEFAULT}/status?messaging_method=pigeon`);
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual(['query', 'messaging_method']);
      expect((await api('get', `${DEFAULT}/status`, undefined, null)).status).toBe(401);
      expect((await api('get', `${DEFAULT}/status`, undefined, tokens['messaging:create_or_update'])).status).toBe(403);
    });
  });

  describe('POST /messaging/test/{service_type}', () => {
    const TEST = '/api/v1/messaging/test';

    it('sends through the config of the path type, answers Fides success and records it on the config', async () => {
      await mailgunWithSecrets();
      const res = await api('post', `${TEST}/MAILGUN`, { to_identity: { email: RECIPIENT } }, tokens['messaging:create_or_update']);
      expect([res.status, res.body]).toEqual([200, { details: 'Test message successfully sent' }]);
      expect(fakes.mailgun.requests).toHaveLength(1);
      expect(fieldText(fakes.mailgun.lastRequest(), 'to')).toBe(RECIPIENT);
      expect(fieldText(fakes.mailgun.lastRequest(), 'subject')).toBe('Test message from Herald');

      const [row] = await rows();
      expect(row.last_test_succeeded).toBe(true);
      expect(row.last_test_timestamp).toBeInstanceOf(Date);
      const shown = await api('get', `${DEFAULT}/mailgun`);
      expect(shown.body).toMatchObject({ last_test_succeeded: true, last_test_timestamp: row.last_test_timestamp!.toISOString() });
      // The 2022 routes keep their four keys.
      expect(Object.keys((await api('get', '/api/v1/messaging/config/mailgun')).body)).toEqual(['name', 'key', 'service_type', 'details']);
    });

    it("records a provider's refusal as a failed test and answers Fides' 400 with the reason", async () => {
      await mailgunWithSecrets();
      expect((await api('post', `${TEST}/mailgun`, { to_identity: { email: RECIPIENT } })).status).toBe(200);
      const first = (await rows())[0].last_test_timestamp!;

      fakes.mailgun.failNext(1, 401);
      const res = await api('post', `${TEST}/mailgun`, { to_identity: { email: RECIPIENT } });
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/^There was an error sending the test message: .*401/);
      expect(fakes.mailgun.requests).toHaveLength(2);
      const [row] = await rows();
      expect(row.last_test_succeeded).toBe(false);
      expect(row.last_test_timestamp!.getTime()).toBeGreaterThanOrEqual(first.getTime());
      expect((await api('get', `${DEFAULT}/mailgun`)).body).toMatchObject({ last_test_succeeded: false });
    });

    it('sends an SMS test to the phone number through Twilio', async () => {
      expect((await api('put', DEFAULT, { service_type: 'twilio_text' })).status).toBe(200);
      await api('put', `${DEFAULT}/twilio_text/secret`, {
        twilio_account_sid: TWILIO.sid,
        twilio_auth_token: TWILIO.token,
        twilio_messaging_service_sid: TWILIO.service,
      });
      const res = await api('post', `${TEST}/twilio_text`, { to_identity: { phone_number: PHONE } });
      expect([res.status, res.body]).toEqual([200, { details: 'Test message successfully sent' }]);
      expect(fieldText(fakes.twilio.lastRequest(), 'To')).toBe(PHONE);
      expect((await rows())[0].last_test_succeeded).toBe(true);
    });

    it.each([
      ['no secrets', { email: RECIPIENT }, false, 'Messaging secrets not found for config with key: mailgun'],
      ['no email for an email type', { phone_number: PHONE }, true, 'No email identity supplied.'],
    ])('records a failure before sending (%s) and answers 400, sending nothing', async (_, identity, withSecrets, reason) => {
      if (withSecrets) await mailgunWithSecrets();
      else expect((await api('put', DEFAULT, { service_type: 'mailgun', details: { domain: 'mg.example.com' } })).status).toBe(200);
      const res = await api('post', `${TEST}/mailgun`, { to_identity: identity });
      expect([res.status, res.body]).toEqual([400, { detail: `There was an error sending the test message: ${reason}` }]);
      expect(fakes.mailgun.requests).toHaveLength(0);
      expect((await rows())[0]).toMatchObject({ last_test_succeeded: false, last_test_timestamp: expect.any(Date) });
    });

    it('answers 404 when the type has no config, recording nothing; 422 for bad bodies or types; 401/403 by scope', async () => {
      await mailgunWithSecrets();
      const missing = await unchanged(() => api('post', `${TEST}/twilio_email`, { to_identity: { email: RECIPIENT } }));
      expect([missing.status, missing.body]).toEqual([404, { detail: 'No messaging config found with service type: twilio_email' }]);
      for (const [path, body, loc] of [
        [`${TEST}/mailgun`, { to_identity: { email: 'not an address' } }, ['body', 'to_identity', 'email']],
        [`${TEST}/mailgun`, { to_identity: { email: RECIPIENT }, extra: 1 }, ['body', 'extra']],
        [`${TEST}/mailgun`, { to_identity: { email: RECIPIENT, name: 'x' } }, ['body', 'to_identity', 'name']],
        [`${TEST}/mailgun`, {}, ['body', 'to_identity']],
        [`${TEST}/twilio_text`, { to_identity: { phone_number: '5550001234' } }, ['body', 'to_identity', 'phone_number']],
        [`${TEST}/pigeon`, { to_identity: { email: RECIPIENT } }, ['path', 'service_type']],
      ] as const) {
        const res = await unchanged(() => api('post', path, body));
        expect({ path, body, status: res.status, locs: res.body.detail.map((d: { loc: unknown }) => d.loc) }).toEqual({ path, body, status: 422, locs: [loc] });
      }
      expect((await api('post', `${TEST}/mailgun`, { to_identity: { email: RECIPIENT } }, null)).status).toBe(401);
      expect((await api('post', `${TEST}/mailgun`, { to_identity: { email: RECIPIENT } }, tokens['messaging:read'])).status).toBe(403);
      expect(fakes.mailgun.requests).toHaveLength(0);
      expect((await rows())[0].last_test_timestamp).toBeNull();
    });
  });
});
