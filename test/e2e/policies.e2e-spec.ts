// Policies, rules and rule targets over Fides' REST routes: the seeded defaults, per-item bulk results, Fides'
// validation and 404 texts, cascading deletes, and what was stored.
import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { PoliciesService } from '../../src/privacy-requests/policies/policies.service.js';
import { toPolicyResponse } from '../../src/privacy-requests/policies/policy.mapper.js';
import { TestApp, bearer, createTestApp } from '../support/test-app.js';

const DEFAULT_ACCESS = {
  name: 'Default Access Policy',
  key: 'default_access_policy',
  drp_action: null,
  execution_timeframe: 45,
  rules: [{ name: 'Default Access Rule', key: 'default_access_policy_rule', action_type: 'access', storage_destination: null, masking_strategy: null }],
};
const DEFAULT_ERASURE = {
  name: 'Default Erasure Policy',
  key: 'default_erasure_policy',
  drp_action: null,
  execution_timeframe: 45,
  rules: [
    {
      name: 'Default Erasure Rule',
      key: 'default_erasure_policy_rule',
      action_type: 'erasure',
      storage_destination: null,
      masking_strategy: { strategy: 'null_rewrite' },
    },
  ],
};
const NULL_REWRITE = { strategy: 'null_rewrite', configuration: {} };

describe('policies (REST)', () => {
  let t: TestApp;
  let auth: Record<string, string>;

  const url = (path = '') => `/api/v1/dsr/policy${path}`;
  const patch = (path: string, body: unknown) =>
    t
      .http()
      .patch(url(path))
      .set(auth)
      .send(body as object);
  const count = async (table: string): Promise<number> => Number((await t.db.query(`SELECT count(*) FROM ${table}`)).rows[0].count);
  const policyRow = async (key: string) => (await t.db.query('SELECT * FROM policy WHERE key = $1', [key])).rows[0];
  const ruleRow = async (key: string) => (await t.db.query('SELECT * FROM rule WHERE key = $1', [key])).rows[0];
  const targetRows = async (ruleKey: string) =>
    (
      await t.db.query('SELECT t.key, t.name, t.data_category FROM rule_target t JOIN rule r ON r.id = t.rule_id WHERE r.key = $1 ORDER BY t.created_at', [
        ruleKey,
      ])
    ).rows;

  /** A policy with an access and an erasure rule, for the rule and target tests. */
  const makePolicy = async (key = 'primary') => {
    await patch('', [{ name: `Policy ${key}`, key }]).expect(200);
    const rules = await patch(`/${key}/rule`, [
      { name: `${key} access`, key: `${key}_access`, action_type: 'access' },
      { name: `${key} erasure`, key: `${key}_erasure`, action_type: 'erasure', masking_strategy: NULL_REWRITE },
    ]).expect(200);
    expect(rules.body.failed).toEqual([]);
  };

  beforeAll(async () => {
    t = await createTestApp();
    auth = bearer(await t.rootToken());
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.db.query("DELETE FROM policy WHERE key NOT IN ('default_access_policy', 'default_erasure_policy')");
  });

  describe('seeded defaults', () => {
    it("has Fides' default access and erasure policies on a new database", async () => {
      const access = await t.http().get(url('/default_access_policy')).set(auth).expect(200);
      expect(access.body).toEqual(DEFAULT_ACCESS);
      const erasure = await t.http().get(url('/default_erasure_policy/')).set(auth).expect(200);
      expect(erasure.body).toEqual(DEFAULT_ERASURE);
      expect(await targetRows('default_access_policy_rule')).toEqual([{ key: 'default_access_policy_rule_target', name: null, data_category: 'user' }]);
      expect(await targetRows('default_erasure_policy_rule')).toEqual([{ key: 'default_erasure_policy_rule_target', name: null, data_category: 'user' }]);
      expect((await ruleRow('default_erasure_policy_rule')).masking_strategy).toEqual(NULL_REWRITE);

      const page = await t.http().get(url()).set(auth).expect(200);
      expect(Object.keys(page.body).sort()).toEqual(['items', 'page', 'size', 'total']);
      expect(page.body).toMatchObject({ total: 2, page: 1, size: 50 });
      expect(page.body.items).toEqual(expect.arrayContaining([DEFAULT_ACCESS, DEFAULT_ERASURE]));
    });

    it('gives the domain API the policy with its rules and targets', async () => {
      const service = t.app.get(PoliciesService);
      const policy = await service.findByKey('default_erasure_policy');
      expect(policy).toEqual({
        id: expect.any(String),
        key: 'default_erasure_policy',
        name: 'Default Erasure Policy',
        executionTimeframe: 45,
        drpAction: null,
        rules: [
          {
            key: 'default_erasure_policy_rule',
            name: 'Default Erasure Rule',
            actionType: 'erasure',
            maskingStrategy: NULL_REWRITE,
            targets: [{ key: 'default_erasure_policy_rule_target', name: null, dataCategory: 'user' }],
          },
        ],
      });
      expect(await service.findById(policy!.id)).toEqual(policy);
      expect(toPolicyResponse(policy!)).toEqual(DEFAULT_ERASURE);
      expect(await service.findByKey('nope')).toBeNull();
      expect(await service.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
    });
  });

  describe('PATCH /dsr/policy', () => {
    it('creates policies, the key made from the name, a failing item among good ones', async () => {
      const res = await patch('', [
        { name: 'Primary Policy', execution_timeframe: 30 },
        { name: 'Default Access Policy' },
        { name: 'Separate', key: 'my_separate_policy', action_type: 'erasure' },
        { name: 'Primary Policy', key: 'another_key' },
        { name: 'DRP', drp_action: 'access' },
      ]).expect(200);
      expect(res.body.succeeded).toEqual([
        { name: 'Primary Policy', key: 'primary_policy', drp_action: null, execution_timeframe: 30, rules: [] },
        { name: 'Separate', key: 'my_separate_policy', drp_action: null, execution_timeframe: null, rules: [] },
      ]);
      expect(res.body.failed).toEqual([
        {
          message:
            'Key default_access_policy already exists in Policy. Keys will be snake-cased names if not provided. If you are seeing this error without providing a key, please provide a key or a different name.',
          data: { name: 'Default Access Policy', key: null, drp_action: null, execution_timeframe: null },
        },
        {
          message: 'Name Primary Policy already exists in Policy.',
          data: { name: 'Primary Policy', key: 'another_key', drp_action: null, execution_timeframe: null },
        },
        { message: 'access action is not supported at this time.', data: { name: 'DRP', key: null, drp_action: 'access', execution_timeframe: null } },
      ]);
      expect(await policyRow('primary_policy')).toMatchObject({ name: 'Primary Policy', execution_timeframe: 30, drp_action: null });
      expect(await count('policy')).toBe(4);
    });

    it('updates by key, replacing every field', async () => {
      await patch('', [{ name: 'Primary', key: 'primary', execution_timeframe: 10 }]).expect(200);
      const res = await patch('/', [{ name: 'Primary renamed', key: 'primary' }]).expect(200);
      expect(res.body).toEqual({
        succeeded: [{ name: 'Primary renamed', key: 'primary', drp_action: null, execution_timeframe: null, rules: [] }],
        failed: [],
      });
      expect(await policyRow('primary')).toMatchObject({ name: 'Primary renamed', execution_timeframe: null });
      const renameOntoTaken = await patch('', [{ name: 'Default Erasure Policy', key: 'primary' }]).expect(200);
      expect(renameOntoTaken.body.failed[0].message).toBe('Name Default Erasure Policy already exists in Policy.');
      expect(await count('policy')).toBe(3);
    });

    it.each([
      ['a missing name', [{ key: 'a' }], ['body', 0, 'name'], 'field required'],
      ['a bad key', [{ name: 'A', key: 'a key' }], ['body', 0, 'key'], "FidesKey must only contain alphanumeric characters, '.', '_' or '-'."],
      ['a non-integer timeframe', [{ name: 'A', execution_timeframe: 'soon' }], ['body', 0, 'execution_timeframe'], 'value is not a valid integer'],
      [
        'an unknown DRP action',
        [{ name: 'A', drp_action: 'invalid' }],
        ['body', 0, 'drp_action'],
        "value is not a valid enumeration member; permitted: 'access', 'deletion', 'sale:opt_out', 'sale:opt_in', 'access:categories', 'access:specific'",
      ],
      ['a name without a usable key', [{ name: 'Fine' }, { name: '!!!' }], ['body', 1, 'name'], "A key cannot be made from the name '!!!': give a key"],
      ['an object instead of a list', { name: 'A' }, ['body'], 'value is not a valid list'],
    ])('refuses %s with 422, writing nothing', async (_, body, loc, msg) => {
      const res = await patch('', body).expect(422);
      expect(res.body.detail).toEqual([expect.objectContaining({ loc, msg })]);
      expect(await count('policy')).toBe(2);
    });

    it('refuses more than 50 items', async () => {
      const res = await patch(
        '',
        Array.from({ length: 51 }, (_, i) => ({ name: `P ${i}` })),
      ).expect(422);
      expect(res.body.detail).toEqual([{ loc: ['body'], msg: 'ensure this value has at most 50 items', type: 'value_error.list.max_items' }]);
    });
  });

  describe('GET and DELETE /dsr/policy/{policy_key}', () => {
    it("answers 404 with Fides' text for an unknown policy", async () => {
      expect((await t.http().get(url('/nope')).set(auth).expect(404)).body).toEqual({ detail: 'No Policy found for key nope.' });
      expect((await t.http().delete(url('/nope')).set(auth).expect(404)).body).toEqual({ detail: 'No Policy found for key nope.' });
      expect((await t.http().get(url('/bad key')).set(auth).expect(422)).body.detail[0]).toMatchObject({ loc: ['path', 'policy_key'] });
    });

    it('deletes a policy with its rules and targets', async () => {
      await makePolicy();
      await patch('/primary/rule/primary_access/target', [{ data_category: 'user.contact' }]).expect(200);
      expect(await count('rule')).toBe(4);
      await t.http().delete(url('/primary')).set(auth).expect(204);
      expect(await policyRow('primary')).toBeUndefined();
      expect(await count('rule')).toBe(2);
      expect(await count('rule_target')).toBe(2);
    });

    it('lists newest first with paging', async () => {
      await patch('', [{ name: 'Older', key: 'older' }]).expect(200);
      await patch('', [{ name: 'Newer', key: 'newer' }]).expect(200);
      const page = await t.http().get(url('?page=1&size=2')).set(auth).expect(200);
      expect(page.body).toMatchObject({ total: 4, page: 1, size: 2 });
      expect(page.body.items.map((p: { key: string }) => p.key)).toEqual(['newer', 'older']);
      await t.http().get(url('?size=101')).set(auth).expect(422);
    });
  });

  describe('rules', () => {
    it('creates access and erasure rules, answering Fides RuleResponse without the masking configuration', async () => {
      await patch('', [{ name: 'Primary', key: 'primary' }]).expect(200);
      const res = await patch('/primary/rule', [
        { name: 'Access rule', action_type: 'access', storage_destination_key: 'default_local_storage' },
        { name: 'Rewrite', action_type: 'erasure', masking_strategy: { strategy: 'string_rewrite', configuration: { rewrite_value: 'MASKED' } } },
      ]).expect(200);
      expect(res.body).toEqual({
        succeeded: [
          { name: 'Access rule', key: 'access_rule', action_type: 'access', storage_destination: null, masking_strategy: null },
          { name: 'Rewrite', key: 'rewrite', action_type: 'erasure', storage_destination: null, masking_strategy: { strategy: 'string_rewrite' } },
        ],
        failed: [],
      });
      expect(await ruleRow('rewrite')).toMatchObject({
        action_type: 'erasure',
        masking_strategy: { strategy: 'string_rewrite', configuration: { rewrite_value: 'MASKED' } },
      });
      const policy = await t.http().get(url('/primary')).set(auth).expect(200);
      expect(policy.body.rules.map((r: { key: string }) => r.key)).toEqual(['access_rule', 'rewrite']);

      const rule = await t.http().get(url('/primary/rule/rewrite')).set(auth).expect(200);
      expect(rule.body).toEqual({
        name: 'Rewrite',
        key: 'rewrite',
        action_type: 'erasure',
        targets: [],
        storage_destination: null,
        masking_strategy: { strategy: 'string_rewrite' },
      });
      const list = await t.http().get(url('/primary/rule')).set(auth).expect(200);
      expect(list.body).toMatchObject({ total: 2, page: 1, size: 50 });
      expect(list.body.items.map((r: { key: string }) => r.key)).toEqual(['rewrite', 'access_rule']);
    });

    it('fails invalid rules item by item with Fides texts', async () => {
      await makePolicy();
      const res = await patch('/primary/rule', [
        { name: 'Erase without masking', action_type: 'erasure' },
        { name: 'Access with masking', action_type: 'access', masking_strategy: NULL_REWRITE },
        { name: 'Unknown strategy', action_type: 'erasure', masking_strategy: { strategy: 'shred', configuration: {} } },
        { name: 'No rewrite value', action_type: 'erasure', masking_strategy: { strategy: 'string_rewrite', configuration: {} } },
        { name: 'primary access', key: 'other_access', action_type: 'access' },
        { name: 'Stolen', key: 'default_access_policy_rule', action_type: 'access' },
        { name: 'Good', action_type: 'erasure', masking_strategy: { strategy: 'hash', configuration: { algorithm: 'SHA-512' } } },
      ]).expect(200);
      expect(res.body.succeeded.map((r: { key: string }) => r.key)).toEqual(['good']);
      expect(res.body.failed.map((f: { message: string }) => f.message)).toEqual([
        'Erasure Rules must have masking strategies.',
        'Access Rules cannot have masking strategies.',
        "Strategy 'shred' does not exist. Valid strategies are [null_rewrite, string_rewrite, hash, random_string_rewrite, hmac, aes_encrypt]",
        '1 validation error for StringRewriteMaskingConfiguration\nrewrite_value\n  field required (type=value_error.missing)',
        'Name primary access already exists in Rule.',
        'Rule with identifier default_access_policy_rule belongs to another policy.',
      ]);
      expect(res.body.failed[2].data).toEqual({
        name: 'Unknown strategy',
        key: null,
        action_type: 'erasure',
        storage_destination_key: null,
        masking_strategy: { strategy: 'shred', configuration: {} },
      });
      expect(await count('rule')).toBe(5);
      expect((await ruleRow('default_access_policy_rule')).name).toBe('Default Access Rule');
    });

    it('updates a rule by key, replacing its fields', async () => {
      await makePolicy();
      const res = await patch('/primary/rule', [{ name: 'Now erasure', key: 'primary_access', action_type: 'erasure', masking_strategy: NULL_REWRITE }]).expect(
        200,
      );
      expect(res.body.succeeded).toEqual([
        { name: 'Now erasure', key: 'primary_access', action_type: 'erasure', storage_destination: null, masking_strategy: { strategy: 'null_rewrite' } },
      ]);
      expect(await ruleRow('primary_access')).toMatchObject({ name: 'Now erasure', action_type: 'erasure', masking_strategy: NULL_REWRITE });
      expect(await count('rule')).toBe(4);
    });

    it.each([
      [
        'a bad action type',
        [{ name: 'R', action_type: 'update' }],
        ['body', 0, 'action_type'],
        "value is not a valid enumeration member; permitted: 'access', 'erasure'",
      ],
      ['a missing action type', [{ name: 'R' }], ['body', 0, 'action_type'], 'field required'],
      [
        'a name without a usable key',
        [
          { name: 'R', action_type: 'access' },
          { name: '!!!', action_type: 'access' },
        ],
        ['body', 1, 'name'],
        "A key cannot be made from the name '!!!': give a key",
      ],
      [
        'a masking strategy without configuration',
        [{ name: 'R', action_type: 'erasure', masking_strategy: { strategy: 'null_rewrite' } }],
        ['body', 0, 'masking_strategy', 'configuration'],
        'field required',
      ],
      [
        'a masking strategy that is not an object',
        [{ name: 'R', action_type: 'erasure', masking_strategy: 'null_rewrite' }],
        ['body', 0, 'masking_strategy'],
        'value is not a valid dict',
      ],
    ])('refuses %s with 422', async (_, body, loc, msg) => {
      await makePolicy();
      const res = await patch('/primary/rule', body).expect(422);
      expect(res.body.detail).toEqual([expect.objectContaining({ loc, msg })]);
      expect(await count('rule')).toBe(4);
    });

    it("answers 404 with Fides' texts for an unknown policy or rule, before looking at the body", async () => {
      await makePolicy();
      expect((await patch('/nope/rule', 'not a list').expect(404)).body).toEqual({ detail: 'No Policy found for key nope.' });
      expect((await t.http().get(url('/primary/rule/nope')).set(auth).expect(404)).body).toEqual({
        detail: 'No Rule found for key nope attached to policy primary',
      });
      expect((await t.http().delete(url('/primary/rule/nope')).set(auth).expect(404)).body).toEqual({
        detail: 'No Rule found for key nope on Policy primary.',
      });
      // A rule of another policy is not found through this one.
      await t.http().delete(url('/primary/rule/default_access_policy_rule')).set(auth).expect(404);
      expect((await patch('/primary/rule/nope/target', []).expect(404)).body).toEqual({ detail: 'No Rule found for key nope on Policy primary.' });
    });

    it('deletes a rule with its targets', async () => {
      await makePolicy();
      await patch('/primary/rule/primary_erasure/target', [{ data_category: 'user.contact.email' }, { data_category: 'user.name' }]).expect(200);
      await t.http().delete(url('/primary/rule/primary_erasure/')).set(auth).expect(204);
      expect(await ruleRow('primary_erasure')).toBeUndefined();
      expect(await targetRows('primary_erasure')).toEqual([]);
      expect(await count('rule_target')).toBe(2);
    });
  });

  describe('rule targets', () => {
    it('creates targets, keys from the name or from the rule and category, and reads them back', async () => {
      await makePolicy();
      const res = await patch('/primary/rule/primary_access/target', [
        { data_category: 'user.contact.email' },
        { name: 'Children', data_category: 'user.childrens' },
        { key: 'names', data_category: 'user.name' },
      ]).expect(200);
      expect(res.body).toEqual({
        succeeded: [
          { name: null, key: 'primary_access_user_contact_email', data_category: 'user.contact.email' },
          { name: 'Children', key: 'children', data_category: 'user.childrens' },
          { name: null, key: 'names', data_category: 'user.name' },
        ],
        failed: [],
      });
      expect(await targetRows('primary_access')).toEqual([
        { key: 'primary_access_user_contact_email', name: null, data_category: 'user.contact.email' },
        { key: 'children', name: 'Children', data_category: 'user.childrens' },
        { key: 'names', name: null, data_category: 'user.name' },
      ]);
      const one = await t.http().get(url('/primary/rule/primary_access/target/children')).set(auth).expect(200);
      expect(one.body).toEqual({ name: 'Children', key: 'children', data_category: 'user.childrens' });
      const page = await t.http().get(url('/primary/rule/primary_access/target')).set(auth).expect(200);
      expect(page.body).toMatchObject({ total: 3, page: 1, size: 50 });
      expect(page.body.items[0].key).toBe('names');
      const rule = await t.http().get(url('/primary/rule/primary_access')).set(auth).expect(200);
      expect(rule.body.targets).toHaveLength(3);
      expect((await t.http().get(url('/primary/rule/primary_access/target/nope')).set(auth).expect(404)).body).toEqual({
        detail: 'No Rule Target found for key nope attached to rule primary_access.',
      });
    });

    it("reads several policies in one statement as it reads each (a page of privacy requests shows each one's)", async () => {
      await makePolicy('primary');
      await makePolicy('second');
      await patch('/primary/rule/primary_access/target', [{ data_category: 'user.name' }, { key: 'email', data_category: 'user.contact.email' }]).expect(200);
      await patch('/primary/rule/primary_erasure/target', [{ name: 'Phone', data_category: 'user.contact.phone_number' }]).expect(200);
      const service = t.app.get(PoliciesService);
      const ids = await Promise.all(['primary', 'second', 'default_erasure_policy'].map(async (key) => (await policyRow(key)).id as string));
      const statements = jest.spyOn(t.app.get(DataSource), 'query');
      const many = await service.findByIds([...ids, ids[0]]);
      expect(statements).toHaveBeenCalledTimes(1);
      statements.mockRestore();
      expect([...many.keys()].sort()).toEqual([...ids].sort());
      for (const id of ids) expect(many.get(id)).toEqual(await service.findById(id));
      expect(many.get(ids[0])?.rules.map((r) => [r.key, r.targets.map((target) => target.key)])).toEqual([
        ['primary_access', ['primary_access_user_name', 'email']],
        ['primary_erasure', ['phone']],
      ]);
      expect(await service.findByIds([])).toEqual(new Map());
    });

    it('rejects categories outside the taxonomy, repeated on a rule, or overlapping across erasure rules', async () => {
      await makePolicy();
      await patch('/primary/rule', [{ name: 'Second erasure', key: 'second_erasure', action_type: 'erasure', masking_strategy: NULL_REWRITE }]).expect(200);
      const first = await patch('/primary/rule/primary_erasure/target', [
        { data_category: 'user.contact.email' },
        { data_category: 'customer.secret' },
        { name: 'Again', key: 'again', data_category: 'user.contact.email' },
        { data_category: 'user.contact' },
      ]).expect(200);
      expect(first.body.succeeded.map((s: { data_category: string }) => s.data_category)).toEqual(['user.contact.email']);
      expect(first.body.failed).toEqual([
        { message: 'The data category customer.secret is not supported.', data: { name: null, key: null, data_category: 'customer.secret' } },
        {
          message: 'DataCategory user.contact.email is already specified on Rule with key primary_erasure',
          data: { name: 'Again', key: 'again', data_category: 'user.contact.email' },
        },
        {
          message: 'Policy rules are invalid, action conflict in erasure rules detected for categories user.contact.email and user.contact',
          data: { name: null, key: null, data_category: 'user.contact' },
        },
      ]);
      // Another erasure rule of the policy may not target the same category either; an access rule may.
      const second = await patch('/primary/rule/second_erasure/target', [{ data_category: 'user.contact.email' }, { data_category: 'user.name' }]).expect(200);
      expect(second.body.failed.map((f: { message: string }) => f.message)).toEqual([
        'Policy rules are invalid, action conflict in erasure rules detected for categories user.contact.email and user.contact.email',
      ]);
      await patch('/primary/rule/primary_access/target', [{ data_category: 'user.contact.email' }]).expect(200);
      expect(await count('rule_target')).toBe(2 + 3);
    });

    it('updates a target by key, and refuses one of another rule', async () => {
      await makePolicy();
      await patch('/primary/rule/primary_access/target', [{ name: 'Email', key: 'email', data_category: 'user.contact.email' }]).expect(200);
      const updated = await patch('/primary/rule/primary_access/target', [{ key: 'email', data_category: 'user.contact.phone_number' }]).expect(200);
      expect(updated.body.succeeded).toEqual([{ name: 'Email', key: 'email', data_category: 'user.contact.phone_number' }]);
      const moved = await patch('/primary/rule/primary_erasure/target', [{ key: 'email', data_category: 'user.name' }]).expect(200);
      expect(moved.body.failed[0].message).toBe('RuleTarget with identifier email belongs to another rule.');
      expect(await targetRows('primary_access')).toEqual([{ key: 'email', name: 'Email', data_category: 'user.contact.phone_number' }]);
      const invalid = await patch('/primary/rule/primary_access/target', [{ name: 'X' }]).expect(422);
      expect(invalid.body.detail).toEqual([{ loc: ['body', 0, 'data_category'], msg: 'field required', type: 'value_error.missing' }]);
      const keyless = await patch('/primary/rule/primary_access/target', [{ name: '!!!', data_category: 'user.name' }]).expect(422);
      expect(keyless.body.detail).toEqual([{ loc: ['body', 0, 'name'], msg: "A key cannot be made from the name '!!!': give a key", type: 'value_error' }]);
    });

    it('deletes a target', async () => {
      await makePolicy();
      await patch('/primary/rule/primary_access/target', [{ key: 'email', data_category: 'user.contact.email' }]).expect(200);
      expect((await t.http().delete(url('/primary/rule/primary_access/target/nope')).set(auth).expect(404)).body).toEqual({
        detail: 'No RuleTarget found for key nope at Rule primary_access on Policy primary.',
      });
      await t.http().delete(url('/primary/rule/primary_access/target/email')).set(auth).expect(204);
      expect(await targetRows('primary_access')).toEqual([]);
    });
  });
});
