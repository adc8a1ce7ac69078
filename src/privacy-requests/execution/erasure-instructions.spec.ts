import { parseDataset } from '../../datasets/index.js';
import { buildErasureInstructions, CollectionInstructions, ErasureRuleTargets, hasSomethingToErase, toErasureParams } from './erasure-instructions.js';

type Ref = { dataset: string; field: string; direction?: 'from' | 'to' | null };
type RawField = {
  name: string;
  categories?: string[];
  pk?: boolean;
  identity?: string;
  refs?: Ref[];
  dataType?: string;
  fields?: RawField[];
};

const rawField = (f: RawField): object => ({
  name: f.name,
  data_categories: f.categories,
  fidesops_meta: { primary_key: f.pk, identity: f.identity, references: f.refs, data_type: f.dataType },
  fields: f.fields?.map(rawField),
});

/** A dataset (collection name → fields), normalized as the API stores it (collections and top-level fields sorted). */
const dataset = (fidesKey: string, collections: Record<string, RawField[]>) =>
  parseDataset({ fides_key: fidesKey, collections: Object.entries(collections).map(([name, fields]) => ({ name, fields: fields.map(rawField) })) }, []);

const rule = (dataCategories: string[], maskingStrategy = 'null_rewrite', ruleKey = 'erase'): ErasureRuleTargets => ({
  ruleKey,
  maskingStrategy,
  dataCategories,
});

const pk: RawField = { name: 'id', categories: ['system.operations'], pk: true };
const EMAIL = 'customer-1@example.com';

/** collection → action, for compact expectations. */
const actions = (instructions: CollectionInstructions[]) => Object.fromEntries(instructions.map((i) => [i.collection, i.action]));

/**
 * The email dataset of Fides' `test_email_connector_cache_and_delayed_send` (docs/compatibility.md#connections-and-datasets): fidesops'
 * `data/dataset/email_dataset.yml` (report_card, payment) plus `daycare_customer.scholarship`, whose category
 * (`user.childrens`) the test's expected update implies.
 */
const fidesTestDataset = () =>
  dataset('email_dataset', {
    daycare_customer: [
      pk,
      { name: 'customer_id', categories: ['user'], refs: [{ dataset: 'postgres_example_test_dataset', field: 'customer.id', direction: 'from' }] },
      { name: 'scholarship', categories: ['user.childrens'] },
    ],
    children: [
      pk,
      { name: 'first_name', categories: ['user.childrens'] },
      { name: 'last_name', categories: ['user.childrens'] },
      { name: 'birthday', categories: ['user.childrens'], dataType: 'string' },
      {
        name: 'report_card',
        dataType: 'object',
        fields: ['grades', 'behavior_issues', 'disciplinary_action', 'test_scores'].map((name) => ({ name, categories: ['user.childrens'] })),
      },
      { name: 'parent_id', refs: [{ dataset: 'email_dataset', field: 'daycare_customer.id', direction: 'from' }] },
    ],
    payment: [
      pk,
      { name: 'payer_email', categories: ['user.contact.email'], identity: 'email' },
      { name: 'ccn', categories: ['user.financial.account_number'] },
    ],
  });

/** Postman's "Create/Update Email Dataset" (docs/compatibility.md#the-postman-collection). */
const postmanDataset = () =>
  dataset('email_dataset', {
    daycare_customer: [pk, { name: 'customer_id', categories: ['user'], refs: [{ dataset: 'postgres_example', field: 'customer.id', direction: 'from' }] }],
    children: [
      pk,
      { name: 'first_name', categories: ['user.childrens'] },
      { name: 'last_name', categories: ['user.childrens'] },
      { name: 'birthday', categories: ['user.childrens'], dataType: 'string' },
      { name: 'parent_id', categories: ['user'], refs: [{ dataset: 'email_dataset', field: 'daycare_customer.id', direction: 'from' }] },
    ],
  });

describe('buildErasureInstructions', () => {
  it("reproduces Fides' integration test, with upstream addresses where Fides had postgres values", () => {
    const instructions = buildErasureInstructions(fidesTestDataset(), { email: EMAIL }, [rule(['user.childrens'])]);

    // Adapted from Fides: there `customer_id` was located by the postgres value `[1]`. Herald reads no upstream
    // database, so it names the upstream field instead. Everything else is Fides' expected value.
    expect(instructions.map((i) => i.address)).toEqual(['email_dataset:children', 'email_dataset:daycare_customer', 'email_dataset:payment']);
    expect(actions(instructions)).toEqual({
      daycare_customer: {
        locators: { customer_id: ['postgres_example_test_dataset:customer:id'] },
        get: null,
        update: { scholarship: 'null_rewrite' },
      },
      payment: { locators: { payer_email: [EMAIL] }, get: null, update: null },
      children: {
        locators: { parent_id: ['email_dataset:daycare_customer:id'] },
        get: null,
        update: {
          birthday: 'null_rewrite',
          first_name: 'null_rewrite',
          last_name: 'null_rewrite',
          'report_card.grades': 'null_rewrite',
          'report_card.behavior_issues': 'null_rewrite',
          'report_card.disciplinary_action': 'null_rewrite',
          'report_card.test_scores': 'null_rewrite',
        },
      },
    });
    expect(hasSomethingToErase(instructions)).toBe(true);
  });

  it("lists the policy-targeted fields as Fides' execution log does", () => {
    const [children, daycare, payment] = buildErasureInstructions(fidesTestDataset(), { email: EMAIL }, [rule(['user.childrens'])]);
    expect(children.fieldsAffected.map((f) => f.field_name)).toEqual([
      'birthday',
      'first_name',
      'last_name',
      'report_card.grades',
      'report_card.behavior_issues',
      'report_card.disciplinary_action',
      'report_card.test_scores',
    ]);
    expect(children.fieldsAffected[3]).toEqual({
      path: 'email_dataset:children:report_card.grades',
      field_name: 'report_card.grades',
      data_categories: ['user.childrens'],
    });
    expect(daycare.fieldsAffected).toEqual([
      { path: 'email_dataset:daycare_customer:scholarship', field_name: 'scholarship', data_categories: ['user.childrens'] },
    ]);
    expect(payment.fieldsAffected).toEqual([]);
  });

  it("builds Postman's email_dataset instructions (no identity field, so only upstream addresses locate records)", () => {
    const instructions = buildErasureInstructions(postmanDataset(), { email: EMAIL }, [rule(['user.childrens'])]);
    // `customer_id` and `parent_id` are `user`, broader than the target `user.childrens`, so they are not erased.
    expect(actions(instructions)).toEqual({
      children: {
        locators: { parent_id: ['email_dataset:daycare_customer:id'] },
        get: null,
        update: { birthday: 'null_rewrite', first_name: 'null_rewrite', last_name: 'null_rewrite' },
      },
      daycare_customer: { locators: { customer_id: ['postgres_example:customer:id'] }, get: null, update: null },
    });
  });

  it('erases every `user` field of the Postman dataset for the target `user`, and a primary key when its category is targeted', () => {
    const instructions = buildErasureInstructions(postmanDataset(), {}, [rule(['user'])]);
    expect(actions(instructions).children.update).toEqual({
      birthday: 'null_rewrite',
      first_name: 'null_rewrite',
      last_name: 'null_rewrite',
      parent_id: 'null_rewrite',
    });
    expect(actions(instructions).daycare_customer.update).toEqual({ customer_id: 'null_rewrite' });
    // A primary key is erased when its category is targeted (as Fides).
    expect(actions(buildErasureInstructions(postmanDataset(), {}, [rule(['system'])])).children.update).toEqual({ id: 'null_rewrite' });
  });

  describe('identity seeding', () => {
    const contacts = () =>
      dataset('crm', {
        customer: [
          pk,
          { name: 'email', categories: ['user.contact.email'], identity: 'email' },
          { name: 'phone', categories: ['user.contact.phone_number'], identity: 'phone_number' },
          { name: 'cookie', categories: ['user.device.cookie_id'], identity: 'ljt_readerID' },
        ],
      });
    const locatorsFor = (identities: Parameters<typeof buildErasureInstructions>[1]) => buildErasureInstructions(contacts(), identities, [])[0].action.locators;

    it('seeds fields with the email identity', () => {
      expect(locatorsFor({ email: EMAIL })).toEqual({ email: [EMAIL] });
    });

    it('seeds fields with the phone identity', () => {
      expect(locatorsFor({ phone_number: '+15555555555' })).toEqual({ phone: ['+15555555555'] });
    });

    it('seeds both when the request has both', () => {
      expect(locatorsFor({ email: EMAIL, phone_number: '+15555555555' })).toEqual({ email: [EMAIL], phone: ['+15555555555'] });
    });

    it('omits fields whose identity the request lacks, is null or blank, or is not a request identity at all', () => {
      expect(locatorsFor({ email: null, phone_number: '  ' })).toEqual({});
      expect(locatorsFor({})).toEqual({});
      const sneaky = dataset('crm', { customer: [pk, { name: 'x', identity: 'constructor' }] });
      expect(buildErasureInstructions(sneaky, { email: EMAIL }, [])[0].action.locators).toEqual({});
    });

    it('puts the identity value before upstream addresses on the same field', () => {
      const both = dataset('ds', {
        account: [pk, { name: 'email', identity: 'email', refs: [{ dataset: 'ds', field: 'signup.email', direction: 'from' }] }],
        signup: [pk, { name: 'email' }],
      });
      expect(actions(buildErasureInstructions(both, { email: EMAIL }, [])).account.locators).toEqual({ email: [EMAIL, 'ds:signup:email'] });
    });
  });

  describe('nested fields', () => {
    const nested = () =>
      dataset('ds', {
        customer: [
          {
            name: 'profile',
            fields: [
              { name: 'key', fields: [{ name: 'id', pk: true }] },
              {
                name: 'contact',
                fields: [
                  { name: 'email', categories: ['user.contact.email'], identity: 'email' },
                  { name: 'city', categories: ['user.contact.address.city'] },
                ],
              },
            ],
          },
        ],
        orders: [pk, { name: 'owner', categories: ['user.unique_id'], refs: [{ dataset: 'ds', field: 'customer.profile.key.id', direction: 'from' }] }],
      });

    it('uses dotted paths for locators, updates and upstream addresses, and finds a nested primary key', () => {
      const instructions = buildErasureInstructions(nested(), { email: EMAIL }, [rule(['user.contact'])]);
      expect(actions(instructions)).toEqual({
        customer: {
          locators: { 'profile.contact.email': [EMAIL] },
          get: null,
          update: { 'profile.contact.email': 'null_rewrite', 'profile.contact.city': 'null_rewrite' },
        },
        orders: { locators: { owner: ['ds:customer:profile.key.id'] }, get: null, update: null },
      });
      expect(instructions[0].fieldsAffected.map((f) => f.path)).toEqual(['ds:customer:profile.contact.email', 'ds:customer:profile.contact.city']);
    });
  });

  describe('reference directions', () => {
    it('gives a `to` reference to the referenced field of this dataset, not to the referring one', () => {
      const ds = dataset('ds', {
        customer: [pk, { name: 'email', identity: 'email', refs: [{ dataset: 'ds', field: 'orders.email', direction: 'to' }] }],
        orders: [pk, { name: 'email' }],
      });
      expect(actions(buildErasureInstructions(ds, { email: EMAIL }, []))).toEqual({
        customer: { locators: { email: [EMAIL] }, get: null, update: null },
        orders: { locators: { email: ['ds:customer:email'] }, get: null, update: null },
      });
    });

    it('lists one edge once when both ends declare it', () => {
      const ds = dataset('ds', {
        customer: [pk, { name: 'email', refs: [{ dataset: 'ds', field: 'orders.email', direction: 'to' }] }],
        orders: [pk, { name: 'email', refs: [{ dataset: 'ds', field: 'customer.email', direction: 'from' }] }],
      });
      expect(actions(buildErasureInstructions(ds, {}, [])).orders.locators).toEqual({ email: ['ds:customer:email'] });
    });

    it('gives a reference without direction to both ends', () => {
      const ds = dataset('ds', {
        customer: [pk, { name: 'email', refs: [{ dataset: 'ds', field: 'orders.email', direction: null }] }],
        orders: [pk, { name: 'email' }],
      });
      expect(actions(buildErasureInstructions(ds, {}, []))).toEqual({
        customer: { locators: { email: ['ds:orders:email'] }, get: null, update: null },
        orders: { locators: { email: ['ds:customer:email'] }, get: null, update: null },
      });
    });

    it('lists references from other datasets by their address, and ignores those going to them', () => {
      const ds = dataset('ds', {
        orders: [
          pk,
          { name: 'a', refs: [{ dataset: 'shop', field: 'customer.id', direction: 'from' }] },
          { name: 'b', refs: [{ dataset: 'shop', field: 'customer.profile.email', direction: null }] },
          { name: 'c', refs: [{ dataset: 'shop', field: 'customer.id', direction: 'to' }] },
        ],
      });
      expect(buildErasureInstructions(ds, {}, [])[0].action.locators).toEqual({ a: ['shop:customer:id'], b: ['shop:customer:profile.email'] });
    });
  });

  describe('update', () => {
    const crm = () =>
      dataset('crm', {
        customer: [
          pk,
          { name: 'email', categories: ['user.contact.email'] },
          { name: 'name', categories: ['user.name'] },
          { name: 'scan', categories: ['user.biometric'] },
          { name: 'health', categories: ['user.biometric_health'] },
          { name: 'street', categories: ['user.contact.address.street'] },
          { name: 'contact', categories: ['user.contact'] },
        ],
      });
    const updateFor = (rules: ErasureRuleTargets[]) => buildErasureInstructions(crm(), {}, rules)[0].action.update;

    it('lets the last rule hitting a field win', () => {
      expect(updateFor([rule(['user'], 'null_rewrite'), rule(['user.contact'], 'hash')])).toEqual({
        contact: 'hash',
        email: 'hash',
        health: 'null_rewrite',
        name: 'null_rewrite',
        scan: 'null_rewrite',
        street: 'hash',
      });
      expect(updateFor([rule(['user.contact'], 'hash'), rule(['user'], 'null_rewrite')])).toEqual({
        contact: 'null_rewrite',
        email: 'null_rewrite',
        health: 'null_rewrite',
        name: 'null_rewrite',
        scan: 'null_rewrite',
        street: 'null_rewrite',
      });
    });

    it('keeps the last matched category per field in fieldsAffected', () => {
      const [customer] = buildErasureInstructions(crm(), {}, [rule(['user.contact'], 'hash'), rule(['user.name'])]);
      expect(customer.fieldsAffected).toEqual([
        { path: 'crm:customer:contact', field_name: 'contact', data_categories: ['user.contact'] },
        { path: 'crm:customer:email', field_name: 'email', data_categories: ['user.contact.email'] },
        { path: 'crm:customer:street', field_name: 'street', data_categories: ['user.contact.address.street'] },
        { path: 'crm:customer:name', field_name: 'name', data_categories: ['user.name'] },
      ]);
    });

    it('matches a target and its descendants only, not siblings sharing a prefix nor ancestors', () => {
      expect(updateFor([rule(['user.biometric'])])).toEqual({ scan: 'null_rewrite' });
      expect(updateFor([rule(['user.contact.address'])])).toEqual({ street: 'null_rewrite' });
      expect(updateFor([rule(['user.contact.email'])])).toEqual({ email: 'null_rewrite' });
      expect(updateFor([rule(['user.cont'])])).toBeNull();
      expect(updateFor([rule([''])])).toBeNull();
    });

    it('matches when any of several targets or several field categories do', () => {
      expect(updateFor([rule(['user.name', 'user.biometric_health'])])).toEqual({ health: 'null_rewrite', name: 'null_rewrite' });
      const multi = dataset('ds', { c: [pk, { name: 'x', categories: ['system.operations', 'user.name'] }] });
      expect(buildErasureInstructions(multi, {}, [rule(['user'])])[0].action.update).toEqual({ x: 'null_rewrite' });
    });
  });

  it('skips a collection without any primary key, keeping the dataset order of the others', () => {
    const ds = dataset('ds', {
      b_keyless: [{ name: 'email', categories: ['user.contact.email'], identity: 'email' }],
      c_keyed: [pk, { name: 'email', categories: ['user.contact.email'], identity: 'email' }],
      a_keyed: [pk],
    });
    expect(buildErasureInstructions(ds, { email: EMAIL }, [rule(['user'])]).map((i) => i.collection)).toEqual(['a_keyed', 'c_keyed']);
  });

  it('has nothing to erase when no field is targeted, yet keeps every keyed collection for its locators', () => {
    const instructions = buildErasureInstructions(fidesTestDataset(), { email: EMAIL }, [rule(['user.location'])]);
    expect(instructions.map((i) => [i.collection, i.action.update, i.fieldsAffected])).toEqual([
      ['children', null, []],
      ['daycare_customer', null, []],
      ['payment', null, []],
    ]);
    expect(hasSomethingToErase(instructions)).toBe(false);
    expect(hasSomethingToErase(buildErasureInstructions(fidesTestDataset(), { email: EMAIL }, []))).toBe(false);
    expect(hasSomethingToErase([])).toBe(false);
    const emptyUpdate: CollectionInstructions = { collection: 'c', address: 'ds:c', action: { locators: {}, get: null, update: {} }, fieldsAffected: [] };
    expect(hasSomethingToErase([emptyUpdate])).toBe(false);
  });
});

describe('toErasureParams', () => {
  it('gives the message_erasure_fulfillment parameters: one action per collection, name without dataset prefix', () => {
    const instructions = buildErasureInstructions(postmanDataset(), { email: EMAIL }, [rule(['user.childrens'])]);
    expect(toErasureParams('email_dataset', instructions)).toEqual({
      dataset_key: 'email_dataset',
      collections: [
        {
          collection: 'children',
          action_needed: [
            {
              locators: { parent_id: ['email_dataset:daycare_customer:id'] },
              get: null,
              update: { birthday: 'null_rewrite', first_name: 'null_rewrite', last_name: 'null_rewrite' },
            },
          ],
        },
        { collection: 'daycare_customer', action_needed: [{ locators: { customer_id: ['postgres_example:customer:id'] }, get: null, update: null }] },
      ],
    });
    expect(toErasureParams('empty', [])).toEqual({ dataset_key: 'empty', collections: [] });
  });
});
