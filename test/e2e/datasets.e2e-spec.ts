// Datasets on an email connection over Fides' REST routes (docs/compatibility.md#connections-and-datasets): bulk create-or-update with its whole-request
// 422s and per-item failures, listing newest first, reading, deleting (also with the connection), validate_dataset's
// traversal details, scopes, and the `dataset` rows behind each answer.
import { FIDES_KEY_MESSAGE } from '../../src/common/fides-key.js';
import { missingPrimaryKeyMessage } from '../../src/datasets/schema/index.js';
import {
  POSTMAN_EMAIL_DATASET_STORED as EMAIL_DATASET_STORED,
  postmanEmailDataset as emailDataset,
  storedCollection as collection,
  storedDataset as dataset,
  storedField as field,
} from '../support/datasets.js';
import { TestApp, bearer, createTestApp, obtainToken } from '../support/test-app.js';

/** A small valid dataset (one collection `users` with a primary key), as sent and as stored. */
const small = (fidesKey: string, name: string | null = null) => ({
  fides_key: fidesKey,
  ...(name === null ? {} : { name }),
  collections: [{ name: 'users', fields: [{ name: 'id', fidesops_meta: { primary_key: true } }] }],
});
const smallStored = (fidesKey: string, name: string | null = null) =>
  dataset(fidesKey, [collection('users', [field('id', null, { primary_key: true })])], { name });

interface DatasetRow {
  connection_key: string;
  fides_key: string;
  dataset: unknown;
  id: string;
  created_at: Date;
}

describe('connection datasets (REST)', () => {
  let t: TestApp;
  let auth: Record<string, string>;

  const url = (connectionKey: string, rest = 'dataset') => `/api/v1/connection/${connectionKey}/${rest}`;
  const patch = (connectionKey: string, body: unknown) =>
    t
      .http()
      .patch(url(connectionKey))
      .set(auth)
      .send(body as object);
  const validate = (connectionKey: string, body: unknown) =>
    t
      .http()
      .put(url(connectionKey, 'validate_dataset'))
      .set(auth)
      .send(body as object);
  const rows = async (): Promise<DatasetRow[]> =>
    (
      await t.db.query<DatasetRow>(
        `SELECT c.key AS connection_key, d.fides_key, d.dataset, d.id, d.created_at
           FROM dataset d JOIN connection c ON c.id = d.connection_id ORDER BY d.created_at, d.fides_key`,
      )
    ).rows;
  const count = async (): Promise<number> => Number((await t.db.query('SELECT count(*) FROM dataset')).rows[0].count);

  beforeAll(async () => {
    t = await createTestApp();
    auth = bearer(await t.rootToken());
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.db.query('DELETE FROM dataset');
    await t.db.query('DELETE FROM connection');
    await t
      .http()
      .patch('/api/v1/connection')
      .set(auth)
      .send([
        { name: 'Daycare Mail', key: 'daycare', connection_type: 'email', access: 'write' },
        { name: 'Other Vendor', key: 'other', connection_type: 'email', access: 'write' },
      ])
      .expect(200);
  });

  describe('PATCH /connection/{key}/dataset', () => {
    it('stores the sample email_dataset fully defaulted and sorted, and answers that form on PATCH and GET', async () => {
      const res = await patch('daycare', [emailDataset()]).expect(200);
      expect(res.body).toEqual({ succeeded: [EMAIL_DATASET_STORED], failed: [] });
      expect(res.body.succeeded[0].collections.map((c: { name: string }) => c.name)).toEqual(['children', 'daycare_customer']);

      const stored = await rows();
      expect(stored.map(({ connection_key, fides_key, dataset }) => ({ connection_key, fides_key, dataset }))).toEqual([
        { connection_key: 'daycare', fides_key: 'email_dataset', dataset: EMAIL_DATASET_STORED },
      ]);

      expect((await t.http().get(url('daycare', 'dataset/email_dataset')).set(auth).expect(200)).body).toEqual(EMAIL_DATASET_STORED);
      // Fides registers every route with and without a trailing slash.
      expect((await t.http().get(url('daycare', 'dataset/email_dataset/')).set(auth).expect(200)).body).toEqual(EMAIL_DATASET_STORED);
      expect((await t.http().get(url('daycare')).set(auth).expect(200)).body).toEqual({ items: [EMAIL_DATASET_STORED], total: 1, page: 1, size: 50 });
    });

    it('is idempotent: sending the stored form back changes nothing', async () => {
      await patch('daycare', [emailDataset()]).expect(200);
      const [before] = await rows();
      const res = await t
        .http()
        .patch(`${url('daycare')}/`)
        .set(auth)
        .send([EMAIL_DATASET_STORED])
        .expect(200);
      expect(res.body).toEqual({ succeeded: [EMAIL_DATASET_STORED], failed: [] });
      const after = await rows();
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({ id: before.id, dataset: EMAIL_DATASET_STORED });
    });

    it('replaces a dataset whose fides_key the connection already has, keeping its place (created_at)', async () => {
      await patch('daycare', [small('first', 'First'), small('second')]).expect(200);
      const before = await rows();
      expect(before.map((r) => r.fides_key)).toEqual(['first', 'second']);

      const replacement = {
        fides_key: 'first',
        description: 'replaced',
        collections: [
          { name: 'accounts', fields: [{ name: 'account_no', data_categories: ['user.financial.account_number'], fidesops_meta: { primary_key: true } }] },
        ],
      };
      const expected = dataset('first', [collection('accounts', [field('account_no', ['user.financial.account_number'], { primary_key: true })])], {
        description: 'replaced',
      });
      const res = await patch('daycare', [replacement]).expect(200);
      expect(res.body).toEqual({ succeeded: [expected], failed: [] });

      const after = await rows();
      expect(after.map((r) => r.fides_key)).toEqual(['first', 'second']);
      // The name given before is gone: the dataset is replaced, not merged.
      expect(after[0]).toEqual({ ...before[0], dataset: expected });
      expect(after[1]).toEqual(before[1]);
      const list = await t.http().get(url('daycare')).set(auth).expect(200);
      expect(list.body.items.map((d: { fides_key: string }) => d.fides_key)).toEqual(['second', 'first']);
      expect(list.body.items[1]).toEqual(expected);
    });

    it('writes a fides_key given twice in one request twice, the later one winning', async () => {
      const res = await patch('daycare', [small('dup', 'one'), small('dup', 'two')]).expect(200);
      expect(res.body).toEqual({ succeeded: [smallStored('dup', 'one'), smallStored('dup', 'two')], failed: [] });
      const stored = await rows();
      expect(stored.map((r) => [r.connection_key, r.fides_key, r.dataset])).toEqual([['daycare', 'dup', smallStored('dup', 'two')]]);
    });

    it('fails an item whose fides_key another connection uses, beside an item that succeeds', async () => {
      await patch('other', [small('shared', 'Owned by other')]).expect(200);
      const res = await patch('daycare', [small('shared', 'Stolen'), small('mine')]).expect(200);
      expect(res.body).toEqual({
        succeeded: [smallStored('mine')],
        failed: [
          {
            message: "Dataset with key 'shared' already exists.",
            data: { connection_key: 'daycare', fides_key: 'shared', dataset: smallStored('shared', 'Stolen') },
          },
        ],
      });
      const stored = await rows();
      expect(stored.map((r) => [r.connection_key, r.fides_key, r.dataset])).toEqual([
        ['other', 'shared', smallStored('shared', 'Owned by other')],
        ['daycare', 'mine', smallStored('mine')],
      ]);
      await t.http().get(url('daycare', 'dataset/shared')).set(auth).expect(404);
    });

    it('refuses the whole request when one dataset among valid ones is invalid, storing nothing', async () => {
      const bad = {
        fides_key: 'bad',
        collections: [
          {
            name: 'c',
            fields: [
              { name: 'id', fidesops_meta: { primary_key: true } },
              { name: 'a', data_categories: ['user.unknown'] },
            ],
          },
        ],
      };
      const res = await patch('daycare', [small('good_1'), bad, small('good_2')]).expect(422);
      expect(res.body).toEqual({
        detail: [
          { loc: ['body', 1, 'collections', 0, 'fields', 1, 'data_categories'], msg: 'The data category user.unknown is not supported.', type: 'value_error' },
        ],
      });
      expect(await count()).toBe(0);
    });

    it('reports the issues of several invalid datasets together', async () => {
      const res = await patch('daycare', [{ fides_key: 'a b', collections: [] }, small('fine'), { collections: [] }]).expect(422);
      expect(res.body.detail).toEqual([
        { loc: ['body', 0, 'fides_key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' },
        { loc: ['body', 2, 'fides_key'], msg: 'field required', type: 'value_error.missing' },
      ]);
      expect(await count()).toBe(0);
    });

    it('accepts 50 datasets and refuses 51, storing nothing', async () => {
      const many = (n: number) => Array.from({ length: n }, (_, i) => small(`ds_${i}`));
      const res = await patch('daycare', many(51)).expect(422);
      expect(res.body).toEqual({ detail: [{ loc: ['body'], msg: 'ensure this value has at most 50 items', type: 'value_error.list.max_items' }] });
      expect(await count()).toBe(0);

      const fifty = await patch('daycare', many(50)).expect(200);
      expect(fifty.body.succeeded).toHaveLength(50);
      expect(fifty.body.failed).toEqual([]);
      expect(await count()).toBe(50);
    });

    it.each([
      ['an object', small('single')],
      ['a string', '"email_dataset"'],
    ])('answers 422 for a body that is not a list (%s)', async (_, body) => {
      const req = t.http().patch(url('daycare')).set(auth).set('content-type', 'application/json');
      const res = await req.send(typeof body === 'string' ? body : JSON.stringify(body)).expect(422);
      expect(res.body).toEqual({ detail: [{ loc: ['body'], msg: 'value is not a valid list', type: 'type_error.list' }] });
      expect(await count()).toBe(0);
    });

    it('answers an empty list with nothing done', async () => {
      expect((await patch('daycare', []).expect(200)).body).toEqual({ succeeded: [], failed: [] });
    });

    /** A valid dataset with a primary key in every collection; `change` breaks one part of it. */
    const base = () =>
      ({
        fides_key: 'ds',
        collections: [
          {
            name: 'c',
            fields: [{ name: 'z_id', fidesops_meta: { primary_key: true } }, { name: 'a', data_categories: ['user'] } as Record<string, unknown>],
          } as Record<string, unknown>,
        ],
      }) as Record<string, any>;
    const withField = (f: Record<string, unknown>) => {
      const d = base();
      d.collections[0].fields[1] = { name: 'a', ...f };
      return d;
    };
    const F1 = ['body', 0, 'collections', 0, 'fields', 1];

    it.each<[string, unknown, (string | number)[], string, string]>([
      ['a fides_key that is not a FidesKey', { ...base(), fides_key: 'my dataset' }, ['body', 0, 'fides_key'], FIDES_KEY_MESSAGE, 'value_error'],
      [
        'a category outside the taxonomy',
        withField({ data_categories: ['x'] }),
        [...F1, 'data_categories'],
        'The data category x is not supported.',
        'value_error',
      ],
      [
        'a category with a space (422, not 500)',
        withField({ data_categories: ['user', 'user contact'] }),
        [...F1, 'data_categories', 1],
        FIDES_KEY_MESSAGE,
        'value_error',
      ],
      [
        'a collection category outside the taxonomy',
        { ...base(), collections: [{ ...base().collections[0], data_categories: ['user.provided'] }] },
        ['body', 0, 'collections', 0, 'data_categories'],
        'The data category user.provided is not supported.',
        'value_error',
      ],
      [
        'an unsupported data_type',
        withField({ fidesops_meta: { data_type: 'str' } }),
        [...F1, 'fidesops_meta', 'data_type'],
        'The data type str is not supported.',
        'value_error',
      ],
      [
        'a length of 0',
        withField({ fidesops_meta: { length: 0 } }),
        [...F1, 'fidesops_meta', 'length'],
        'Illegal length (0). Only positive non-zero values are allowed.',
        'value_error',
      ],
      [
        'a negative length',
        withField({ fidesops_meta: { length: -4 } }),
        [...F1, 'fidesops_meta', 'length'],
        'Illegal length (-4). Only positive non-zero values are allowed.',
        'value_error',
      ],
      [
        'return_all_elements on a non-array field',
        withField({ fidesops_meta: { data_type: 'string', return_all_elements: true } }),
        [...F1, 'fidesops_meta', 'return_all_elements'],
        "The 'return_all_elements' attribute can only be specified on array fields.",
        'value_error',
      ],
      [
        'sub-fields under a non-object data_type',
        withField({ data_categories: null, fidesops_meta: { data_type: 'integer[]' }, fields: [{ name: 'sub' }] }),
        [...F1, 'fields'],
        'The data type integer is not compatible with specified sub-fields.',
        'value_error',
      ],
      [
        'an object field with data_categories',
        withField({ data_categories: ['user'], fields: [{ name: 'sub', data_categories: ['user.name'] }] }),
        [...F1, 'fields'],
        'Object fields cannot have specified data_categories. Specify category on sub-field instead',
        'value_error',
      ],
      [
        'a data_type object with data_categories',
        withField({ data_categories: ['user'], fidesops_meta: { data_type: 'object' } }),
        [...F1, 'fields'],
        'Object fields cannot have specified data_categories. Specify category on sub-field instead',
        'value_error',
      ],
      [
        'a bad reference direction',
        withField({ fidesops_meta: { references: [{ dataset: 'ds', field: 'c.z_id', direction: 'sideways' }] } }),
        [...F1, 'fidesops_meta', 'references', 0, 'direction'],
        "value is not a valid enumeration member; permitted: 'from', 'to'",
        'type_error.enum',
      ],
      [
        'a collection `after` not of the form dataset.collection',
        { ...base(), collections: [{ ...base().collections[0], fidesops_meta: { after: ['other_ds.orders', 'orders'] } }] },
        ['body', 0, 'collections', 0, 'fidesops_meta', 'after', 1],
        "FidesCollection must be specified in the form 'FidesKey.FidesKey'",
        'value_error',
      ],
      [
        'a country that is not ISO-3166 alpha-3 (422, not 500)',
        { ...base(), third_country_transfers: ['GBR', 'usa'] },
        ['body', 0, 'third_country_transfers'],
        'The country identified as usa is not a valid Alpha-3 code per ISO 3166.',
        'value_error',
      ],
      ['missing collections', { fides_key: 'ds' }, ['body', 0, 'collections'], 'field required', 'value_error.missing'],
      [
        'a collection without fields',
        { fides_key: 'ds', collections: [{ name: 'c' }] },
        ['body', 0, 'collections', 0, 'fields'],
        'field required',
        'value_error.missing',
      ],
      [
        'a collection without a name',
        { fides_key: 'ds', collections: [{ fields: [] }] },
        ['body', 0, 'collections', 0, 'name'],
        'field required',
        'value_error.missing',
      ],
      ['a field without a name', withField({ name: undefined }), [...F1, 'name'], 'field required', 'value_error.missing'],
      ['a null fides_key', { ...base(), fides_key: null }, ['body', 0, 'fides_key'], 'none is not an allowed value', 'type_error.none.not_allowed'],
      ['an item that is not an object', 'email_dataset', ['body', 0], 'value is not a valid dict', 'type_error.dict'],
    ])('answers 422 for %s, at its exact loc, storing nothing', async (_, item, loc, msg, type) => {
      const res = await patch('daycare', [item]).expect(422);
      expect(res.body).toEqual({ detail: [{ loc, msg, type }] });
      expect(await count()).toBe(0);
    });

    it('stores the base dataset of the table above, so each refusal is caused by the one change', async () => {
      const res = await patch('daycare', [base()]).expect(200);
      expect(res.body.succeeded).toEqual([dataset('ds', [collection('c', [field('a', ['user']), field('z_id', null, { primary_key: true })])])]);
      expect(await count()).toBe(1);
    });

    it('requires a primary_key field in every collection of an email connection (D12), naming the collection', async () => {
      const noKey = {
        fides_key: 'no_key',
        collections: [
          { name: 'with_pk', fields: [{ name: 'id', fidesops_meta: { primary_key: true } }] },
          {
            name: 'children',
            fields: [
              { name: 'id', fidesops_meta: { primary_key: false } },
              { name: 'first_name', data_categories: ['user.childrens'] },
            ],
          },
          { name: 'empty', fields: [] },
        ],
      };
      const res = await patch('daycare', [small('fine'), noKey]).expect(422);
      expect(res.body).toEqual({
        detail: [
          { loc: ['body', 1, 'collections', 1], msg: missingPrimaryKeyMessage('children'), type: 'value_error' },
          { loc: ['body', 1, 'collections', 2], msg: missingPrimaryKeyMessage('empty'), type: 'value_error' },
        ],
      });
      expect(missingPrimaryKeyMessage('children')).toBe(
        "Collection 'children' must declare a primary_key field: an email connector's erasure instructions locate records by it.",
      );
      expect(await count()).toBe(0);

      // A primary key on a sub-field counts.
      const nested = {
        fides_key: 'nested',
        collections: [{ name: 'docs', fields: [{ name: 'doc', fields: [{ name: 'id', fidesops_meta: { primary_key: true } }] }] }],
      };
      await patch('daycare', [nested]).expect(200);
      expect((await rows()).map((r) => r.fides_key)).toEqual(['nested']);
    });

    it('ignores unknown properties at every level and does not store them', async () => {
      const raw = {
        fides_key: 'extras',
        surprise: 1,
        joint_controller: { name: 'Jane', fax: '123' },
        fidesctl_meta: { resource_id: 'r1', x: true },
        fidesops_meta: { after: ['postgres_example'], y: 3 },
        collections: [
          {
            name: 'c',
            z: 4,
            fidesops_meta: { after: ['postgres_example.customer'], w: 5 },
            fields: [
              {
                name: 'id',
                v: 6,
                fidesops_meta: { primary_key: true, u: 7, references: [{ dataset: 'postgres_example', field: 'customer.id', t: 8 }] },
              },
              { name: 'address', fields: [{ name: 'city', data_categories: ['user.contact.address.city'], s: 9 }] },
            ],
          },
        ],
      };
      const expected = dataset(
        'extras',
        [
          collection(
            'c',
            [
              field('address', null, null, [field('city', ['user.contact.address.city'])]),
              field('id', null, { primary_key: true, references: [{ dataset: 'postgres_example', field: 'customer.id', direction: null }] }),
            ],
            { fidesops_meta: { after: ['postgres_example.customer'] } },
          ),
        ],
        {
          joint_controller: { name: 'Jane', address: '', email: '', phone: '' },
          fidesctl_meta: { resource_id: 'r1' },
          fidesops_meta: { after: ['postgres_example'] },
        },
      );
      const res = await patch('daycare', [raw]).expect(200);
      expect(res.body.succeeded).toEqual([expected]);
      const [stored] = await rows();
      expect(stored.dataset).toEqual(expected);
      expect(JSON.stringify(stored.dataset)).not.toMatch(/surprise|fax|"[xyzwvuts]"/);
    });

    it('keeps given values over defaults', async () => {
      const raw = {
        ...small('valued'),
        organization_fides_key: 'my_org',
        tags: ['crm'],
        meta: { owner: 'privacy-team' },
        data_categories: ['user'],
        data_qualifier: 'aggregated',
        retention: null,
        third_country_transfers: ['USA', 'DEU'],
      };
      const expected = {
        ...smallStored('valued'),
        organization_fides_key: 'my_org',
        tags: ['crm'],
        meta: { owner: 'privacy-team' },
        data_categories: ['user'],
        data_qualifier: 'aggregated',
        retention: null,
        third_country_transfers: ['USA', 'DEU'],
      };
      expect((await patch('daycare', [raw]).expect(200)).body.succeeded).toEqual([expected]);
      expect((await rows())[0].dataset).toEqual(expected);
    });
  });

  describe('GET /connection/{key}/dataset', () => {
    it("pages the connection's datasets newest first, as {items,total,page,size}", async () => {
      await patch('daycare', [small('ds_a'), small('ds_b')]).expect(200);
      await patch('other', [small('elsewhere')]).expect(200);
      await patch('daycare', [small('ds_c')]).expect(200);

      const all = await t.http().get(url('daycare')).set(auth).expect(200);
      expect(all.body).toEqual({ items: [smallStored('ds_c'), smallStored('ds_b'), smallStored('ds_a')], total: 3, page: 1, size: 50 });
      const first = await t
        .http()
        .get(`${url('daycare')}?size=2`)
        .set(auth)
        .expect(200);
      expect(first.body).toEqual({ items: [smallStored('ds_c'), smallStored('ds_b')], total: 3, page: 1, size: 2 });
      const second = await t
        .http()
        .get(`${url('daycare')}?size=2&page=2`)
        .set(auth)
        .expect(200);
      expect(second.body).toEqual({ items: [smallStored('ds_a')], total: 3, page: 2, size: 2 });
      const beyond = await t
        .http()
        .get(`${url('daycare')}?size=2&page=3`)
        .set(auth)
        .expect(200);
      expect(beyond.body).toEqual({ items: [], total: 3, page: 3, size: 2 });
      const other = await t.http().get(url('other')).set(auth).expect(200);
      expect(other.body).toEqual({ items: [smallStored('elsewhere')], total: 1, page: 1, size: 50 });
    });

    it.each([
      ['?size=0', 'size'],
      ['?size=101', 'size'],
      ['?page=0', 'page'],
    ])('answers 422 for %s', async (query, name) => {
      const res = await t
        .http()
        .get(`${url('daycare')}${query}`)
        .set(auth)
        .expect(422);
      expect(res.body.detail).toEqual([expect.objectContaining({ loc: ['query', name] })]);
    });

    it('reads one dataset, scoped to its connection', async () => {
      await patch('daycare', [small('mine', 'Mine')]).expect(200);
      const res = await t.http().get(url('daycare', 'dataset/mine')).set(auth).expect(200);
      expect(res.body).toEqual(smallStored('mine', 'Mine'));
      const elsewhere = await t.http().get(url('other', 'dataset/mine')).set(auth).expect(404);
      expect(elsewhere.body).toEqual({ detail: "No dataset with fides_key 'mine' and connection key other'" });
      const missing = await t.http().get(url('daycare', 'dataset/nope')).set(auth).expect(404);
      expect(missing.body).toEqual({ detail: "No dataset with fides_key 'nope' and connection key daycare'" });
    });
  });

  describe('unknown and bad keys', () => {
    const NO_CONNECTION = { detail: "No connection config with key 'nope'" };

    it('answers 404 for an unknown connection on every dataset route, before looking at the body', async () => {
      expect((await t.http().get(url('nope')).set(auth).expect(404)).body).toEqual(NO_CONNECTION);
      expect((await t.http().get(url('nope', 'dataset/email_dataset')).set(auth).expect(404)).body).toEqual(NO_CONNECTION);
      expect((await t.http().delete(url('nope', 'dataset/email_dataset')).set(auth).expect(404)).body).toEqual(NO_CONNECTION);
      // Bodies that would be refused with 422 on a known connection.
      expect((await patch('nope', { not: 'a list' }).expect(404)).body).toEqual(NO_CONNECTION);
      expect((await patch('nope', [{ fides_key: 'bad key' }]).expect(404)).body).toEqual(NO_CONNECTION);
      expect((await patch('nope', [emailDataset()]).expect(404)).body).toEqual(NO_CONNECTION);
      expect((await validate('nope', { collections: 'x' }).expect(404)).body).toEqual(NO_CONNECTION);
      expect((await validate('nope', emailDataset()).expect(404)).body).toEqual(NO_CONNECTION);
      expect(await count()).toBe(0);
    });

    it('answers 422 for a path key that is not a FidesKey', async () => {
      const res = await t.http().get('/api/v1/connection/bad%20key/dataset').set(auth).expect(422);
      expect(res.body).toEqual({ detail: [{ loc: ['path', 'connection_key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }] });
      const fk = await t.http().get(url('daycare', 'dataset/bad%20key')).set(auth).expect(422);
      expect(fk.body).toEqual({ detail: [{ loc: ['path', 'fides_key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' }] });
    });
  });

  describe('DELETE', () => {
    it('deletes one dataset (204), then answers 404', async () => {
      await patch('daycare', [small('gone'), small('kept')]).expect(200);
      await patch('other', [small('other_ds')]).expect(200);
      const res = await t.http().delete(url('daycare', 'dataset/gone')).set(auth).expect(204);
      expect(res.text).toBe('');
      expect((await rows()).map((r) => [r.connection_key, r.fides_key])).toEqual([
        ['daycare', 'kept'],
        ['other', 'other_ds'],
      ]);

      const again = await t.http().delete(url('daycare', 'dataset/gone')).set(auth).expect(404);
      expect(again.body).toEqual({ detail: "No dataset with fides_key 'gone' and connection_key 'daycare'" });
      await t.http().get(url('daycare', 'dataset/gone')).set(auth).expect(404);
      // Lookups are scoped to the connection: another connection's dataset is not deleted through this one.
      const foreign = await t.http().delete(url('daycare', 'dataset/other_ds')).set(auth).expect(404);
      expect(foreign.body).toEqual({ detail: "No dataset with fides_key 'other_ds' and connection_key 'daycare'" });
      expect(await count()).toBe(2);
    });

    it('deletes the datasets with their connection', async () => {
      await patch('daycare', [emailDataset(), small('second')]).expect(200);
      await patch('other', [small('survivor')]).expect(200);
      await t.http().delete('/api/v1/connection/daycare').set(auth).expect(204);
      expect((await rows()).map((r) => [r.connection_key, r.fides_key])).toEqual([['other', 'survivor']]);
      expect((await t.http().get(url('daycare')).set(auth).expect(404)).body).toEqual({ detail: "No connection config with key 'daycare'" });

      // The fides_key is free again for another connection.
      const reused = await patch('other', [emailDataset()]).expect(200);
      expect(reused.body).toEqual({ succeeded: [EMAIL_DATASET_STORED], failed: [] });
    });
  });

  describe('PUT /connection/{key}/validate_dataset', () => {
    it('answers a traversable dataset seeded by an identity with no message, storing nothing', async () => {
      const raw = {
        fides_key: 'crm',
        collections: [
          {
            name: 'orders',
            fields: [
              { name: 'id', fidesops_meta: { primary_key: true } },
              { name: 'customer_id', fidesops_meta: { references: [{ dataset: 'crm', field: 'customers.id', direction: 'from' }] } },
            ],
          },
          {
            name: 'customers',
            fields: [
              { name: 'id', fidesops_meta: { primary_key: true } },
              { name: 'email', data_categories: ['user.contact.email'], fidesops_meta: { identity: 'email' } },
            ],
          },
        ],
      };
      const res = await validate('daycare', raw).expect(200);
      expect(res.body).toEqual({
        dataset: dataset('crm', [
          collection('customers', [field('email', ['user.contact.email'], { identity: 'email' }), field('id', null, { primary_key: true })]),
          collection('orders', [
            field('customer_id', null, { references: [{ dataset: 'crm', field: 'customers.id', direction: 'from' }] }),
            field('id', null, { primary_key: true }),
          ]),
        ]),
        traversal_details: { is_traversable: true, msg: null },
      });
      expect(await count()).toBe(0);
    });

    it('answers the sample as traversable, naming its reference to another dataset', async () => {
      const res = await validate('daycare', emailDataset()).expect(200);
      expect(res.body).toEqual({
        dataset: EMAIL_DATASET_STORED,
        traversal_details: { is_traversable: true, msg: 'Unresolved references to other datasets: postgres_example:customer:id' },
      });
      // Trailing slash, as Fides.
      await t.http().put(url('daycare', 'validate_dataset/')).set(auth).send(emailDataset()).expect(200);
      expect(await count()).toBe(0);
    });

    it('answers an unreachable collection as not traversable', async () => {
      const raw = {
        fides_key: 'crm',
        collections: [
          { name: 'customers', fields: [{ name: 'email', fidesops_meta: { identity: 'email', primary_key: true } }] },
          { name: 'orphans', fields: [{ name: 'id', fidesops_meta: { primary_key: true } }] },
          { name: 'lost', fields: [{ name: 'id', fidesops_meta: { primary_key: true } }] },
        ],
      };
      const res = await validate('daycare', raw).expect(200);
      expect(res.body.traversal_details).toEqual({ is_traversable: false, msg: 'Some nodes were not reachable: crm:lost,crm:orphans' });
      expect(res.body.dataset.collections.map((c: { name: string }) => c.name)).toEqual(['customers', 'lost', 'orphans']);
      expect(await count()).toBe(0);
    });

    it('answers a reference to a missing field of the same dataset as not traversable', async () => {
      const raw = {
        fides_key: 'crm',
        collections: [
          {
            name: 'customers',
            fields: [
              { name: 'email', fidesops_meta: { identity: 'email', primary_key: true } },
              { name: 'x', fidesops_meta: { references: [{ dataset: 'crm', field: 'nowhere.id', direction: 'to' }] } },
            ],
          },
        ],
      };
      const res = await validate('daycare', raw).expect(200);
      expect(res.body.traversal_details).toEqual({ is_traversable: false, msg: 'Referred to object crm:nowhere:id does not exist' });
    });

    it('does not change a stored dataset of the same key', async () => {
      await patch('daycare', [small('email_dataset', 'Stored')]).expect(200);
      const before = await rows();
      await validate('daycare', emailDataset()).expect(200);
      expect(await rows()).toEqual(before);
    });

    it('answers 422 for an invalid dataset, located under body, and for a missing primary key (D12)', async () => {
      const bad = await validate('daycare', { fides_key: 'ds', collections: [{ name: 'c', fields: [{ name: 'f', data_categories: ['x'] }] }] }).expect(422);
      expect(bad.body).toEqual({
        detail: [{ loc: ['body', 'collections', 0, 'fields', 0, 'data_categories'], msg: 'The data category x is not supported.', type: 'value_error' }],
      });
      const noKey = await validate('daycare', { fides_key: 'ds', collections: [{ name: 'c', fields: [{ name: 'f' }] }] }).expect(422);
      expect(noKey.body).toEqual({ detail: [{ loc: ['body', 'collections', 0], msg: missingPrimaryKeyMessage('c'), type: 'value_error' }] });
      const list = await validate('daycare', [emailDataset()]).expect(422);
      expect(list.body).toEqual({ detail: [{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }] });
      expect(await count()).toBe(0);
    });
  });

  describe('scopes', () => {
    it('lets a dataset:read token read and validate but not write or delete', async () => {
      await patch('daycare', [small('existing')]).expect(200);
      const client = await t.http().post('/api/v1/oauth/client').set(auth).send(['dataset:read']).expect(200);
      const reader = bearer(await obtainToken(t.http(), client.body.client_id, client.body.client_secret));

      await t.http().get(url('daycare')).set(reader).expect(200);
      await t.http().get(url('daycare', 'dataset/existing')).set(reader).expect(200);
      await t.http().put(url('daycare', 'validate_dataset')).set(reader).send(emailDataset()).expect(200);
      const forbidden = await t
        .http()
        .patch(url('daycare'))
        .set(reader)
        .send([small('sneaky')])
        .expect(403);
      expect(forbidden.body).toEqual({ detail: 'Not Authorized for this action' });
      await t.http().delete(url('daycare', 'dataset/existing')).set(reader).expect(403);
      // Scopes are checked before the connection is looked up.
      await t.http().patch(url('nope')).set(reader).send([]).expect(403);
      await t
        .http()
        .patch(url('daycare'))
        .send([small('anonymous')])
        .expect(401);
      expect((await rows()).map((r) => r.fides_key)).toEqual(['existing']);
    });
  });
});
