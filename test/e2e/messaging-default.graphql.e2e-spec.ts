import { fieldText, startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { TestApp, bearer, createTestApp, graphql, obtainToken } from '../support/test-app.js';

/**
 * The later Fides messaging-config operations over GraphQL (decision D31): `messagingDefault`, `putMessagingDefault`,
 * `activeMessagingDefault`, `messagingDefaultStatus`, `testMessagingService`, and the last test on `MessagingConfig`.
 */

const MAILGUN_API_KEY = 'gql-default-mg-SECRET-0d4e';
const RECIPIENT = 'gql.tester.d31@example.org';

const FIELDS = `key name serviceType hasSecrets lastTestTimestamp lastTestSucceeded
  details { __typename ... on MailgunDetails { domain isEuDomain apiVersion } ... on TwilioEmailDetails { twilioEmailFrom } }`;
const GET_DEFAULT = `query($t: MessagingServiceType!) { messagingDefault(serviceType: $t) { ${FIELDS} } }`;
const PUT_DEFAULT = `mutation($input: MessagingDefaultInput!) { putMessagingDefault(input: $input) { ${FIELDS} } }`;
const ACTIVE = `{ activeMessagingDefault { ${FIELDS} } }`;
const STATUS = `query($m: MessagingMethod) { messagingDefaultStatus(messagingMethod: $m) { configStatus configured detail } }`;
const TEST = `mutation($t: MessagingServiceType!, $to: ToIdentityInput!) {
  testMessagingService(serviceType: $t, toIdentity: $to) { succeeded details config { key lastTestTimestamp lastTestSucceeded } } }`;
const SECRETS = `mutation($key: String!, $input: MessagingSecretsInput!) { setMessagingConfigSecrets(key: $key, input: $input) { key } }`;
const GET = `query($key: String!) { messagingConfig(key: $key) { ${FIELDS} } }`;

const MAILGUN = { __typename: 'MailgunDetails', domain: 'mg.example.com', isEuDomain: false, apiVersion: 'v3' };

type Result = Awaited<ReturnType<typeof graphql>>;

describe('the later messaging-config operations over GraphQL (decision D31)', () => {
  let fakes: ProviderFakes;
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const seen: string[] = [];

  beforeAll(async () => {
    fakes = await startProviderFakes();
    t = await createTestApp({ ...fakes.env, HERALD_PROVIDER_TIMEOUT_MS: '2000' });
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
    expect(seen.filter((text) => text.includes(MAILGUN_API_KEY) || text.includes(RECIPIENT))).toEqual([]);
    await t.close();
    await fakes.close();
  });
  beforeEach(async () => {
    fakes.reset();
    await t.db.query('DELETE FROM secret');
    await t.db.query('DELETE FROM messaging_config');
    await t.db.query('DELETE FROM application_config');
  });

  async function gql(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Result> {
    const result = await graphql(t, query, variables, token ?? (await t.rootToken()));
    seen.push(JSON.stringify(result));
    return result;
  }

  async function ok(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Record<string, unknown>> {
    const result = await gql(query, variables, token);
    expect(result.errors).toBeUndefined();
    return result.data!;
  }

  async function fails(code: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
    const result = await gql(query, variables, token);
    expect(result.errors?.[0]?.extensions?.code).toBe(code);
    return result.errors![0];
  }

  async function mailgunWithSecrets(): Promise<void> {
    await ok(PUT_DEFAULT, { input: { serviceType: 'MAILGUN', mailgun: { domain: 'mg.example.com' } } });
    await ok(SECRETS, { key: 'mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
  }

  async function useServiceType(type: string): Promise<void> {
    const res = await t
      .http()
      .patch('/api/v1/config')
      .set(bearer(await t.rootToken()))
      .send({ notifications: { notification_service_type: type } });
    expect(res.status).toBe(200);
  }

  it("putMessagingDefault creates with Fides' default key and name, then updates keeping them; details kept when left out", async () => {
    const created = await ok(PUT_DEFAULT, { input: { serviceType: 'MAILGUN', mailgun: { domain: 'mg.example.com' } } });
    expect(created.putMessagingDefault).toEqual({
      key: 'mailgun',
      name: 'Mailgun',
      serviceType: 'MAILGUN',
      hasSecrets: false,
      lastTestTimestamp: null,
      lastTestSucceeded: null,
      details: MAILGUN,
    });
    const updated = await ok(PUT_DEFAULT, { input: { serviceType: 'MAILGUN', mailgun: { domain: 'eu.example.com', isEuDomain: true } } });
    expect(updated.putMessagingDefault).toMatchObject({ key: 'mailgun', details: { ...MAILGUN, domain: 'eu.example.com', isEuDomain: true } });
    const kept = await ok(PUT_DEFAULT, { input: { serviceType: 'MAILGUN' } });
    expect(kept.putMessagingDefault).toMatchObject({ details: { domain: 'eu.example.com' } });
    const rows = await t.db.query('SELECT key, name, details FROM messaging_config');
    expect(rows.rows).toEqual([{ key: 'mailgun', name: 'Mailgun', details: { domain: 'eu.example.com', is_eu_domain: true, api_version: 'v3' } }]);
  });

  it('putMessagingDefault refuses details missing or of another type (BAD_USER_INPUT under input), creating nothing', async () => {
    const missing = await fails('BAD_USER_INPUT', PUT_DEFAULT, { input: { serviceType: 'TWILIO_EMAIL' } });
    expect((missing.extensions?.detail as { loc: unknown }[]).map((d) => d.loc)).toEqual([['input', 'twilioEmail']]);
    const wrong = await fails('BAD_USER_INPUT', PUT_DEFAULT, { input: { serviceType: 'TWILIO_TEXT', mailgun: { domain: 'mg.example.com' } } });
    expect((wrong.extensions?.detail as { loc: unknown }[]).map((d) => d.loc)).toEqual([
      ['input', 'mailgun', 'domain'],
      ['input', 'mailgun', 'isEuDomain'],
      ['input', 'mailgun', 'apiVersion'],
    ]);
    await fails('BAD_USER_INPUT', PUT_DEFAULT, { input: { serviceType: 'MAILGUN', mailgun: { domain: 'not a host' } } });
    expect((await t.db.query('SELECT 1 FROM messaging_config')).rowCount).toBe(0);
  });

  it('messagingDefault answers the config of a type; NOT_FOUND with the plain value otherwise', async () => {
    await mailgunWithSecrets();
    const found = await ok(GET_DEFAULT, { t: 'MAILGUN' }, tokens['messaging:read']);
    expect(found.messagingDefault).toMatchObject({ key: 'mailgun', hasSecrets: true, details: MAILGUN });
    const error = await fails('NOT_FOUND', GET_DEFAULT, { t: 'TWILIO_EMAIL' });
    expect(error.message).toBe("No default messaging config found of type 'twilio_email'");
  });

  it('activeMessagingDefault and messagingDefaultStatus follow the notification service type', async () => {
    expect((await fails('NOT_FOUND', ACTIVE)).message).toBe('No active default messaging config found.');
    expect((await ok(STATUS, {}, tokens['messaging:read'])).messagingDefaultStatus).toEqual({
      configStatus: 'not configured',
      configured: false,
      detail: 'No active default messaging configuration found',
    });
    await useServiceType('mailgun');
    await ok(PUT_DEFAULT, { input: { serviceType: 'MAILGUN', mailgun: { domain: 'mg.example.com' } } });
    expect((await ok(ACTIVE)).activeMessagingDefault).toMatchObject({ key: 'mailgun' });
    expect((await ok(STATUS)).messagingDefaultStatus).toMatchObject({ detail: 'No secrets found for mailgun messaging configuration' });
    expect((await ok(STATUS, { m: 'SMS' })).messagingDefaultStatus).toMatchObject({
      detail: 'No active default messaging configuration found for sms',
    });
    await ok(SECRETS, { key: 'mailgun', input: { mailgun: { apiKey: MAILGUN_API_KEY } } });
    expect((await ok(STATUS, { m: 'EMAIL' })).messagingDefaultStatus).toEqual({
      configStatus: 'configured',
      configured: true,
      detail: 'Active default messaging service of type mailgun is fully configured',
    });
  });

  it('testMessagingService sends, records a success, then records a provider failure; both shown on the config', async () => {
    await mailgunWithSecrets();
    const sent = await ok(TEST, { t: 'MAILGUN', to: { email: RECIPIENT } }, tokens['messaging:create_or_update']);
    expect(sent.testMessagingService).toMatchObject({
      succeeded: true,
      details: 'Test message successfully sent',
      config: { key: 'mailgun', lastTestSucceeded: true, lastTestTimestamp: expect.any(String) },
    });
    expect(fieldText(fakes.mailgun.lastRequest(), 'to')).toBe(RECIPIENT);

    fakes.mailgun.failNext(1, 401);
    const failed = (await ok(TEST, { t: 'MAILGUN', to: { email: RECIPIENT } })).testMessagingService as { succeeded: boolean; details: string };
    expect(failed).toMatchObject({ succeeded: false, config: { lastTestSucceeded: false } });
    expect(failed.details).toMatch(/^There was an error sending the test message: .*401/);
    expect(fakes.mailgun.requests).toHaveLength(2);
    expect((await ok(GET, { key: 'mailgun' })).messagingConfig).toMatchObject({ lastTestSucceeded: false, lastTestTimestamp: expect.any(String) });
    const row = await t.db.query('SELECT last_test_succeeded FROM messaging_config');
    expect(row.rows).toEqual([{ last_test_succeeded: false }]);
  });

  it('testMessagingService: NOT_FOUND without a config of the type, BAD_USER_INPUT for a bad address; nothing sent or recorded', async () => {
    await mailgunWithSecrets();
    expect((await fails('NOT_FOUND', TEST, { t: 'TWILIO_EMAIL', to: { email: RECIPIENT } })).message).toBe(
      'No messaging config found with service type: twilio_email',
    );
    await fails('BAD_USER_INPUT', TEST, { t: 'MAILGUN', to: { email: 'not an address' } });
    expect(fakes.mailgun.requests).toHaveLength(0);
    expect((await t.db.query('SELECT last_test_timestamp FROM messaging_config')).rows).toEqual([{ last_test_timestamp: null }]);
  });

  it.each([
    ['putMessagingDefault', 'messaging:read', PUT_DEFAULT, { input: { serviceType: 'TWILIO_TEXT' } }],
    ['testMessagingService', 'messaging:read', TEST, { t: 'MAILGUN', to: { email: RECIPIENT } }],
    ['messagingDefault', 'messaging:create_or_update', GET_DEFAULT, { t: 'MAILGUN' }],
    ['activeMessagingDefault', 'messaging:create_or_update', ACTIVE, {}],
    ['messagingDefaultStatus', 'messaging:create_or_update', STATUS, {}],
  ])('%s: FORBIDDEN with a token holding only %s, changing nothing', async (_, scope, query, variables) => {
    await fails('FORBIDDEN', query, variables, tokens[scope]);
    expect((await t.db.query('SELECT 1 FROM messaging_config')).rowCount).toBe(0);
    expect(fakes.mailgun.requests).toHaveLength(0);
  });
});
