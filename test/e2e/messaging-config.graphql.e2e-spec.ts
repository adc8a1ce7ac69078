import { MessagingConfigService } from '../../src/messaging-config/messaging-config.service.js';
import { TestApp, bearer, createTestApp, graphql, obtainToken } from '../support/test-app.js';

/** The messaging config over GraphQL: the same service as REST, typed inputs, errors as `extensions.code`. */

const FIDES_KEY_MESSAGE = "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.";
/**
 * Every problem with the `input` argument is located under it, in GraphQL's field names: the validation pipe's, the
 * resolver's and the service's alike (the service's are relative to its command; the resolver puts them here).
 */
const ARG = 'input';
const HOST_NAME_MESSAGE = 'value is not a valid host name (such as mg.example.com)';

const MAILGUN_API_KEY = 'gql-mg-key-SECRET-a61f0e';
const MAILGUN_API_KEY_2 = 'gql-mg-key-SECRET-2-77b1';
const TWILIO_ACCOUNT_SID = 'gql-AC-SECRET-sid-c3d4';
const TWILIO_AUTH_TOKEN = 'gql-twilio-token-SECRET-e5f6';
const TWILIO_SERVICE_SID = 'gql-MG-SECRET-service-0a1b';
const SENDGRID_API_KEY = 'gql-SG.SECRET-sendgrid-9c8d';
const ALL_SECRETS = [MAILGUN_API_KEY, MAILGUN_API_KEY_2, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_SERVICE_SID, SENDGRID_API_KEY];

const FIELDS = `
  key name serviceType hasSecrets createdAt updatedAt
  details {
    __typename
    ... on MailgunDetails { domain isEuDomain apiVersion }
    ... on TwilioEmailDetails { twilioEmailFrom }
  }`;

const LIST = `query List($page: Int, $size: Int) { messagingConfigs(page: $page, size: $size) { total page size items { ${FIELDS} } } }`;
const LIST_DEFAULT = `{ messagingConfigs { total page size items { key } } }`;
const GET = `query Get($key: String!) { messagingConfig(key: $key) { ${FIELDS} } }`;
const CREATE = `mutation Create($input: MessagingConfigInput!) { createMessagingConfig(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation Update($key: String!, $input: MessagingConfigInput!) { updateMessagingConfig(key: $key, input: $input) { ${FIELDS} } }`;
const DELETE = `mutation Delete($key: String!) { deleteMessagingConfig(key: $key) }`;
const SECRETS = `mutation Secrets($key: String!, $input: MessagingSecretsInput!) { setMessagingConfigSecrets(key: $key, input: $input) { ${FIELDS} } }`;

const MAILGUN_INPUT = { name: 'GQL Mailgun', key: 'gql_mailgun', serviceType: 'MAILGUN', mailgun: { domain: 'mg.example.com' } };
const TEXT_INPUT = { name: 'GQL SMS', key: 'gql_sms', serviceType: 'TWILIO_TEXT' };
const EMAIL_INPUT = { name: 'GQL SendGrid', key: 'gql_sendgrid', serviceType: 'TWILIO_EMAIL', twilioEmail: { twilioEmailFrom: 'privacy@example.com' } };

const MAILGUN_DETAILS = { __typename: 'MailgunDetails', domain: 'mg.example.com', isEuDomain: false, apiVersion: 'v3' };
const EMAIL_DETAILS = { __typename: 'TwilioEmailDetails', twilioEmailFrom: 'privacy@example.com' };

type Result = Awaited<ReturnType<typeof graphql>>;
type Config = { key: string; name: string; serviceType: string; hasSecrets: boolean; createdAt: string; updatedAt: string; details: unknown };

describe('Messaging config GraphQL API', () => {
  let t: TestApp;
  /** Every response body, checked for secret values. */
  const seen: string[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    for (const scope of ['messaging:create_or_update', 'messaging:read', 'messaging:delete']) {
      const res = await t
        .http()
        .post('/api/v1/oauth/client')
        .set(bearer(await t.rootToken()))
        .send([scope]);
      expect(res.status).toBe(200);
      tokens[scope] = await obtainToken(t.http(), res.body.client_id, res.body.client_secret);
    }
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.db.query('DELETE FROM secret');
    await t.db.query('DELETE FROM messaging_config');
  });

  /** As the root client unless a token (or null for none) is given. */
  async function gql(query: string, variables: Record<string, unknown> = {}, token?: string | null): Promise<Result> {
    const res = await graphql(t, query, variables, token === undefined ? await t.rootToken() : (token ?? undefined));
    seen.push(JSON.stringify(res));
    return res;
  }

  async function ok<T = Config>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await gql(query, variables);
    expect(res.errors).toBeUndefined();
    return Object.values(res.data ?? {})[0] as T;
  }

  async function state() {
    const configs = await t.db.query('SELECT id, key, name, service_type, details, created_at, updated_at FROM messaging_config ORDER BY key');
    const secrets = await t.db.query('SELECT id, owner_kind, owner_id, envelope, created_at, updated_at FROM secret ORDER BY owner_id');
    return { configs: configs.rows, secrets: secrets.rows };
  }

  /** A request that must fail with `code`, changing nothing; returns the first error. */
  async function fails(code: string, query: string, variables: Record<string, unknown> = {}, token?: string | null) {
    const before = await state();
    const res = await gql(query, variables, token);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    const error = res.errors![0];
    expect(error.extensions?.code).toBe(code);
    expect(await state()).toEqual(before);
    return error;
  }

  async function row(key: string) {
    return (await t.db.query('SELECT id, name, service_type, details, created_at FROM messaging_config WHERE key = $1', [key])).rows[0] as
      { id: string; name: string; service_type: string; details: unknown; created_at: Date } | undefined;
  }

  async function storedSecrets(key: string): Promise<unknown> {
    const service = t.app.get(MessagingConfigService);
    return service.getSecrets(await service.get(key));
  }

  describe('createMessagingConfig', () => {
    it('creates a Mailgun config, details as MailgunDetails with defaults, stored as Fides stores them', async () => {
      const created = await ok(CREATE, { input: MAILGUN_INPUT });
      expect(created).toEqual({
        key: 'gql_mailgun',
        name: 'GQL Mailgun',
        serviceType: 'MAILGUN',
        hasSecrets: false,
        details: MAILGUN_DETAILS,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const stored = await row('gql_mailgun');
      expect(stored).toMatchObject({
        name: 'GQL Mailgun',
        service_type: 'MAILGUN',
        details: { domain: 'mg.example.com', is_eu_domain: false, api_version: 'v3' },
      });
      expect(new Date(created.createdAt).getTime()).toBe(stored?.created_at.getTime());
      // The same config over REST.
      const rest = await t
        .http()
        .get('/api/v1/messaging/config/gql_mailgun')
        .set(bearer(await t.rootToken()));
      expect(rest.body).toEqual({
        name: 'GQL Mailgun',
        key: 'gql_mailgun',
        service_type: 'MAILGUN',
        details: { domain: 'mg.example.com', is_eu_domain: false, api_version: 'v3' },
      });
    });

    it('keeps given Mailgun details', async () => {
      const created = await ok(CREATE, { input: { ...MAILGUN_INPUT, mailgun: { domain: 'eu.example.com', isEuDomain: true, apiVersion: 'v3' } } });
      expect(created.details).toEqual({ __typename: 'MailgunDetails', domain: 'eu.example.com', isEuDomain: true, apiVersion: 'v3' });
      expect((await row('gql_mailgun'))?.details).toEqual({ domain: 'eu.example.com', is_eu_domain: true, api_version: 'v3' });
    });

    it('creates TWILIO_EMAIL with TwilioEmailDetails and TWILIO_TEXT without details; the key comes from the name when omitted', async () => {
      expect(await ok(CREATE, { input: EMAIL_INPUT })).toMatchObject({ key: 'gql_sendgrid', serviceType: 'TWILIO_EMAIL', details: EMAIL_DETAILS });
      expect(await ok(CREATE, { input: { name: 'My SMS-Sender!', serviceType: 'TWILIO_TEXT' } })).toMatchObject({
        key: 'my_sms_sender',
        name: 'My SMS-Sender!',
        serviceType: 'TWILIO_TEXT',
        details: null,
        hasSecrets: false,
      });
      expect(await row('gql_sendgrid')).toMatchObject({ service_type: 'TWILIO_EMAIL', details: { twilio_email_from: 'privacy@example.com' } });
      expect(await row('my_sms_sender')).toMatchObject({ service_type: 'TWILIO_TEXT', details: null });
    });

    it('updates the config of an existing key, as REST does', async () => {
      await ok(CREATE, { input: MAILGUN_INPUT });
      const id = (await row('gql_mailgun'))?.id;
      const updated = await ok(CREATE, { input: { ...MAILGUN_INPUT, name: 'Renamed', mailgun: { domain: 'other.example.com' } } });
      expect(updated).toMatchObject({ key: 'gql_mailgun', name: 'Renamed', details: { ...MAILGUN_DETAILS, domain: 'other.example.com' } });
      expect((await state()).configs).toHaveLength(1);
      expect(await row('gql_mailgun')).toMatchObject({ id, name: 'Renamed' });
    });

    it.each([
      ['an invalid key', { ...MAILGUN_INPUT, key: '*invalid-key' }, [{ loc: [ARG, 'key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }]],
      ['an empty key', { ...MAILGUN_INPUT, key: '' }, [{ loc: [ARG, 'key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }]],
      [
        'MAILGUN without details',
        { name: 'm', serviceType: 'MAILGUN' },
        [{ loc: ['input', 'mailgun'], msg: 'Mailgun messaging config must include details', type: 'value_error' }],
      ],
      [
        'TWILIO_EMAIL without details',
        { name: 's', serviceType: 'TWILIO_EMAIL' },
        [{ loc: ['input', 'twilioEmail'], msg: 'Messaging config must include details', type: 'value_error' }],
      ],
      [
        'TWILIO_EMAIL with a sender that is not an email address',
        { ...EMAIL_INPUT, twilioEmail: { twilioEmailFrom: 'nobody' } },
        [{ loc: [ARG, 'twilioEmail', 'twilioEmailFrom'], msg: 'value is not a valid email address', type: 'value_error.email' }],
      ],
      [
        'TWILIO_EMAIL with Mailgun details',
        { ...EMAIL_INPUT, twilioEmail: undefined, mailgun: { domain: 'mg.example.com' } },
        [
          { loc: ['input', 'twilioEmail', 'twilioEmailFrom'], msg: 'field required', type: 'value_error.missing' },
          { loc: ['input', 'mailgun', 'domain'], msg: 'extra fields not permitted', type: 'value_error.extra' },
          { loc: ['input', 'mailgun', 'isEuDomain'], msg: 'extra fields not permitted', type: 'value_error.extra' },
          { loc: ['input', 'mailgun', 'apiVersion'], msg: 'extra fields not permitted', type: 'value_error.extra' },
        ],
      ],
      [
        'TWILIO_TEXT with Mailgun details',
        { ...TEXT_INPUT, mailgun: { domain: 'mg.example.com' } },
        [
          { loc: ['input', 'mailgun', 'domain'], msg: 'extra fields not permitted', type: 'value_error.extra' },
          { loc: ['input', 'mailgun', 'isEuDomain'], msg: 'extra fields not permitted', type: 'value_error.extra' },
          { loc: ['input', 'mailgun', 'apiVersion'], msg: 'extra fields not permitted', type: 'value_error.extra' },
        ],
      ],
      [
        'both kinds of details',
        { ...MAILGUN_INPUT, twilioEmail: { twilioEmailFrom: 'privacy@example.com' } },
        [{ loc: ['input'], msg: 'give one kind of details, not mailgun and twilioEmail', type: 'value_error' }],
      ],
      [
        'a name that yields no key',
        { name: '!!!', serviceType: 'TWILIO_TEXT' },
        [{ loc: [ARG, 'name'], msg: "A key cannot be made from the name '!!!': give a key", type: 'value_error' }],
      ],
      [
        'a Mailgun domain that is not a host name',
        { ...MAILGUN_INPUT, mailgun: { domain: 'https://mg.example.com' } },
        [{ loc: ['input', 'mailgun', 'domain'], msg: HOST_NAME_MESSAGE, type: 'value_error.hostname' }],
      ],
      [
        'a Mailgun API version other than v3',
        { ...MAILGUN_INPUT, mailgun: { domain: 'mg.example.com', apiVersion: 'v2' } },
        [{ loc: ['input', 'mailgun', 'apiVersion'], msg: "value is not a valid enumeration member; permitted: 'v3'", type: 'type_error.enum' }],
      ],
    ])('answers BAD_USER_INPUT for %s, storing nothing', async (_, input, detail) => {
      await ok(CREATE, { input: TEXT_INPUT });
      const error = await fails('BAD_USER_INPUT', CREATE, { input });
      expect(error.extensions?.detail).toEqual(detail);
    });

    it('answers BAD_USER_INPUT for an unknown service type, storing nothing', async () => {
      const error = await fails('BAD_USER_INPUT', CREATE, { input: { ...TEXT_INPUT, serviceType: 'TWILIO_SMS' } });
      expect(error.message).toContain('TWILIO_SMS');
    });

    it('answers CONFLICT for a second config of a service type, a taken name or a taken generated key', async () => {
      await ok(CREATE, { input: MAILGUN_INPUT });
      const type = await fails('CONFLICT', CREATE, { input: { ...MAILGUN_INPUT, name: 'Second', key: 'second' } });
      expect(type.message).toBe('Key (service_type)=(MAILGUN) already exists: only one config per service type (see config gql_mailgun).');
      const name = await fails('CONFLICT', CREATE, { input: { ...TEXT_INPUT, name: 'GQL Mailgun' } });
      expect(name.message).toBe('Name GQL Mailgun already exists in MessagingConfig.');
      const key = await fails('CONFLICT', CREATE, { input: { name: 'gql-mailgun', serviceType: 'TWILIO_TEXT' } });
      expect(key.message).toBe(
        'Key gql_mailgun already exists in MessagingConfig. Keys will be snake-cased names if not provided. ' +
          'If you are seeing this error without providing a key, please provide a key or a different name.',
      );
    });
  });

  describe('messagingConfigs and messagingConfig', () => {
    beforeEach(async () => {
      await ok(CREATE, { input: MAILGUN_INPUT });
      await ok(CREATE, { input: TEXT_INPUT });
      await ok(CREATE, { input: EMAIL_INPUT });
    });

    it('lists newest first with the page fields, defaults page 1 size 50', async () => {
      const page = await ok<{ total: number; page: number; size: number; items: Config[] }>(LIST);
      expect({ ...page, items: page.items.map((c) => [c.key, c.serviceType, c.details]) }).toEqual({
        total: 3,
        page: 1,
        size: 50,
        items: [
          ['gql_sendgrid', 'TWILIO_EMAIL', EMAIL_DETAILS],
          ['gql_sms', 'TWILIO_TEXT', null],
          ['gql_mailgun', 'MAILGUN', MAILGUN_DETAILS],
        ],
      });
      expect(await ok(LIST_DEFAULT)).toEqual({ total: 3, page: 1, size: 50, items: [{ key: 'gql_sendgrid' }, { key: 'gql_sms' }, { key: 'gql_mailgun' }] });
    });

    it('pages', async () => {
      const second = await ok<{ total: number; page: number; size: number; items: Config[] }>(LIST, { page: 2, size: 1 });
      expect({ ...second, items: second.items.map((c) => c.key) }).toEqual({ total: 3, page: 2, size: 1, items: ['gql_sms'] });
      const beyond = await ok<{ items: Config[]; total: number }>(LIST, { page: 9, size: 100 });
      expect(beyond).toEqual({ total: 3, page: 9, size: 100, items: [] });
    });

    it.each([
      [{ size: 500 }, 'size', 'ensure this value is less than or equal to 100'],
      [{ size: 0 }, 'size', 'ensure this value is greater than or equal to 1'],
      [{ page: 0 }, 'page', 'ensure this value is greater than or equal to 1'],
    ])('answers BAD_USER_INPUT for %j', async (variables, field, msg) => {
      const error = await fails('BAD_USER_INPUT', LIST, variables);
      expect(error.extensions?.detail).toEqual([expect.objectContaining({ loc: expect.arrayContaining([field]), msg })]);
    });

    it('gets one config, NOT_FOUND for an unknown key', async () => {
      expect(await ok(GET, { key: 'gql_sendgrid' })).toMatchObject({
        key: 'gql_sendgrid',
        name: 'GQL SendGrid',
        serviceType: 'TWILIO_EMAIL',
        details: EMAIL_DETAILS,
        hasSecrets: false,
      });
      const error = await fails('NOT_FOUND', GET, { key: 'x' });
      expect(error.message).toBe('No messaging config found with key x');
    });

    it('answers BAD_USER_INPUT for a key that is not a FidesKey, as REST answers 422', async () => {
      const error = await fails('BAD_USER_INPUT', GET, { key: 'not a key!' });
      expect(error.extensions?.detail).toEqual([expect.objectContaining({ loc: ['key'], type: 'value_error' })]);
    });
  });

  describe('setMessagingConfigSecrets', () => {
    beforeEach(async () => {
      await ok(CREATE, { input: MAILGUN_INPUT });
      await ok(CREATE, { input: TEXT_INPUT });
      await ok(CREATE, { input: EMAIL_INPUT });
    });

    it('stores the secrets; hasSecrets flips from false to true everywhere', async () => {
      expect((await ok(GET, { key: 'gql_mailgun' })).hasSecrets).toBe(false);
      const set = await ok(SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
      expect(set).toMatchObject({ key: 'gql_mailgun', hasSecrets: true, details: MAILGUN_DETAILS });
      expect((await ok(GET, { key: 'gql_mailgun' })).hasSecrets).toBe(true);
      const page = await ok<{ items: Config[] }>(LIST);
      expect(page.items.map((c) => [c.key, c.hasSecrets])).toEqual([
        ['gql_sendgrid', false],
        ['gql_sms', false],
        ['gql_mailgun', true],
      ]);
      expect(await storedSecrets('gql_mailgun')).toEqual({ mailgun_api_key: MAILGUN_API_KEY });
      const envelope = (await t.db.query('SELECT envelope FROM secret')).rows[0].envelope as string;
      expect(envelope).not.toContain(MAILGUN_API_KEY);
    });

    it('stores Twilio text secrets with the optional keys as null, and SendGrid secrets', async () => {
      await ok(SECRETS, {
        key: 'gql_sms',
        input: { twilioText: { accountSid: TWILIO_ACCOUNT_SID, authToken: TWILIO_AUTH_TOKEN, messagingServiceSid: TWILIO_SERVICE_SID } },
      });
      expect(await storedSecrets('gql_sms')).toEqual({
        twilio_account_sid: TWILIO_ACCOUNT_SID,
        twilio_auth_token: TWILIO_AUTH_TOKEN,
        twilio_messaging_service_sid: TWILIO_SERVICE_SID,
        twilio_sender_phone_number: null,
      });
      await ok(SECRETS, { key: 'gql_sendgrid', input: { twilioEmail: { apiKey: SENDGRID_API_KEY } } });
      expect(await storedSecrets('gql_sendgrid')).toEqual({ twilio_api_key: SENDGRID_API_KEY });
    });

    it('replaces previous secrets', async () => {
      await ok(SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
      await ok(SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY_2 } } });
      expect(await storedSecrets('gql_mailgun')).toEqual({ mailgun_api_key: MAILGUN_API_KEY_2 });
      expect((await state()).secrets).toHaveLength(1);
    });

    const twilio = { accountSid: TWILIO_ACCOUNT_SID, authToken: TWILIO_AUTH_TOKEN };
    it.each([
      [
        'no secrets at all',
        'gql_mailgun',
        {},
        [{ loc: ['input'], msg: 'exactly one of mailgun, twilioText, twilioEmail, mailchimpTransactional, smtp or awsSes is required', type: 'value_error' }],
      ],
      [
        'two kinds of secrets',
        'gql_mailgun',
        { mailgun: { apiKey: MAILGUN_API_KEY_2 }, twilioEmail: { apiKey: SENDGRID_API_KEY } },
        [{ loc: ['input'], msg: 'exactly one of mailgun, twilioText, twilioEmail, mailchimpTransactional, smtp or awsSes is required', type: 'value_error' }],
      ],
      [
        'secrets for another service type',
        'gql_mailgun',
        { twilioEmail: { apiKey: SENDGRID_API_KEY } },
        [{ loc: ['input', 'mailgun'], msg: 'this config is of service type MAILGUN: give the secrets for that type', type: 'value_error' }],
      ],
      [
        'Mailgun secrets for a Twilio text config',
        'gql_sms',
        { mailgun: { apiKey: MAILGUN_API_KEY_2 } },
        [{ loc: ['input', 'twilioText'], msg: 'this config is of service type TWILIO_TEXT: give the secrets for that type', type: 'value_error' }],
      ],
      [
        'Twilio text secrets without a sender',
        'gql_sms',
        { twilioText: twilio },
        ["Either the twilio_messaging_service_sid or the twilio_sender_phone_number should be supplied. ('__root__',)"],
      ],
      [
        'a sender phone without country code',
        'gql_sms',
        { twilioText: { ...twilio, senderPhoneNumber: '5558675309' } },
        ["Sender phone number must include country code, formatted like +15558675309 ('__root__',)"],
      ],
    ])('answers BAD_USER_INPUT for %s, leaving the secrets untouched', async (_, key, input, detail) => {
      await ok(SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
      await ok(SECRETS, { key: 'gql_sms', input: { twilioText: { ...twilio, senderPhoneNumber: '+15558675309' } } });
      const previous = await storedSecrets(key);
      const error = await fails('BAD_USER_INPUT', SECRETS, { key, input });
      expect(error.extensions?.detail).toEqual(detail);
      expect(await storedSecrets(key)).toEqual(previous);
    });

    it('answers BAD_USER_INPUT for secrets of the wrong type on a config without secrets; it keeps none', async () => {
      await fails('BAD_USER_INPUT', SECRETS, { key: 'gql_sendgrid', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
      expect((await ok(GET, { key: 'gql_sendgrid' })).hasSecrets).toBe(false);
    });

    it('answers NOT_FOUND for an unknown key', async () => {
      const error = await fails('NOT_FOUND', SECRETS, { key: 'x', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
      expect(error.message).toBe('No messaging config found with key x');
    });
  });

  describe('updateMessagingConfig', () => {
    beforeEach(async () => {
      await ok(CREATE, { input: MAILGUN_INPUT });
      await ok(SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
      await ok(CREATE, { input: TEXT_INPUT });
    });

    it('replaces the config named by key', async () => {
      const before = await row('gql_mailgun');
      const updated = await ok(UPDATE, {
        key: 'gql_mailgun',
        input: { name: 'New name', serviceType: 'MAILGUN', mailgun: { domain: 'new.example.com', isEuDomain: true } },
      });
      expect(updated).toMatchObject({
        key: 'gql_mailgun',
        name: 'New name',
        hasSecrets: true,
        details: { __typename: 'MailgunDetails', domain: 'new.example.com', isEuDomain: true, apiVersion: 'v3' },
      });
      expect(await row('gql_mailgun')).toEqual({ ...before, name: 'New name', details: { domain: 'new.example.com', is_eu_domain: true, api_version: 'v3' } });
      expect(new Date(updated.updatedAt).getTime()).toBeGreaterThan(new Date(updated.createdAt).getTime());
    });

    it('renames when the input gives another key; the secrets follow', async () => {
      const id = (await row('gql_mailgun'))?.id;
      const renamed = await ok(UPDATE, { key: 'gql_mailgun', input: { ...MAILGUN_INPUT, key: 'gql_mailgun_2' } });
      expect(renamed).toMatchObject({ key: 'gql_mailgun_2', hasSecrets: true });
      expect(await row('gql_mailgun')).toBeUndefined();
      expect(await row('gql_mailgun_2')).toMatchObject({ id });
      expect(await storedSecrets('gql_mailgun_2')).toEqual({ mailgun_api_key: MAILGUN_API_KEY });
    });

    it("answers CONFLICT renaming onto a taken key or taking another config's name", async () => {
      const key = await fails('CONFLICT', UPDATE, { key: 'gql_mailgun', input: { ...MAILGUN_INPUT, key: 'gql_sms' } });
      expect(key.message).toBe('Key gql_sms already exists in MessagingConfig.');
      const name = await fails('CONFLICT', UPDATE, { key: 'gql_mailgun', input: { ...MAILGUN_INPUT, name: 'GQL SMS' } });
      expect(name.message).toBe('Name GQL SMS already exists in MessagingConfig.');
    });

    it('answers NOT_FOUND for an unknown key, creating nothing', async () => {
      const error = await fails('NOT_FOUND', UPDATE, { key: 'x', input: { ...EMAIL_INPUT, key: 'x' } });
      expect(error.message).toBe('No messaging config found with key x');
    });

    it('answers BAD_USER_INPUT for bad input, changing nothing', async () => {
      const key = await fails('BAD_USER_INPUT', UPDATE, { key: 'gql_mailgun', input: { ...MAILGUN_INPUT, key: 'bad key' } });
      expect(key.extensions?.detail).toEqual([{ loc: [ARG, 'key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }]);
      const details = await fails('BAD_USER_INPUT', UPDATE, { key: 'gql_mailgun', input: { name: 'GQL Mailgun', serviceType: 'MAILGUN' } });
      expect(details.extensions?.detail).toEqual([{ loc: ['input', 'mailgun'], msg: 'Mailgun messaging config must include details', type: 'value_error' }]);
      const domain = await fails('BAD_USER_INPUT', UPDATE, { key: 'gql_mailgun', input: { ...MAILGUN_INPUT, mailgun: { domain: 'mg.example.com/x' } } });
      expect(domain.extensions?.detail).toEqual([{ loc: ['input', 'mailgun', 'domain'], msg: HOST_NAME_MESSAGE, type: 'value_error.hostname' }]);
    });
  });

  it('drops the secrets of a config whose service type changes (they fit the old type only)', async () => {
    await ok(CREATE, { input: MAILGUN_INPUT });
    await ok(SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
    const changed = await ok(UPDATE, {
      key: 'gql_mailgun',
      input: { name: 'Now SendGrid', serviceType: 'TWILIO_EMAIL', twilioEmail: { twilioEmailFrom: 'privacy@example.com' } },
    });
    expect(changed).toMatchObject({ key: 'gql_mailgun', serviceType: 'TWILIO_EMAIL', hasSecrets: false, details: EMAIL_DETAILS });
    expect((await t.db.query('SELECT count(*)::int AS n FROM secret')).rows[0].n).toBe(0);
  });

  describe('deleteMessagingConfig', () => {
    it('deletes the config and its secrets; NOT_FOUND afterwards', async () => {
      await ok(CREATE, { input: MAILGUN_INPUT });
      await ok(SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
      await ok(CREATE, { input: TEXT_INPUT });
      expect(await ok<boolean>(DELETE, { key: 'gql_mailgun' })).toBe(true);
      const rest = await state();
      expect(rest.configs.map((c) => c.key)).toEqual(['gql_sms']);
      expect(rest.secrets).toEqual([]);
      const error = await fails('NOT_FOUND', DELETE, { key: 'gql_mailgun' });
      expect(error.message).toBe('No messaging config found with key gql_mailgun');
    });
  });

  describe('auth', () => {
    beforeEach(async () => {
      await ok(CREATE, { input: MAILGUN_INPUT });
      await ok(SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
    });

    const operations: [string, string, string, Record<string, unknown>][] = [
      ['messagingConfigs', 'messaging:create_or_update', LIST, {}],
      ['messagingConfig', 'messaging:delete', GET, { key: 'gql_mailgun' }],
      ['createMessagingConfig', 'messaging:read', CREATE, { input: TEXT_INPUT }],
      ['updateMessagingConfig', 'messaging:delete', UPDATE, { key: 'gql_mailgun', input: { ...MAILGUN_INPUT, name: 'Changed' } }],
      ['deleteMessagingConfig', 'messaging:create_or_update', DELETE, { key: 'gql_mailgun' }],
      ['setMessagingConfigSecrets', 'messaging:read', SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY_2 } } }],
    ];

    it.each(operations)('%s: FORBIDDEN with a token holding only %s, changing nothing', async (_, scope, query, variables) => {
      const error = await fails('FORBIDDEN', query, variables, tokens[scope]);
      expect(error.message).toBe('Not Authorized for this action');
      expect(await storedSecrets('gql_mailgun')).toEqual({ mailgun_api_key: MAILGUN_API_KEY });
    });

    it.each(operations)('%s: UNAUTHENTICATED without a token, changing nothing', async (_, __, query, variables) => {
      const error = await fails('UNAUTHENTICATED', query, variables, null);
      expect(error.message).toBe('Failed to authenticate');
    });

    it('each scope opens exactly its operations', async () => {
      expect((await gql(LIST, {}, tokens['messaging:read'])).errors).toBeUndefined();
      const created = await gql(CREATE, { input: TEXT_INPUT }, tokens['messaging:create_or_update']);
      expect(created.errors).toBeUndefined();
      expect(await row('gql_sms')).toBeDefined();
      expect((await gql(DELETE, { key: 'gql_sms' }, tokens['messaging:delete'])).data).toEqual({ deleteMessagingConfig: true });
      expect(await row('gql_sms')).toBeUndefined();
    });
  });

  it('no response ever carried a secret value', async () => {
    await ok(CREATE, { input: MAILGUN_INPUT });
    await ok(CREATE, { input: TEXT_INPUT });
    await ok(CREATE, { input: EMAIL_INPUT });
    await ok(SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
    await ok(SECRETS, {
      key: 'gql_sms',
      input: { twilioText: { accountSid: TWILIO_ACCOUNT_SID, authToken: TWILIO_AUTH_TOKEN, messagingServiceSid: TWILIO_SERVICE_SID } },
    });
    await ok(SECRETS, { key: 'gql_sendgrid', input: { twilioEmail: { apiKey: SENDGRID_API_KEY } } });
    await fails('BAD_USER_INPUT', SECRETS, {
      key: 'gql_sms',
      input: { twilioText: { accountSid: TWILIO_ACCOUNT_SID, authToken: TWILIO_AUTH_TOKEN, senderPhoneNumber: TWILIO_SERVICE_SID } },
    });
    await fails('BAD_USER_INPUT', SECRETS, { key: 'gql_mailgun', input: { twilioEmail: { apiKey: MAILGUN_API_KEY_2 } } });
    // graphql-js repeats invalid variable values in its messages: they are cut before they leave.
    const echo = await gql(SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY_2, extra: 1 } } });
    expect(echo.errors?.[0].message).toMatch(
      /^Variable "\$input" got invalid value( at "input.mailgun")?; Field "extra" is not defined by type "MailgunSecretsInput"/,
    );
    expect(echo.errors?.[0].message).not.toContain(MAILGUN_API_KEY_2);
    const wrongType = await gql(SECRETS, { key: 'gql_mailgun', input: { mailgun: { apiKey: 4242 } } });
    expect(wrongType.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(wrongType)).not.toContain('4242');
    await ok(LIST);
    for (const key of ['gql_mailgun', 'gql_sms', 'gql_sendgrid']) await ok(GET, { key });
    const everything = seen.join('\n');
    expect(everything).toContain('gql_mailgun');
    for (const secret of ALL_SECRETS) expect(everything).not.toContain(secret);
  });
});
