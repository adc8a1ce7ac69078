// Connection datasets over GraphQL: the same service and parser as REST, typed objects in camelCase (references with
// a direction enum, meta as key/value entries, nested fields), errors as `extensions.code` with camelCase locs.
import { missingPrimaryKeyMessage } from '../../src/datasets/schema/index.js';
import {
  POSTMAN_EMAIL_DATASET_STORED as EMAIL_DATASET_STORED,
  QUALIFIER,
  storedCollection as snakeCollection,
  storedDataset as snakeDataset,
  storedField as snakeField,
} from '../support/datasets.js';
import { TestApp, bearer, createTestApp, graphql, obtainToken } from '../support/test-app.js';

const FIELD = `name description dataCategories dataQualifier retention
  fidesopsMeta { references { dataset field direction } identity primaryKey dataType length returnAllElements readOnly }`;
const DATASET = `fidesKey organizationFidesKey tags name description meta { key value } dataCategories dataQualifier
  fidesctlMeta { resourceId } jointController { name address email phone } retention thirdCountryTransfers
  fidesopsMeta { after }
  collections { name description dataCategories dataQualifier retention fidesopsMeta { after }
    fields { ${FIELD} fields { ${FIELD} fields { name } } } }`;
const LIST = `query List($connectionKey: String!, $page: Int, $size: Int) {
  datasets(connectionKey: $connectionKey, page: $page, size: $size) { total page size items { ${DATASET} } } }`;
const GET = `query Get($connectionKey: String!, $fidesKey: String!) { dataset(connectionKey: $connectionKey, fidesKey: $fidesKey) { ${DATASET} } }`;
const UPSERT = `mutation Upsert($connectionKey: String!, $inputs: [DatasetInput!]!) { upsertDatasets(connectionKey: $connectionKey, inputs: $inputs) {
  succeeded { ${DATASET} } failed { message fidesKey } } }`;
const DELETE = 'mutation Delete($connectionKey: String!, $fidesKey: String!) { deleteDataset(connectionKey: $connectionKey, fidesKey: $fidesKey) }';
const VALIDATE = `mutation Validate($connectionKey: String!, $input: DatasetInput!) { validateDataset(connectionKey: $connectionKey, input: $input) {
  dataset { ${DATASET} } traversalDetails { isTraversable msg } } }`;

/** Postman's "Create/Update Email Dataset" (docs/compatibility.md#the-postman-collection) as a typed input, collections and fields out of order. */
const emailDatasetInput = () => ({
  fidesKey: 'email_dataset',
  name: 'An example of a dataset not automatically accessible',
  description: 'Example of a email dataset with a collection waiting on postgres input',
  collections: [
    {
      name: 'daycare_customer',
      fields: [
        { name: 'id', dataCategories: ['system.operations'], fidesopsMeta: { primaryKey: true } },
        {
          name: 'customer_id',
          dataCategories: ['user'],
          fidesopsMeta: { references: [{ dataset: 'postgres_example', field: 'customer.id', direction: 'FROM' }] },
        },
      ],
    },
    {
      name: 'children',
      fields: [
        { name: 'id', dataCategories: ['system.operations'], fidesopsMeta: { primaryKey: true } },
        { name: 'first_name', dataCategories: ['user.childrens'] },
        { name: 'last_name', dataCategories: ['user.childrens'] },
        { name: 'birthday', dataCategories: ['user.childrens'], fidesopsMeta: { dataType: 'string' } },
        {
          name: 'parent_id',
          dataCategories: ['user'],
          fidesopsMeta: { references: [{ dataset: 'email_dataset', field: 'daycare_customer.id', direction: 'FROM' }] },
        },
      ],
    },
  ],
});

// The typed objects as GraphQL answers them.
const gMeta = (values: object) => ({
  references: null,
  identity: null,
  primaryKey: null,
  dataType: null,
  length: null,
  returnAllElements: null,
  readOnly: null,
  ...values,
});
const gField = (name: string, categories: string[] | null, meta: object | null = null, fields: object[] = []) => ({
  name,
  description: null,
  dataCategories: categories,
  dataQualifier: QUALIFIER,
  retention: null,
  fidesopsMeta: meta && gMeta(meta),
  fields,
});
const gCollection = (name: string, fields: object[], extra: object = {}) => ({
  name,
  description: null,
  dataCategories: null,
  dataQualifier: QUALIFIER,
  retention: null,
  fidesopsMeta: null,
  fields,
  ...extra,
});
const gDataset = (fidesKey: string, collections: object[], extra: object = {}) => ({
  fidesKey,
  organizationFidesKey: 'default_organization',
  tags: null,
  name: null,
  description: null,
  meta: null,
  dataCategories: null,
  dataQualifier: QUALIFIER,
  fidesctlMeta: null,
  jointController: null,
  retention: 'No retention or erasure policy',
  thirdCountryTransfers: null,
  fidesopsMeta: null,
  collections,
  ...extra,
});

const EMAIL_DATASET = gDataset(
  'email_dataset',
  [
    gCollection('children', [
      gField('birthday', ['user.childrens'], { dataType: 'string' }),
      gField('first_name', ['user.childrens']),
      gField('id', ['system.operations'], { primaryKey: true }),
      gField('last_name', ['user.childrens']),
      gField('parent_id', ['user'], { references: [{ dataset: 'email_dataset', field: 'daycare_customer.id', direction: 'FROM' }] }),
    ]),
    gCollection('daycare_customer', [
      gField('customer_id', ['user'], { references: [{ dataset: 'postgres_example', field: 'customer.id', direction: 'FROM' }] }),
      gField('id', ['system.operations'], { primaryKey: true }),
    ]),
  ],
  { name: 'An example of a dataset not automatically accessible', description: 'Example of a email dataset with a collection waiting on postgres input' },
);

const smallInput = (fidesKey: string, name?: string) => ({
  fidesKey,
  ...(name === undefined ? {} : { name }),
  collections: [{ name: 'users', fields: [{ name: 'id', fidesopsMeta: { primaryKey: true } }] }],
});
const small = (fidesKey: string, name: string | null = null) =>
  gDataset(fidesKey, [gCollection('users', [gField('id', null, { primaryKey: true })])], { name });

describe('Datasets GraphQL API', () => {
  let t: TestApp;
  let root: string;

  const ok = async (query: string, variables: Record<string, unknown> = {}, token = root) => {
    const result = await graphql(t, query, variables, token);
    expect(result.errors).toBeUndefined();
    return Object.values(result.data ?? {})[0] as any;
  };
  const fails = async (code: string, query: string, variables: Record<string, unknown> = {}, token = root) => {
    const result = await graphql(t, query, variables, token);
    expect(result.errors?.[0]?.extensions?.code).toBe(code);
    expect(result.errors).toHaveLength(1);
    return result.errors![0];
  };
  const rows = async (): Promise<{ connection_key: string; fides_key: string; dataset: unknown }[]> =>
    (
      await t.db.query(
        `SELECT c.key AS connection_key, d.fides_key, d.dataset FROM dataset d JOIN connection c ON c.id = d.connection_id ORDER BY d.created_at, d.fides_key`,
      )
    ).rows;
  const count = async () => Number((await t.db.query('SELECT count(*) FROM dataset')).rows[0].count);

  beforeAll(async () => {
    t = await createTestApp();
    root = await t.rootToken();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.db.query('DELETE FROM dataset');
    await t.db.query('DELETE FROM connection');
    await t
      .http()
      .patch('/api/v1/connection')
      .set(bearer(root))
      .send([
        { name: 'Daycare Mail', key: 'daycare', connection_type: 'email', access: 'write' },
        { name: 'Other Vendor', key: 'other', connection_type: 'email', access: 'write' },
      ])
      .expect(200);
  });

  it('upserts the sample email dataset and reads it back typed, stored in Fides form', async () => {
    const created = await ok(UPSERT, { connectionKey: 'daycare', inputs: [emailDatasetInput()] });
    expect(created).toEqual({ succeeded: [EMAIL_DATASET], failed: [] });
    expect(await rows()).toEqual([{ connection_key: 'daycare', fides_key: 'email_dataset', dataset: EMAIL_DATASET_STORED }]);

    expect(await ok(GET, { connectionKey: 'daycare', fidesKey: 'email_dataset' })).toEqual(EMAIL_DATASET);
    expect(await ok(LIST, { connectionKey: 'daycare' })).toEqual({ total: 1, page: 1, size: 50, items: [EMAIL_DATASET] });
    // One service for both transports: REST answers what GraphQL stored.
    const rest = await t.http().get('/api/v1/connection/daycare/dataset/email_dataset').set(bearer(root)).expect(200);
    expect(rest.body).toEqual(EMAIL_DATASET_STORED);
  });

  it('carries every typed part: meta entries, contacts, directions, nested fields, `after`', async () => {
    const input = {
      fidesKey: 'typed',
      organizationFidesKey: 'my_org',
      tags: ['crm', 'eu'],
      name: 'Typed',
      meta: [
        { key: 'owner', value: 'privacy-team' },
        { key: 'snake_key', value: 'kept as sent' },
      ],
      dataCategories: ['user'],
      dataQualifier: 'aggregated',
      fidesctlMeta: { resourceId: 'res-1' },
      jointController: { name: 'Jane', email: 'jane@controller.example' },
      retention: null,
      thirdCountryTransfers: ['USA', 'GBR'],
      fidesopsMeta: { after: ['postgres_example'] },
      collections: [
        {
          name: 'orders',
          retention: '30 days',
          fidesopsMeta: { after: ['postgres_example.customer'] },
          fields: [
            { name: 'order_id', fidesopsMeta: { primaryKey: true, dataType: 'integer', length: 12, readOnly: true } },
            {
              name: 'address',
              fidesopsMeta: { dataType: 'object[]' },
              fields: [
                { name: 'street', dataCategories: ['user.contact.address.street'] },
                {
                  name: 'city',
                  dataCategories: ['user.contact.address.city'],
                  fidesopsMeta: { references: [{ dataset: 'typed', field: 'customers.city', direction: 'TO' }] },
                },
              ],
            },
            { name: 'tags', fidesopsMeta: { dataType: 'string[]', returnAllElements: true } },
            { name: 'customer_email', fidesopsMeta: { identity: 'email', references: [{ dataset: 'typed', field: 'customers.email' }] } },
          ],
        },
        { name: 'customers', fields: [{ name: 'email', fidesopsMeta: { primaryKey: true } }, { name: 'city' }] },
      ],
    };
    const expected = gDataset(
      'typed',
      [
        gCollection('customers', [gField('city', null), gField('email', null, { primaryKey: true })]),
        gCollection(
          'orders',
          [
            gField('address', null, { dataType: 'object[]' }, [
              gField('street', ['user.contact.address.street']),
              gField('city', ['user.contact.address.city'], { references: [{ dataset: 'typed', field: 'customers.city', direction: 'TO' }] }),
            ]),
            gField('customer_email', null, { identity: 'email', references: [{ dataset: 'typed', field: 'customers.email', direction: null }] }),
            gField('order_id', null, { primaryKey: true, dataType: 'integer', length: 12, readOnly: true }),
            gField('tags', null, { dataType: 'string[]', returnAllElements: true }),
          ],
          { retention: '30 days', fidesopsMeta: { after: ['postgres_example.customer'] } },
        ),
      ],
      {
        organizationFidesKey: 'my_org',
        tags: ['crm', 'eu'],
        name: 'Typed',
        meta: [
          { key: 'owner', value: 'privacy-team' },
          { key: 'snake_key', value: 'kept as sent' },
        ],
        dataCategories: ['user'],
        dataQualifier: 'aggregated',
        fidesctlMeta: { resourceId: 'res-1' },
        jointController: { name: 'Jane', address: '', email: 'jane@controller.example', phone: '' },
        retention: null,
        thirdCountryTransfers: ['USA', 'GBR'],
        fidesopsMeta: { after: ['postgres_example'] },
      },
    );
    const created = await ok(UPSERT, { connectionKey: 'daycare', inputs: [input] });
    expect(created).toEqual({ succeeded: [expected], failed: [] });
    expect(await ok(GET, { connectionKey: 'daycare', fidesKey: 'typed' })).toEqual(expected);

    const [stored] = await rows();
    expect(stored.dataset).toEqual(
      snakeDataset(
        'typed',
        [
          snakeCollection('customers', [snakeField('city', null), snakeField('email', null, { primary_key: true })]),
          snakeCollection(
            'orders',
            [
              snakeField('address', null, { data_type: 'object[]' }, [
                snakeField('street', ['user.contact.address.street']),
                snakeField('city', ['user.contact.address.city'], { references: [{ dataset: 'typed', field: 'customers.city', direction: 'to' }] }),
              ]),
              snakeField('customer_email', null, { identity: 'email', references: [{ dataset: 'typed', field: 'customers.email', direction: null }] }),
              snakeField('order_id', null, { primary_key: true, data_type: 'integer', length: 12, read_only: true }),
              snakeField('tags', null, { data_type: 'string[]', return_all_elements: true }),
            ],
            { retention: '30 days', fidesops_meta: { after: ['postgres_example.customer'] } },
          ),
        ],
        {
          organization_fides_key: 'my_org',
          tags: ['crm', 'eu'],
          name: 'Typed',
          meta: { owner: 'privacy-team', snake_key: 'kept as sent' },
          data_categories: ['user'],
          data_qualifier: 'aggregated',
          fidesctl_meta: { resource_id: 'res-1' },
          joint_controller: { name: 'Jane', address: '', email: 'jane@controller.example', phone: '' },
          retention: null,
          third_country_transfers: ['USA', 'GBR'],
          fidesops_meta: { after: ['postgres_example'] },
        },
      ),
    );
  });

  it('replaces a dataset of the same connection and fails one whose key another connection holds', async () => {
    await ok(UPSERT, { connectionKey: 'other', inputs: [smallInput('shared', 'Owned')] });
    await ok(UPSERT, { connectionKey: 'daycare', inputs: [smallInput('mine', 'First')] });
    const result = await ok(UPSERT, { connectionKey: 'daycare', inputs: [smallInput('shared', 'Stolen'), smallInput('mine')] });
    expect(result).toEqual({ succeeded: [small('mine')], failed: [{ message: "Dataset with key 'shared' already exists.", fidesKey: 'shared' }] });
    expect((await rows()).map((r) => [r.connection_key, r.fides_key, (r.dataset as { name: string | null }).name])).toEqual([
      ['other', 'shared', 'Owned'],
      ['daycare', 'mine', null],
    ]);
  });

  it('lists a connection’s datasets newest first, in pages', async () => {
    await ok(UPSERT, { connectionKey: 'daycare', inputs: [smallInput('ds_a'), smallInput('ds_b')] });
    await ok(UPSERT, { connectionKey: 'other', inputs: [smallInput('elsewhere')] });
    await ok(UPSERT, { connectionKey: 'daycare', inputs: [smallInput('ds_c')] });
    expect(await ok(LIST, { connectionKey: 'daycare' })).toEqual({ total: 3, page: 1, size: 50, items: [small('ds_c'), small('ds_b'), small('ds_a')] });
    expect(await ok(LIST, { connectionKey: 'daycare', size: 2, page: 2 })).toEqual({ total: 3, page: 2, size: 2, items: [small('ds_a')] });
    await fails('BAD_USER_INPUT', LIST, { connectionKey: 'daycare', size: 0 });
    await fails('BAD_USER_INPUT', LIST, { connectionKey: 'daycare', size: 101 });
  });

  it('answers BAD_USER_INPUT with camelCase locs in extensions.detail, storing nothing', async () => {
    const badCategory = {
      fidesKey: 'bad',
      collections: [
        {
          name: 'c',
          fields: [
            { name: 'id', fidesopsMeta: { primaryKey: true } },
            { name: 'a', dataCategories: ['user.unknown'] },
          ],
        },
      ],
    };
    const error = await fails('BAD_USER_INPUT', UPSERT, { connectionKey: 'daycare', inputs: [badCategory, smallInput('good')] });
    expect(error.extensions?.detail).toEqual([
      { loc: ['inputs', 0, 'collections', 0, 'fields', 1, 'dataCategories'], msg: 'The data category user.unknown is not supported.', type: 'value_error' },
    ]);

    const several = await fails('BAD_USER_INPUT', UPSERT, {
      connectionKey: 'daycare',
      inputs: [
        smallInput('good'),
        {
          fidesKey: 'bad key',
          thirdCountryTransfers: ['usa'],
          collections: [
            {
              name: 'c',
              fields: [{ name: 'id', fidesopsMeta: { primaryKey: true, dataType: 'string', returnAllElements: true, length: 0 } }],
            },
          ],
        },
        {
          fidesKey: 'no_pk',
          collections: [
            { name: 'ok', fields: [{ name: 'id', fidesopsMeta: { primaryKey: true } }] },
            { name: 'children', fields: [{ name: 'first_name' }] },
          ],
        },
      ],
    });
    expect(several.extensions?.detail).toEqual([
      { loc: ['inputs', 1, 'fidesKey'], msg: "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.", type: 'value_error' },
      // Declaration order, as pydantic: third_country_transfers comes before collections.
      { loc: ['inputs', 1, 'thirdCountryTransfers'], msg: 'The country identified as usa is not a valid Alpha-3 code per ISO 3166.', type: 'value_error' },
      {
        loc: ['inputs', 1, 'collections', 0, 'fields', 0, 'fidesopsMeta', 'length'],
        msg: 'Illegal length (0). Only positive non-zero values are allowed.',
        type: 'value_error',
      },
      {
        loc: ['inputs', 1, 'collections', 0, 'fields', 0, 'fidesopsMeta', 'returnAllElements'],
        msg: "The 'return_all_elements' attribute can only be specified on array fields.",
        type: 'value_error',
      },
      { loc: ['inputs', 2, 'collections', 1], msg: missingPrimaryKeyMessage('children'), type: 'value_error' },
    ]);

    const objectField = await fails('BAD_USER_INPUT', UPSERT, {
      connectionKey: 'daycare',
      inputs: [
        {
          fidesKey: 'obj',
          collections: [{ name: 'c', fields: [{ name: 'doc', dataCategories: ['user'], fields: [{ name: 'id', fidesopsMeta: { primaryKey: true } }] }] }],
        },
      ],
    });
    expect(objectField.extensions?.detail).toEqual([
      {
        loc: ['inputs', 0, 'collections', 0, 'fields', 0, 'fields'],
        msg: 'Object fields cannot have specified data_categories. Specify category on sub-field instead',
        type: 'value_error',
      },
    ]);

    const tooMany = await fails('GRAPHQL_VALIDATION_FAILED', UPSERT, {
      connectionKey: 'daycare',
      inputs: Array.from({ length: 51 }, (_, i) => smallInput(`ds_${i}`)),
    });
    expect(tooMany.message).toBe('Mutation list arguments hold 51 items, over the limit of 50 per request');

    // GraphQL's own input checks: an unknown enum value and a missing required field.
    const direction = await fails('BAD_USER_INPUT', UPSERT, {
      connectionKey: 'daycare',
      inputs: [
        {
          fidesKey: 'd',
          collections: [{ name: 'c', fields: [{ name: 'id', fidesopsMeta: { references: [{ dataset: 'd', field: 'c.x', direction: 'UP' }] } }] }],
        },
      ],
    });
    expect(direction.message).toContain('UP');
    await fails('BAD_USER_INPUT', UPSERT, { connectionKey: 'daycare', inputs: [{ fidesKey: 'd' }] });

    expect(await count()).toBe(0);
  });

  it('locates a bad meta value at its entry in the list GraphQL carries meta as (REST names it by its key)', async () => {
    const long = 'x'.repeat(2001);
    const meta = [
      { key: 'owner', value: 'privacy-team' },
      { key: 'snake_key', value: long },
    ];
    const issue = { msg: 'ensure this value has at most 2000 characters', type: 'value_error.any_str.max_length' };
    const upsert = await fails('BAD_USER_INPUT', UPSERT, { connectionKey: 'daycare', inputs: [smallInput('good'), { ...smallInput('bad'), meta }] });
    expect(upsert.extensions?.detail).toEqual([{ loc: ['inputs', 1, 'meta', 1, 'value'], ...issue }]);
    // A key given twice keeps its last entry (as a JSON object would): that is the one located.
    const twice = [{ key: 'snake_key', value: long }, ...meta];
    const validate = await fails('BAD_USER_INPUT', VALIDATE, { connectionKey: 'daycare', input: { ...emailDatasetInput(), meta: twice } });
    expect(validate.extensions?.detail).toEqual([{ loc: ['input', 'meta', 2, 'value'], ...issue }]);
    expect(await count()).toBe(0);
  });

  it('answers NOT_FOUND in Fides’ words, for an unknown connection before the input is checked', async () => {
    const noConnection = "No connection config with key 'nope'";
    const invalid = { fidesKey: 'bad key', collections: [{ name: 'c', fields: [] }] };
    expect((await fails('NOT_FOUND', LIST, { connectionKey: 'nope' })).message).toBe(noConnection);
    expect((await fails('NOT_FOUND', GET, { connectionKey: 'nope', fidesKey: 'x' })).message).toBe(noConnection);
    expect((await fails('NOT_FOUND', UPSERT, { connectionKey: 'nope', inputs: [invalid] })).message).toBe(noConnection);
    expect((await fails('NOT_FOUND', DELETE, { connectionKey: 'nope', fidesKey: 'x' })).message).toBe(noConnection);
    expect((await fails('NOT_FOUND', VALIDATE, { connectionKey: 'nope', input: invalid })).message).toBe(noConnection);

    expect((await fails('NOT_FOUND', GET, { connectionKey: 'daycare', fidesKey: 'x' })).message).toBe(
      "No dataset with fides_key 'x' and connection key daycare'",
    );
    expect((await fails('NOT_FOUND', DELETE, { connectionKey: 'daycare', fidesKey: 'x' })).message).toBe(
      "No dataset with fides_key 'x' and connection_key 'daycare'",
    );
    expect(await count()).toBe(0);
  });

  it('deletes a dataset, then answers NOT_FOUND; deleting the connection takes its datasets', async () => {
    await ok(UPSERT, { connectionKey: 'daycare', inputs: [smallInput('gone'), smallInput('kept'), emailDatasetInput()] });
    await ok(UPSERT, { connectionKey: 'other', inputs: [smallInput('survivor')] });
    expect(await ok(DELETE, { connectionKey: 'daycare', fidesKey: 'gone' })).toBe(true);
    expect((await rows()).map((r) => r.fides_key)).toEqual(['kept', 'email_dataset', 'survivor']);
    await fails('NOT_FOUND', DELETE, { connectionKey: 'daycare', fidesKey: 'gone' });
    await fails('NOT_FOUND', GET, { connectionKey: 'daycare', fidesKey: 'gone' });
    // Scoped to the connection.
    await fails('NOT_FOUND', DELETE, { connectionKey: 'daycare', fidesKey: 'survivor' });

    expect(await ok('mutation { deleteConnection(key: "daycare") }')).toBe(true);
    expect(await rows()).toEqual([
      {
        connection_key: 'other',
        fides_key: 'survivor',
        dataset: snakeDataset('survivor', [snakeCollection('users', [snakeField('id', null, { primary_key: true })])]),
      },
    ]);
  });

  it('validates a dataset with its traversal details, storing nothing', async () => {
    const sample = await ok(VALIDATE, { connectionKey: 'daycare', input: emailDatasetInput() });
    expect(sample).toEqual({
      dataset: EMAIL_DATASET,
      traversalDetails: { isTraversable: true, msg: 'Unresolved references to other datasets: postgres_example:customer:id' },
    });

    const seeded = {
      fidesKey: 'crm',
      collections: [
        { name: 'customers', fields: [{ name: 'email', dataCategories: ['user.contact.email'], fidesopsMeta: { identity: 'email', primaryKey: true } }] },
        {
          name: 'orders',
          fields: [
            { name: 'id', fidesopsMeta: { primaryKey: true } },
            { name: 'email', fidesopsMeta: { references: [{ dataset: 'crm', field: 'customers.email', direction: 'FROM' }] } },
          ],
        },
      ],
    };
    expect((await ok(VALIDATE, { connectionKey: 'daycare', input: seeded })).traversalDetails).toEqual({ isTraversable: true, msg: null });

    const unreachable = { ...seeded, collections: [...seeded.collections, { name: 'orphans', fields: [{ name: 'id', fidesopsMeta: { primaryKey: true } }] }] };
    const result = await ok(VALIDATE, { connectionKey: 'daycare', input: unreachable });
    expect(result.traversalDetails).toEqual({ isTraversable: false, msg: 'Some nodes were not reachable: crm:orphans' });
    expect(result.dataset.collections.map((c: { name: string }) => c.name)).toEqual(['customers', 'orders', 'orphans']);

    const invalid = await fails('BAD_USER_INPUT', VALIDATE, {
      connectionKey: 'daycare',
      input: { fidesKey: 'ds', collections: [{ name: 'c', fields: [{ name: 'f', dataCategories: ['x'], fidesopsMeta: { primaryKey: true } }] }] },
    });
    expect(invalid.extensions?.detail).toEqual([
      { loc: ['input', 'collections', 0, 'fields', 0, 'dataCategories'], msg: 'The data category x is not supported.', type: 'value_error' },
    ]);
    const noKey = await fails('BAD_USER_INPUT', VALIDATE, {
      connectionKey: 'daycare',
      input: { fidesKey: 'ds', collections: [{ name: 'c', fields: [{ name: 'f' }] }] },
    });
    expect(noKey.extensions?.detail).toEqual([{ loc: ['input', 'collections', 0], msg: missingPrimaryKeyMessage('c'), type: 'value_error' }]);
    expect(await count()).toBe(0);
  });

  it('refuses callers without the scope', async () => {
    await ok(UPSERT, { connectionKey: 'daycare', inputs: [smallInput('existing')] });
    const client = await t.http().post('/api/v1/oauth/client').set(bearer(root)).send(['dataset:read']).expect(200);
    const reader = await obtainToken(t.http(), client.body.client_id, client.body.client_secret);
    expect((await ok(LIST, { connectionKey: 'daycare' }, reader)).total).toBe(1);
    await ok(GET, { connectionKey: 'daycare', fidesKey: 'existing' }, reader);
    await ok(VALIDATE, { connectionKey: 'daycare', input: emailDatasetInput() }, reader);
    await fails('FORBIDDEN', UPSERT, { connectionKey: 'daycare', inputs: [smallInput('sneaky')] }, reader);
    await fails('FORBIDDEN', DELETE, { connectionKey: 'daycare', fidesKey: 'existing' }, reader);
    await fails('UNAUTHENTICATED', LIST, { connectionKey: 'daycare' }, 'not-a-token');
    expect((await rows()).map((r) => r.fides_key)).toEqual(['existing']);
  });
});
