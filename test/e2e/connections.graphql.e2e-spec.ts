// Email connectors over GraphQL: the same service as REST, typed inputs, errors as `extensions.code`.
import { startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { TestApp, bearer, createTestApp, graphql, obtainToken } from '../support/test-app.js';

const MAILGUN_KEY = 'key-gql-connections-9911';
const TO_EMAIL = 'erasure@vendor.example';
const TEST_EMAIL = 'tester@herald.example';

const FIELDS = 'key name description connectionType access disabled disabledAt lastTestTimestamp lastTestSucceeded hasSecrets createdAt updatedAt';
const LIST = `query List($search: String, $connectionTypes: [ConnectionType!], $disabled: Boolean, $testStatus: ConnectionTestStatusFilter, $page: Int, $size: Int) {
  connections(search: $search, connectionTypes: $connectionTypes, disabled: $disabled, testStatus: $testStatus, page: $page, size: $size) {
    total page size items { ${FIELDS} } } }`;
const GET = `query Get($key: String!) { connection(key: $key) { ${FIELDS} } }`;
const UPSERT = `mutation Upsert($inputs: [ConnectionInput!]!) { upsertConnections(inputs: $inputs) {
  succeeded { ${FIELDS} } failed { message data { name key connectionType access disabled description } } } }`;
const DELETE = 'mutation Delete($key: String!) { deleteConnection(key: $key) }';
const SECRETS = `mutation Secrets($key: String!, $input: EmailConnectionSecretsInput!, $verify: Boolean) {
  setConnectionSecrets(key: $key, input: $input, verify: $verify) { testStatus failureReason messageId connection { ${FIELDS} } } }`;
const TEST = `mutation Test($key: String!) { testConnection(key: $key) { testStatus failureReason messageId connection { key lastTestSucceeded } } }`;

describe('Connections GraphQL API', () => {
  let fakes: ProviderFakes;
  let t: TestApp;
  let root: string;
  const seen: string[] = [];

  const ok = async (query: string, variables: Record<string, unknown> = {}, token = root) => {
    const result = await graphql(t, query, variables, token);
    seen.push(JSON.stringify(result));
    expect(result.errors).toBeUndefined();
    return Object.values(result.data ?? {})[0] as Record<string, any>;
  };
  const fails = async (code: string, query: string, variables: Record<string, unknown> = {}, token = root) => {
    const result = await graphql(t, query, variables, token);
    seen.push(JSON.stringify(result));
    expect(result.errors?.[0]?.extensions?.code).toBe(code);
    return result.errors![0];
  };
  const count = async () => Number((await t.db.query('SELECT count(*) FROM connection')).rows[0].count);

  beforeAll(async () => {
    fakes = await startProviderFakes({ mailgun: { apiKey: MAILGUN_KEY } });
    t = await createTestApp({ ...fakes.env, HERALD_DELIVERY_MAX_ATTEMPTS: '1' });
    root = await t.rootToken();
    const auth = bearer(root);
    await t
      .http()
      .post('/api/v1/messaging/config')
      .set(auth)
      .send({ key: 'mg', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.herald.example' } })
      .expect(200);
    await t.http().put('/api/v1/messaging/config/mg/secret').set(auth).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
  });
  afterAll(async () => {
    for (const body of seen) expect(body).not.toContain(TO_EMAIL);
    await t.close();
    await fakes.close();
  });
  beforeEach(async () => {
    await t.db.query("DELETE FROM secret WHERE owner_kind = 'connection'");
    await t.db.query('DELETE FROM connection');
    fakes.reset();
  });

  it('upserts connections, each item on its own, and reads them back', async () => {
    const created = await ok(UPSERT, {
      inputs: [
        { name: 'Vendor One', connectionType: 'EMAIL', access: 'WRITE', description: 'CRM' },
        { name: 'Vendor Two', key: 'v2', connectionType: 'EMAIL', access: 'READ', disabled: true },
        { name: 'Vendor One', key: 'other', connectionType: 'EMAIL', access: 'READ' },
      ],
    });
    expect(created.succeeded.map((c: { key: string }) => c.key)).toEqual(['vendor_one', 'v2']);
    expect(created.succeeded[1]).toMatchObject({ access: 'READ', disabled: true, disabledAt: expect.any(String), hasSecrets: false });
    expect(created.failed).toEqual([
      {
        message: 'Name Vendor One already exists in ConnectionConfig.',
        data: { name: 'Vendor One', key: 'other', connectionType: 'EMAIL', access: 'READ', disabled: false, description: null },
      },
    ]);
    expect(await count()).toBe(2);

    const updated = await ok(UPSERT, { inputs: [{ name: 'Vendor One', key: 'vendor_one', connectionType: 'EMAIL', access: 'READ' }] });
    expect(updated.succeeded[0]).toMatchObject({ key: 'vendor_one', access: 'READ', description: null });
    expect(await ok(GET, { key: 'vendor_one' })).toMatchObject({ name: 'Vendor One', access: 'READ', description: null, lastTestSucceeded: null });
    expect((await fails('NOT_FOUND', GET, { key: 'nope' })).message).toBe("No connection configuration found with key 'nope'.");
  });

  it('lists with filters and pages', async () => {
    await ok(UPSERT, {
      inputs: [
        { name: 'Bravo', connectionType: 'EMAIL', access: 'WRITE', description: 'payroll' },
        { name: 'alpha', connectionType: 'EMAIL', access: 'WRITE', disabled: true },
        { name: 'Charlie', connectionType: 'EMAIL', access: 'READ' },
      ],
    });
    await t.db.query("UPDATE connection SET last_test_succeeded = true WHERE key = 'charlie'");
    const keys = async (variables: Record<string, unknown>) => (await ok(LIST, variables)).items.map((c: { key: string }) => c.key);
    expect(await keys({})).toEqual(['alpha', 'bravo', 'charlie']);
    expect(await keys({ search: 'PAYROLL' })).toEqual(['bravo']);
    expect(await keys({ disabled: false })).toEqual(['bravo', 'charlie']);
    expect(await keys({ testStatus: 'PASSED' })).toEqual(['charlie']);
    expect(await keys({ testStatus: 'UNTESTED', connectionTypes: ['EMAIL'] })).toEqual(['alpha', 'bravo']);
    expect(await ok(LIST, { size: 2, page: 2 })).toMatchObject({ total: 3, page: 2, size: 2, items: [{ key: 'charlie' }] });
    await fails('BAD_USER_INPUT', LIST, { size: 0 });
  });

  it('answers BAD_USER_INPUT for an invalid item, storing nothing', async () => {
    const error = await fails('BAD_USER_INPUT', UPSERT, {
      inputs: [
        { name: 'Good', connectionType: 'EMAIL', access: 'WRITE' },
        { name: 'Bad', key: 'bad key', connectionType: 'EMAIL', access: 'WRITE' },
      ],
    });
    expect(error.extensions?.detail).toEqual([
      { loc: ['inputs', 1, 'key'], msg: "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.", type: 'value_error' },
    ]);
    // The service's own check, located under the argument as the pipe's are (REST says ['body', 1, 'name']).
    const keyless = await fails('BAD_USER_INPUT', UPSERT, {
      inputs: [
        { name: 'Good', connectionType: 'EMAIL', access: 'WRITE' },
        { name: '!!!', connectionType: 'EMAIL', access: 'WRITE' },
      ],
    });
    expect(keyless.extensions?.detail).toEqual([
      { loc: ['inputs', 1, 'name'], msg: "A key cannot be made from the name '!!!': give a key", type: 'value_error' },
    ]);
    const tooMany = await fails('GRAPHQL_VALIDATION_FAILED', UPSERT, {
      inputs: Array.from({ length: 51 }, (_, i) => ({ name: `C${i}`, connectionType: 'EMAIL', access: 'WRITE' })),
    });
    expect(tooMany.message).toBe('Mutation list arguments hold 51 items, over the limit of 50 per request');
    const postgres = await fails('BAD_USER_INPUT', UPSERT, { inputs: [{ name: 'Pg', connectionType: 'POSTGRES', access: 'WRITE' }] });
    expect(postgres.message).toContain('POSTGRES');
    expect(await count()).toBe(0);
  });

  it('sets secrets with a test email, tests again, and deletes', async () => {
    await ok(UPSERT, { inputs: [{ name: 'Daycare', connectionType: 'EMAIL', access: 'WRITE' }] });
    const set = await ok(SECRETS, { key: 'daycare', input: { toEmail: TO_EMAIL, testEmail: TEST_EMAIL } });
    expect(set).toMatchObject({ testStatus: 'SUCCEEDED', failureReason: null, connection: { key: 'daycare', hasSecrets: true, lastTestSucceeded: true } });
    expect(fakes.mailgun.requests.map((r) => [r.fields.to, r.fields.subject])).toEqual([[TEST_EMAIL, 'Data erasure request']]);
    const logged = (await t.db.query('SELECT action_type, status FROM message WHERE id = $1', [set.messageId])).rows[0];
    expect(logged).toEqual({ action_type: 'message_erasure_fulfillment', status: 'sent' });

    const unverified = await ok(SECRETS, { key: 'daycare', input: { toEmail: TO_EMAIL }, verify: false });
    expect(unverified).toMatchObject({ testStatus: null, messageId: null });
    expect(fakes.mailgun.requests).toHaveLength(1);

    fakes.mailgun.failNext(1, 401);
    await ok(SECRETS, { key: 'daycare', input: { toEmail: TO_EMAIL, testEmail: TEST_EMAIL }, verify: false });
    const tested = await ok(TEST, { key: 'daycare' });
    expect(tested).toMatchObject({ testStatus: 'FAILED', failureReason: expect.stringMatching(/401/), connection: { lastTestSucceeded: false } });

    const invalid = await fails('BAD_USER_INPUT', SECRETS, { key: 'daycare', input: { toEmail: 'not-an-address' } });
    expect(invalid.extensions?.detail).toEqual([{ loc: ['input', 'toEmail'], msg: 'value is not a valid email address', type: 'value_error.email' }]);

    expect(await ok(DELETE, { key: 'daycare' })).toBe(true);
    await fails('NOT_FOUND', DELETE, { key: 'daycare' });
    expect((await t.db.query("SELECT count(*) FROM secret WHERE owner_kind = 'connection'")).rows[0].count).toBe('0');
  });

  it('refuses callers without the scope', async () => {
    const client = await t.http().post('/api/v1/oauth/client').set(bearer(root)).send(['connection:read']);
    const reader = await obtainToken(t.http(), client.body.client_id, client.body.client_secret);
    await ok(LIST, {}, reader);
    await fails('FORBIDDEN', UPSERT, { inputs: [{ name: 'X', connectionType: 'EMAIL', access: 'WRITE' }] }, reader);
    await fails('UNAUTHENTICATED', LIST, {}, 'not-a-token');
  });
});
