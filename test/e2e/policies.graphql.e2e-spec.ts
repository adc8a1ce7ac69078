// Policies over GraphQL: the same service as REST, typed inputs and per-item results, errors as `extensions.code`.
import { TestApp, createTestApp, graphql, obtainToken } from '../support/test-app.js';

const RULE = 'key name actionType maskingStrategy { strategy } targets { key name dataCategory }';
const POLICY = `key name executionTimeframe drpAction rules { ${RULE} }`;
const LIST = `query List($page: Int, $size: Int) { policies(page: $page, size: $size) { total page size items { ${POLICY} } } }`;
const GET = `query Get($key: String!) { policy(key: $key) { ${POLICY} } }`;
const UPSERT = `mutation Upsert($inputs: [PolicyInput!]!) { upsertPolicies(inputs: $inputs) {
  succeeded { ${POLICY} } failed { message data { name key executionTimeframe } } } }`;
const UPSERT_RULES = `mutation Rules($policyKey: String!, $inputs: [RuleInput!]!) { upsertRules(policyKey: $policyKey, inputs: $inputs) {
  succeeded { ${RULE} } failed { message data { name key actionType maskingStrategy { strategy } } } } }`;
const UPSERT_TARGETS = `mutation Targets($policyKey: String!, $ruleKey: String!, $inputs: [RuleTargetInput!]!) {
  upsertRuleTargets(policyKey: $policyKey, ruleKey: $ruleKey, inputs: $inputs) { succeeded { key name dataCategory } failed { message data { key name dataCategory } } } }`;
const DELETE = 'mutation Delete($key: String!) { deletePolicy(key: $key) }';
const DELETE_RULE = 'mutation DeleteRule($policyKey: String!, $ruleKey: String!) { deleteRule(policyKey: $policyKey, ruleKey: $ruleKey) }';
const DELETE_TARGET = `mutation DeleteTarget($policyKey: String!, $ruleKey: String!, $targetKey: String!) {
  deleteRuleTarget(policyKey: $policyKey, ruleKey: $ruleKey, targetKey: $targetKey) }`;

const DEFAULT_ACCESS = {
  key: 'default_access_policy',
  name: 'Default Access Policy',
  executionTimeframe: 45,
  drpAction: null,
  rules: [
    {
      key: 'default_access_policy_rule',
      name: 'Default Access Rule',
      actionType: 'ACCESS',
      maskingStrategy: null,
      targets: [{ key: 'default_access_policy_rule_target', name: null, dataCategory: 'user' }],
    },
  ],
};

describe('Policies GraphQL API', () => {
  let t: TestApp;
  let root: string;

  const ok = async (query: string, variables: Record<string, unknown> = {}, token = root) => {
    const result = await graphql(t, query, variables, token);
    expect(result.errors).toBeUndefined();
    return Object.values(result.data ?? {})[0] as Record<string, any>;
  };
  const fails = async (code: string, query: string, variables: Record<string, unknown> = {}, token = root) => {
    const result = await graphql(t, query, variables, token);
    expect(result.errors?.[0]?.extensions?.code).toBe(code);
    return result.errors![0];
  };
  const count = async (table: string) => Number((await t.db.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

  beforeAll(async () => {
    t = await createTestApp();
    root = await t.rootToken();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.db.query("DELETE FROM policy WHERE key NOT IN ('default_access_policy', 'default_erasure_policy')");
  });

  it('reads the seeded policies', async () => {
    expect(await ok(GET, { key: 'default_access_policy' })).toEqual(DEFAULT_ACCESS);
    const erasure = await ok(GET, { key: 'default_erasure_policy' });
    expect(erasure.rules[0]).toMatchObject({ actionType: 'ERASURE', maskingStrategy: { strategy: 'NULL_REWRITE' } });
    const page = await ok(LIST, { size: 10 });
    expect(page).toMatchObject({ total: 2, page: 1, size: 10 });
    expect(page.items).toContainEqual(DEFAULT_ACCESS);
    expect((await fails('NOT_FOUND', GET, { key: 'nope' })).message).toBe('No Policy found for key nope.');
    await fails('BAD_USER_INPUT', LIST, { size: 0 });
  });

  it('upserts policies, each item on its own, and deletes them with their rules', async () => {
    const created = await ok(UPSERT, {
      inputs: [
        { name: 'Primary Policy', executionTimeframe: 30 },
        { name: 'Default Erasure Policy', key: 'other' },
        { name: 'Separate', key: 'separate' },
      ],
    });
    expect(created.succeeded).toEqual([
      { key: 'primary_policy', name: 'Primary Policy', executionTimeframe: 30, drpAction: null, rules: [] },
      { key: 'separate', name: 'Separate', executionTimeframe: null, drpAction: null, rules: [] },
    ]);
    expect(created.failed).toEqual([
      { message: 'Name Default Erasure Policy already exists in Policy.', data: { name: 'Default Erasure Policy', key: 'other', executionTimeframe: null } },
    ]);
    expect(await count('policy')).toBe(4);

    const updated = await ok(UPSERT, { inputs: [{ name: 'Primary renamed', key: 'primary_policy' }] });
    expect(updated.succeeded[0]).toMatchObject({ key: 'primary_policy', name: 'Primary renamed', executionTimeframe: null });
    expect((await t.db.query("SELECT name FROM policy WHERE key = 'primary_policy'")).rows[0].name).toBe('Primary renamed');

    const invalid = await fails('BAD_USER_INPUT', UPSERT, { inputs: [{ name: 'A' }, { name: 'B', key: 'bad key' }] });
    expect(invalid.extensions?.detail).toEqual([
      { loc: ['inputs', 1, 'key'], msg: "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.", type: 'value_error' },
    ]);
    const keyless = await fails('BAD_USER_INPUT', UPSERT, { inputs: [{ name: '!!!' }] });
    expect(keyless.extensions?.detail).toEqual([
      { loc: ['inputs', 0, 'name'], msg: "A key cannot be made from the name '!!!': give a key", type: 'value_error' },
    ]);
    expect(await count('policy')).toBe(4);

    await ok(UPSERT_RULES, { policyKey: 'separate', inputs: [{ name: 'Sep access', actionType: 'ACCESS' }] });
    expect(await ok(DELETE, { key: 'separate' })).toBe(true);
    expect(await count('policy')).toBe(3);
    expect(await count('rule')).toBe(2);
    expect((await fails('NOT_FOUND', DELETE, { key: 'separate' })).message).toBe('No Policy found for key separate.');
  });

  it('upserts rules with typed masking strategies and per-item failures', async () => {
    await ok(UPSERT, { inputs: [{ name: 'Primary', key: 'primary' }] });
    const rules = await ok(UPSERT_RULES, {
      policyKey: 'primary',
      inputs: [
        { name: 'Access', actionType: 'ACCESS' },
        { name: 'Rewrite', actionType: 'ERASURE', maskingStrategy: { strategy: 'STRING_REWRITE', configuration: { rewriteValue: 'MASKED' } } },
        { name: 'No masking', actionType: 'ERASURE' },
        { name: 'Masked access', actionType: 'ACCESS', maskingStrategy: { strategy: 'HASH' } },
        { name: 'No rewrite value', actionType: 'ERASURE', maskingStrategy: { strategy: 'STRING_REWRITE' } },
      ],
    });
    expect(rules.succeeded).toEqual([
      { key: 'access', name: 'Access', actionType: 'ACCESS', maskingStrategy: null, targets: [] },
      { key: 'rewrite', name: 'Rewrite', actionType: 'ERASURE', maskingStrategy: { strategy: 'STRING_REWRITE' }, targets: [] },
    ]);
    expect(rules.failed).toEqual([
      { message: 'Erasure Rules must have masking strategies.', data: { name: 'No masking', key: null, actionType: 'ERASURE', maskingStrategy: null } },
      {
        message: 'Access Rules cannot have masking strategies.',
        data: { name: 'Masked access', key: null, actionType: 'ACCESS', maskingStrategy: { strategy: 'HASH' } },
      },
      {
        message: '1 validation error for StringRewriteMaskingConfiguration\nrewrite_value\n  field required (type=value_error.missing)',
        data: { name: 'No rewrite value', key: null, actionType: 'ERASURE', maskingStrategy: { strategy: 'STRING_REWRITE' } },
      },
    ]);
    expect((await t.db.query("SELECT masking_strategy FROM rule WHERE key = 'rewrite'")).rows[0].masking_strategy).toEqual({
      strategy: 'string_rewrite',
      configuration: { rewrite_value: 'MASKED' },
    });

    // Problems are located under the `inputs` argument, in GraphQL's names: the input's own and the service's.
    const badKey = await fails('BAD_USER_INPUT', UPSERT_RULES, { policyKey: 'primary', inputs: [{ name: 'A', actionType: 'ACCESS', key: 'bad key' }] });
    expect(badKey.extensions?.detail).toEqual([
      { loc: ['inputs', 0, 'key'], msg: "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.", type: 'value_error' },
    ]);
    const keyless = await fails('BAD_USER_INPUT', UPSERT_RULES, {
      policyKey: 'primary',
      inputs: [
        { name: 'A', actionType: 'ACCESS' },
        { name: '!!!', actionType: 'ACCESS' },
      ],
    });
    expect(keyless.extensions?.detail).toEqual([
      { loc: ['inputs', 1, 'name'], msg: "A key cannot be made from the name '!!!': give a key", type: 'value_error' },
    ]);

    const badEnum = await graphql(t, UPSERT_RULES, { policyKey: 'primary', inputs: [{ name: 'X', actionType: 'UPDATE' }] }, root);
    expect(badEnum.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await fails('NOT_FOUND', UPSERT_RULES, { policyKey: 'nope', inputs: [] })).message).toBe('No Policy found for key nope.');

    expect(await ok(DELETE_RULE, { policyKey: 'primary', ruleKey: 'rewrite' })).toBe(true);
    expect((await fails('NOT_FOUND', DELETE_RULE, { policyKey: 'primary', ruleKey: 'rewrite' })).message).toBe(
      'No Rule found for key rewrite on Policy primary.',
    );
    expect(await count('rule')).toBe(3);
  });

  it('upserts rule targets against the taxonomy, and deletes them', async () => {
    await ok(UPSERT, { inputs: [{ name: 'Primary', key: 'primary' }] });
    await ok(UPSERT_RULES, {
      policyKey: 'primary',
      inputs: [{ name: 'Erase', key: 'erase', actionType: 'ERASURE', maskingStrategy: { strategy: 'NULL_REWRITE' } }],
    });
    const targets = await ok(UPSERT_TARGETS, {
      policyKey: 'primary',
      ruleKey: 'erase',
      inputs: [
        { dataCategory: 'user.contact' },
        { name: 'Email', dataCategory: 'user.contact.email' },
        { dataCategory: 'user.unknown' },
        { key: 'again', dataCategory: 'user.contact' },
      ],
    });
    expect(targets.succeeded).toEqual([{ key: 'erase_user_contact', name: null, dataCategory: 'user.contact' }]);
    expect(targets.failed).toEqual([
      {
        message: 'Policy rules are invalid, action conflict in erasure rules detected for categories user.contact.email and user.contact',
        data: { key: null, name: 'Email', dataCategory: 'user.contact.email' },
      },
      { message: 'The data category user.unknown is not supported.', data: { key: null, name: null, dataCategory: 'user.unknown' } },
      { message: 'DataCategory user.contact is already specified on Rule with key erase', data: { key: 'again', name: null, dataCategory: 'user.contact' } },
    ]);
    const keyless = await fails('BAD_USER_INPUT', UPSERT_TARGETS, {
      policyKey: 'primary',
      ruleKey: 'erase',
      inputs: [{ name: '!!!', dataCategory: 'user.name' }],
    });
    expect(keyless.extensions?.detail).toEqual([
      { loc: ['inputs', 0, 'name'], msg: "A key cannot be made from the name '!!!': give a key", type: 'value_error' },
    ]);
    const badKey = await fails('BAD_USER_INPUT', UPSERT_TARGETS, {
      policyKey: 'primary',
      ruleKey: 'erase',
      inputs: [{ key: 'bad key', dataCategory: 'user.name' }],
    });
    expect(badKey.extensions?.detail).toEqual([
      { loc: ['inputs', 0, 'key'], msg: "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.", type: 'value_error' },
    ]);
    const policy = await ok(GET, { key: 'primary' });
    expect(policy.rules[0].targets).toEqual([{ key: 'erase_user_contact', name: null, dataCategory: 'user.contact' }]);
    expect((await fails('NOT_FOUND', UPSERT_TARGETS, { policyKey: 'primary', ruleKey: 'nope', inputs: [] })).message).toBe(
      'No Rule found for key nope on Policy primary.',
    );

    expect(await ok(DELETE_TARGET, { policyKey: 'primary', ruleKey: 'erase', targetKey: 'erase_user_contact' })).toBe(true);
    expect((await t.db.query("SELECT count(*) FROM rule_target t JOIN rule r ON r.id = t.rule_id WHERE r.key = 'erase'")).rows[0].count).toBe('0');
    expect((await fails('NOT_FOUND', DELETE_TARGET, { policyKey: 'primary', ruleKey: 'erase', targetKey: 'erase_user_contact' })).message).toBe(
      'No RuleTarget found for key erase_user_contact at Rule erase on Policy primary.',
    );
  });

  it('requires the scopes', async () => {
    const client = await t
      .http()
      .post('/api/v1/oauth/client')
      .set({ Authorization: `Bearer ${root}` })
      .send(['policy:read']);
    const reader = await obtainToken(t.http(), client.body.client_id, client.body.client_secret);
    expect((await ok(GET, { key: 'default_access_policy' }, reader)).key).toBe('default_access_policy');
    await fails('FORBIDDEN', UPSERT, { inputs: [{ name: 'X' }] }, reader);
    await fails('FORBIDDEN', UPSERT_RULES, { policyKey: 'default_access_policy', inputs: [] }, reader);
    await fails('UNAUTHENTICATED', LIST, {}, '');
  });
});
