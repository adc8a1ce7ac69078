import { RequestValidationError, ValidationIssue } from '../../common/errors/herald.error.js';
import { FIDES_KEY_MESSAGE } from '../../common/fides-key.js';
import { parseDataset, ParseDatasetOptions } from './parse-dataset.js';
import { POSTMAN_EMAIL_DATASET_STORED, postmanEmailDataset as emailDataset, QUALIFIER, storedField, storedMeta } from '../../../test/support/datasets.js';

const meta = storedMeta;
const field = storedField;

function issues(raw: unknown, options?: ParseDatasetOptions, loc: (string | number)[] = ['body']): ValidationIssue[] {
  try {
    parseDataset(raw, loc, options);
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).kind).toBe('unprocessable');
    return (error as RequestValidationError).issues;
  }
  throw new Error('expected a RequestValidationError');
}

/** A valid dataset with one collection `c` holding the given fields. */
const withFields = (...fields: unknown[]) => ({ fides_key: 'ds', collections: [{ name: 'c', fields }] });
const F = ['body', 'collections', 0, 'fields'];

describe('parseDataset: the sample email dataset', () => {
  it('comes back fully defaulted, collections and top-level fields sorted by name', () => {
    const parsed = parseDataset(emailDataset(), ['body'], { requirePrimaryKeys: true });
    expect(parsed).toEqual(POSTMAN_EMAIL_DATASET_STORED);
  });

  it('lists every key in the wire order', () => {
    const parsed = parseDataset(emailDataset(), []);
    expect(Object.keys(parsed)).toEqual([
      'fides_key',
      'organization_fides_key',
      'tags',
      'name',
      'description',
      'meta',
      'data_categories',
      'data_qualifier',
      'fidesctl_meta',
      'joint_controller',
      'retention',
      'third_country_transfers',
      'collections',
      'fidesops_meta',
    ]);
    expect(Object.keys(parsed.collections[0])).toEqual(['name', 'description', 'data_categories', 'data_qualifier', 'retention', 'fields', 'fidesops_meta']);
    expect(Object.keys(parsed.collections[0].fields[0])).toEqual([
      'name',
      'description',
      'data_categories',
      'data_qualifier',
      'retention',
      'fidesops_meta',
      'fields',
    ]);
  });

  it('is stable: parsing its own output gives the same dataset', () => {
    const parsed = parseDataset(emailDataset(), []);
    expect(parseDataset(JSON.parse(JSON.stringify(parsed)), [])).toEqual(parsed);
  });

  it('does not change its input', () => {
    const raw = emailDataset();
    parseDataset(raw, []);
    expect(raw).toEqual(emailDataset());
  });
});

describe('parseDataset: values and defaults', () => {
  it('keeps given values and fills nested defaults', () => {
    const parsed = parseDataset(
      {
        fides_key: 'ds',
        organization_fides_key: 'my_org',
        tags: ['a', 'b'],
        meta: { owner: 'team' },
        data_categories: ['user'],
        data_qualifier: 'aggregated',
        fidesctl_meta: {},
        joint_controller: { name: 'Jane' },
        retention: null,
        third_country_transfers: ['USA', 'GBR'],
        fidesops_meta: { after: ['other_ds'] },
        collections: [{ name: 'c', retention: '30 days', fidesops_meta: { after: ['other_ds.orders'] }, fields: [{ name: 'f', fields: null }] }],
      },
      [],
    );
    expect(parsed).toMatchObject({
      organization_fides_key: 'my_org',
      tags: ['a', 'b'],
      meta: { owner: 'team' },
      data_categories: ['user'],
      data_qualifier: 'aggregated',
      fidesctl_meta: { resource_id: null },
      joint_controller: { name: 'Jane', address: '', email: '', phone: '' },
      retention: null,
      third_country_transfers: ['USA', 'GBR'],
      fidesops_meta: { after: ['other_ds'] },
    });
    expect(parsed.collections[0]).toEqual({
      name: 'c',
      description: null,
      data_categories: null,
      data_qualifier: QUALIFIER,
      retention: '30 days',
      fields: [field('f', null)],
      fidesops_meta: { after: ['other_ds.orders'] },
    });
  });

  it('drops unknown keys at every level, without an error', () => {
    const parsed = parseDataset(
      {
        fides_key: 'ds',
        surprise: 1,
        joint_controller: { name: 'J', fax: '1' },
        fidesctl_meta: { resource_id: 'r', x: 2 },
        fidesops_meta: { after: null, y: 3 },
        collections: [
          {
            name: 'c',
            z: 4,
            fidesops_meta: { after: null, w: 5 },
            fields: [
              {
                name: 'f',
                v: 6,
                fidesops_meta: { primary_key: true, u: 7, references: [{ dataset: 'd', field: 'c.f', t: 8 }] },
                fields: [{ name: 'sub', s: 9 }],
              },
            ],
          },
        ],
      },
      [],
    );
    expect(parsed).not.toHaveProperty('surprise');
    expect(parsed.joint_controller).toEqual({ name: 'J', address: '', email: '', phone: '' });
    expect(parsed.fidesctl_meta).toEqual({ resource_id: 'r' });
    expect(parsed.fidesops_meta).toEqual({ after: null });
    expect(parsed.collections[0]).not.toHaveProperty('z');
    expect(parsed.collections[0].fidesops_meta).toEqual({ after: null });
    const f = parsed.collections[0].fields[0];
    expect(f).toEqual({
      ...field('f', null, { primary_key: true, references: [{ dataset: 'd', field: 'c.f', direction: null }] }),
      fields: [field('sub', null)],
    });
  });

  it('sorts top-level fields but keeps sub-fields in input order', () => {
    const parsed = parseDataset(
      withFields({ name: 'b' }, { name: 'a', fidesops_meta: { data_type: 'object' }, fields: [{ name: 'z' }, { name: 'y' }] }, { name: 'B' }),
      [],
    );
    const fields = parsed.collections[0].fields;
    expect(fields.map((f) => f.name)).toEqual(['B', 'a', 'b']);
    expect(fields[1].fields.map((f) => f.name)).toEqual(['z', 'y']);
  });

  it('sorts collections by name, keeping equal names in input order', () => {
    const parsed = parseDataset(
      {
        fides_key: 'ds',
        collections: [
          { name: 'b', description: '1', fields: [] },
          { name: 'a', fields: [] },
          { name: 'b', description: '2', fields: [] },
        ],
      },
      [],
    );
    expect(parsed.collections.map((c) => [c.name, c.description])).toEqual([
      ['a', null],
      ['b', '1'],
      ['b', '2'],
    ]);
  });

  it('parses booleans and integers as pydantic v1 does', () => {
    const parsed = parseDataset(withFields({ name: 'f', fidesops_meta: { primary_key: 'yes', read_only: 0, length: '12' } }), []);
    expect(parsed.collections[0].fields[0].fidesops_meta).toEqual(meta({ primary_key: true, read_only: false, length: 12 }));
  });
});

describe('parseDataset: structure and types (pydantic v1 messages)', () => {
  it('reports a missing dataset as one dict error at loc', () => {
    expect(issues(null)).toEqual([{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
    expect(issues([])).toEqual([{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
  });

  it('requires fides_key and collections, located under the given loc', () => {
    expect(issues({}, {}, ['body', 3])).toEqual([
      { loc: ['body', 3, 'fides_key'], msg: 'field required', type: 'value_error.missing' },
      { loc: ['body', 3, 'collections'], msg: 'field required', type: 'value_error.missing' },
    ]);
  });

  it('requires a collection name and fields, and a field name', () => {
    expect(issues({ fides_key: 'ds', collections: [{ fields: [{}] }, {}] })).toEqual([
      { loc: ['body', 'collections', 0, 'name'], msg: 'field required', type: 'value_error.missing' },
      { loc: ['body', 'collections', 0, 'fields', 0, 'name'], msg: 'field required', type: 'value_error.missing' },
      { loc: ['body', 'collections', 1, 'name'], msg: 'field required', type: 'value_error.missing' },
      { loc: ['body', 'collections', 1, 'fields'], msg: 'field required', type: 'value_error.missing' },
    ]);
  });

  it('refuses null where the key has a non-null default or is required', () => {
    expect(issues({ fides_key: null, organization_fides_key: null, data_qualifier: null, collections: [null] })).toEqual([
      { loc: ['body', 'fides_key'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
      { loc: ['body', 'organization_fides_key'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
      { loc: ['body', 'data_qualifier'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
      { loc: ['body', 'collections', 0], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
    ]);
  });

  it('reports each wrong type with its pydantic message, in declaration order', () => {
    expect(
      issues({
        fides_key: 'ds',
        tags: 'a',
        name: 5,
        description: ['d'],
        meta: { k: 1 },
        joint_controller: 'Jane',
        fidesctl_meta: { resource_id: false },
        collections: {},
      }),
    ).toEqual([
      { loc: ['body', 'tags'], msg: 'value is not a valid list', type: 'type_error.list' },
      { loc: ['body', 'name'], msg: 'str type expected', type: 'type_error.str' },
      { loc: ['body', 'description'], msg: 'str type expected', type: 'type_error.str' },
      { loc: ['body', 'meta', 'k'], msg: 'str type expected', type: 'type_error.str' },
      { loc: ['body', 'fidesctl_meta', 'resource_id'], msg: 'str type expected', type: 'type_error.str' },
      { loc: ['body', 'joint_controller'], msg: 'value is not a valid dict', type: 'type_error.dict' },
      { loc: ['body', 'collections'], msg: 'value is not a valid list', type: 'type_error.list' },
    ]);
  });

  it('reports wrong types inside fields and fidesops_meta', () => {
    expect(
      issues(
        withFields(
          'f',
          { name: 'g', fields: {}, fidesops_meta: { primary_key: 'maybe', length: 1.5, identity: 7, references: {} } },
          { name: 'h', fidesops_meta: [] },
        ),
      ),
    ).toEqual([
      { loc: [...F, 0], msg: 'value is not a valid dict', type: 'type_error.dict' },
      { loc: [...F, 1, 'fidesops_meta', 'references'], msg: 'value is not a valid list', type: 'type_error.list' },
      { loc: [...F, 1, 'fidesops_meta', 'identity'], msg: 'str type expected', type: 'type_error.str' },
      { loc: [...F, 1, 'fidesops_meta', 'primary_key'], msg: 'value could not be parsed to a boolean', type: 'type_error.bool' },
      { loc: [...F, 1, 'fidesops_meta', 'length'], msg: 'value is not a valid integer', type: 'type_error.integer' },
      { loc: [...F, 1, 'fields'], msg: 'value is not a valid list', type: 'type_error.list' },
      { loc: [...F, 2, 'fidesops_meta'], msg: 'value is not a valid dict', type: 'type_error.dict' },
    ]);
  });

  it('collects the issues of every collection and nested field in one error', () => {
    expect(
      issues({
        fides_key: 'ds',
        collections: [
          { name: 'a', fields: [{ name: 'x', fidesops_meta: { data_type: 'object' }, fields: [{ name: 'ok' }, { description: 'no name' }] }] },
          { name: 'b', fields: [{ name: 'y', fidesops_meta: { length: -3 } }] },
        ],
      }),
    ).toEqual([
      { loc: ['body', 'collections', 0, 'fields', 0, 'fields', 1, 'name'], msg: 'field required', type: 'value_error.missing' },
      {
        loc: ['body', 'collections', 1, 'fields', 0, 'fidesops_meta', 'length'],
        msg: 'Illegal length (-3). Only positive non-zero values are allowed.',
        type: 'value_error',
      },
    ]);
  });
});

describe('parseDataset: FidesKeys (decision D3)', () => {
  it('refuses a bad fides_key, organization, qualifier, reference dataset and `after` entry', () => {
    expect(
      issues({
        fides_key: 'my dataset',
        organization_fides_key: 'org/1',
        data_qualifier: 'a b',
        fidesops_meta: { after: ['ok', 'not ok'] },
        collections: [
          {
            name: 'c',
            fields: [{ name: 'f', data_qualifier: 'x!', fidesops_meta: { references: [{ dataset: 'pg example', field: 'c.f' }] } }],
          },
        ],
      }),
    ).toEqual([
      { loc: ['body', 'fides_key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' },
      { loc: ['body', 'organization_fides_key'], msg: FIDES_KEY_MESSAGE, type: 'value_error' },
      { loc: ['body', 'data_qualifier'], msg: FIDES_KEY_MESSAGE, type: 'value_error' },
      { loc: [...F, 0, 'data_qualifier'], msg: FIDES_KEY_MESSAGE, type: 'value_error' },
      { loc: [...F, 0, 'fidesops_meta', 'references', 0, 'dataset'], msg: FIDES_KEY_MESSAGE, type: 'value_error' },
      { loc: ['body', 'fidesops_meta', 'after', 1], msg: FIDES_KEY_MESSAGE, type: 'value_error' },
    ]);
  });

  it('accepts keys with dots, dashes and underscores', () => {
    expect(parseDataset({ fides_key: 'my.data-set_1', organization_fides_key: 'org.a', collections: [] }, []).fides_key).toBe('my.data-set_1');
  });

  it.each([
    ['a', true],
    ['a.b.c', true],
    ['a b.c', true],
    ['.b', true],
    ['a.b', false],
    ['my_ds.my-coll', false],
  ])('collection `after` %j is refused: %s', (after, refused) => {
    const raw = { fides_key: 'ds', collections: [{ name: 'c', fields: [], fidesops_meta: { after: [after] } }] };
    if (!refused) return expect(parseDataset(raw, []).collections[0].fidesops_meta).toEqual({ after: [after] });
    expect(issues(raw)).toEqual([
      {
        loc: ['body', 'collections', 0, 'fidesops_meta', 'after', 0],
        msg: "FidesCollection must be specified in the form 'FidesKey.FidesKey'",
        type: 'value_error',
      },
    ]);
  });
});

describe('parseDataset: data categories (fideslang 1.3.1 taxonomy)', () => {
  it('refuses a category outside the taxonomy at dataset, collection and field level', () => {
    expect(
      issues({
        fides_key: 'ds',
        data_categories: ['user', 'customer'],
        collections: [{ name: 'c', data_categories: ['user.provided'], fields: [{ name: 'f', data_categories: ['user.contact.emails'] }] }],
      }),
    ).toEqual([
      { loc: ['body', 'data_categories'], msg: 'The data category customer is not supported.', type: 'value_error' },
      { loc: ['body', 'collections', 0, 'data_categories'], msg: 'The data category user.provided is not supported.', type: 'value_error' },
      { loc: [...F, 0, 'data_categories'], msg: 'The data category user.contact.emails is not supported.', type: 'value_error' },
    ]);
  });

  it('locates a field by the order the client sent, not the sorted order', () => {
    expect(
      issues({
        fides_key: 'ds',
        collections: [
          { name: 'z', fields: [] },
          {
            name: 'a',
            fields: [
              { name: 'zz', data_categories: ['user'] },
              { name: 'aa', data_categories: ['bogus'] },
            ],
          },
        ],
      }),
    ).toEqual([{ loc: ['body', 'collections', 1, 'fields', 1, 'data_categories'], msg: 'The data category bogus is not supported.', type: 'value_error' }]);
  });

  it('answers 422 (not another kind of error) for a category that is not a FidesKey', () => {
    expect(issues(withFields({ name: 'f', data_categories: ['user', 'user contact'] }))).toEqual([
      { loc: [...F, 0, 'data_categories', 1], msg: FIDES_KEY_MESSAGE, type: 'value_error' },
    ]);
    expect(issues(withFields({ name: 'f', data_categories: 'user' }))).toEqual([
      { loc: [...F, 0, 'data_categories'], msg: 'value is not a valid list', type: 'type_error.list' },
    ]);
  });
});

describe('parseDataset: third-country transfers', () => {
  it.each(['usa', 'XXX', 'US', 'U SA'])('refuses %j as not ISO-3166 alpha-3', (code) => {
    expect(issues({ fides_key: 'ds', third_country_transfers: ['GBR', code], collections: [] })).toEqual([
      { loc: ['body', 'third_country_transfers'], msg: `The country identified as ${code} is not a valid Alpha-3 code per ISO 3166.`, type: 'value_error' },
    ]);
  });

  it('accepts alpha-3 codes', () => {
    expect(parseDataset({ fides_key: 'ds', third_country_transfers: ['USA', 'DEU', 'JPN'], collections: [] }, []).third_country_transfers).toEqual([
      'USA',
      'DEU',
      'JPN',
    ]);
  });
});

describe('parseDataset: field fidesops_meta', () => {
  const metaIssue = (key: string, msg: string, type = 'value_error') => ({ loc: [...F, 0, 'fidesops_meta', key], msg, type });

  it.each(['string', 'integer', 'float', 'boolean', 'object_id', 'object', 'string[]', 'object[]'])('accepts data_type %j', (dataType) => {
    expect(parseDataset(withFields({ name: 'f', fidesops_meta: { data_type: dataType } }), []).collections[0].fields[0].fidesops_meta?.data_type).toBe(
      dataType,
    );
  });

  it.each(['str', 'string[][]', 'String', 'array', '[]', ''])('refuses data_type %j', (dataType) => {
    expect(issues(withFields({ name: 'f', fidesops_meta: { data_type: dataType } }))).toEqual([
      metaIssue('data_type', `The data type ${dataType} is not supported.`),
    ]);
  });

  it.each([0, -1])('refuses length %j', (length) => {
    expect(issues(withFields({ name: 'f', fidesops_meta: { length } }))).toEqual([
      metaIssue('length', `Illegal length (${length}). Only positive non-zero values are allowed.`),
    ]);
  });

  it('allows return_all_elements on array fields only', () => {
    const message = "The 'return_all_elements' attribute can only be specified on array fields.";
    expect(issues(withFields({ name: 'f', fidesops_meta: { data_type: 'string', return_all_elements: true } }))).toEqual([
      metaIssue('return_all_elements', message),
    ]);
    expect(issues(withFields({ name: 'f', fidesops_meta: { return_all_elements: false } }))).toEqual([metaIssue('return_all_elements', message)]);
    const ok = parseDataset(withFields({ name: 'f', fidesops_meta: { data_type: 'integer[]', return_all_elements: true } }), []);
    expect(ok.collections[0].fields[0].fidesops_meta).toEqual(meta({ data_type: 'integer[]', return_all_elements: true }));
  });

  it('refuses a reference direction other than from, to or null', () => {
    expect(
      issues(
        withFields({
          name: 'f',
          fidesops_meta: {
            references: [
              { dataset: 'd', field: 'c.f', direction: 'to' },
              { dataset: 'd', field: 'c.f', direction: 'up' },
            ],
          },
        }),
      ),
    ).toEqual([
      {
        loc: [...F, 0, 'fidesops_meta', 'references', 1, 'direction'],
        msg: "value is not a valid enumeration member; permitted: 'from', 'to'",
        type: 'type_error.enum',
      },
    ]);
  });

  it('requires a reference dataset and field', () => {
    expect(issues(withFields({ name: 'f', fidesops_meta: { references: [{ direction: null }] } }))).toEqual([
      { loc: [...F, 0, 'fidesops_meta', 'references', 0, 'dataset'], msg: 'field required', type: 'value_error.missing' },
      { loc: [...F, 0, 'fidesops_meta', 'references', 0, 'field'], msg: 'field required', type: 'value_error.missing' },
    ]);
  });
});

describe('parseDataset: object fields', () => {
  const objectMessage = 'Object fields cannot have specified data_categories. Specify category on sub-field instead';

  it('refuses sub-fields under a non-object data_type, naming the base type', () => {
    expect(issues(withFields({ name: 'f', fidesops_meta: { data_type: 'string[]' }, fields: [{ name: 'g' }] }))).toEqual([
      { loc: [...F, 0, 'fields'], msg: 'The data type string is not compatible with specified sub-fields.', type: 'value_error' },
    ]);
  });

  it('refuses categories on a field with sub-fields or of data_type object', () => {
    expect(issues(withFields({ name: 'f', data_categories: ['user'], fields: [{ name: 'g' }] }))).toEqual([
      { loc: [...F, 0, 'fields'], msg: objectMessage, type: 'value_error' },
    ]);
    expect(issues(withFields({ name: 'f', data_categories: ['user'], fidesops_meta: { data_type: 'object' } }))).toEqual([
      { loc: [...F, 0, 'fields'], msg: objectMessage, type: 'value_error' },
    ]);
  });

  it('checks nested levels the same way', () => {
    const raw = withFields({ name: 'a', fields: [{ name: 'b', fields: [{ name: 'c', data_categories: ['user'], fields: [{ name: 'd' }] }] }] });
    expect(issues(raw)).toEqual([{ loc: [...F, 0, 'fields', 0, 'fields', 0, 'fields'], msg: objectMessage, type: 'value_error' }]);
  });

  it('accepts object and object[] fields with categorised sub-fields', () => {
    const parsed = parseDataset(
      withFields({
        name: 'address',
        fidesops_meta: { data_type: 'object[]' },
        fields: [{ name: 'city', data_categories: ['user.contact.address.city'] }],
      }),
      [],
    );
    expect(parsed.collections[0].fields[0].fields).toEqual([field('city', ['user.contact.address.city'])]);
  });
});

describe('parseDataset: primary keys (decision D12)', () => {
  const message = (name: string) => `Collection '${name}' must declare a primary_key field: an email connector's erasure instructions locate records by it.`;
  const raw = {
    fides_key: 'ds',
    collections: [
      { name: 'with_pk', fields: [{ name: 'id', fidesops_meta: { primary_key: true } }] },
      { name: 'children', fields: [{ name: 'id', fidesops_meta: { primary_key: false } }, { name: 'name' }] },
      { name: 'nested_pk', fields: [{ name: 'doc', fields: [{ name: 'id', fidesops_meta: { primary_key: true } }] }] },
      { name: 'empty', fields: [] },
    ],
  };

  it('is not required unless asked', () => expect(parseDataset(raw, []).collections).toHaveLength(4));

  it('names each collection without one, at its input position', () => {
    expect(issues(raw, { requirePrimaryKeys: true })).toEqual([
      { loc: ['body', 'collections', 1], msg: message('children'), type: 'value_error' },
      { loc: ['body', 'collections', 3], msg: message('empty'), type: 'value_error' },
    ]);
  });

  it('accepts the sample email dataset', () => {
    expect(() => parseDataset(emailDataset(), ['body'], { requirePrimaryKeys: true })).not.toThrow();
  });
});
