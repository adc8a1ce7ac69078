import { parseDataset } from './parse-dataset.js';
import { traversalDetails } from './dataset-traversal.js';

type Ref = { dataset: string; field: string; direction?: 'from' | 'to' | null };
type RawField = { name: string; identity?: string; ref?: Ref; fields?: RawField[] };

const rawField = (f: RawField): object => ({
  name: f.name,
  fidesops_meta: { identity: f.identity, references: f.ref ? [f.ref] : undefined },
  fields: f.fields?.map(rawField),
});

/** Dataset `ds` with the given collections (name → fields), parsed as the API would. */
const dataset = (collections: Record<string, RawField[]>, fidesKey = 'ds') =>
  parseDataset({ fides_key: fidesKey, collections: Object.entries(collections).map(([name, fields]) => ({ name, fields: fields.map(rawField) })) }, []);

const details = (collections: Record<string, RawField[]>) => traversalDetails(dataset(collections));

describe('traversalDetails', () => {
  it('is traversable with no message when every collection is reached from an identity', () => {
    expect(
      details({
        customer: [{ name: 'email', identity: 'email' }, { name: 'id' }],
        orders: [{ name: 'customer_id', ref: { dataset: 'ds', field: 'customer.id', direction: 'from' } }],
        payment: [{ name: 'order_id', ref: { dataset: 'ds', field: 'orders.customer_id' } }],
      }),
    ).toEqual({ is_traversable: true, msg: null });
  });

  it('names the unreachable collections, sorted', () => {
    expect(
      details({
        zeta: [{ name: 'x' }],
        customer: [{ name: 'email', identity: 'email' }],
        alpha: [{ name: 'y', ref: { dataset: 'ds', field: 'zeta.x', direction: 'from' } }],
      }),
    ).toEqual({ is_traversable: false, msg: 'Some nodes were not reachable: ds:alpha,ds:zeta' });
  });

  it('follows `to` references from the referring collection only', () => {
    const toward = {
      customer: [{ name: 'email', identity: 'email', ref: { dataset: 'ds', field: 'orders.email', direction: 'to' as const } }],
      orders: [{ name: 'email' }],
    };
    expect(details(toward)).toEqual({ is_traversable: true, msg: null });
    const against = {
      customer: [{ name: 'email', identity: 'email', ref: { dataset: 'ds', field: 'orders.email', direction: 'from' as const } }],
      orders: [{ name: 'email' }],
    };
    expect(details(against)).toEqual({ is_traversable: false, msg: 'Some nodes were not reachable: ds:orders' });
  });

  it('follows a reference without direction both ways', () => {
    expect(
      details({
        customer: [{ name: 'email', identity: 'email', ref: { dataset: 'ds', field: 'orders.email', direction: null } }],
        orders: [{ name: 'email' }],
      }),
    ).toEqual({ is_traversable: true, msg: null });
    expect(details({ customer: [{ name: 'email', identity: 'email' }], orders: [{ name: 'email', ref: { dataset: 'ds', field: 'customer.email' } }] })).toEqual(
      { is_traversable: true, msg: null },
    );
  });

  it('is not traversable without any identity', () => {
    expect(details({ b: [{ name: 'id' }], a: [{ name: 'id', ref: { dataset: 'ds', field: 'b.id', direction: 'from' } }] })).toEqual({
      is_traversable: false,
      msg: 'Some nodes were not reachable: ds:a,ds:b',
    });
  });

  it('finds identities and referenced fields in sub-fields', () => {
    expect(
      details({
        customer: [
          {
            name: 'contact',
            fields: [
              { name: 'email', identity: 'email' },
              { name: 'address', fields: [{ name: 'city' }] },
            ],
          },
        ],
        stores: [{ name: 'city', ref: { dataset: 'ds', field: 'customer.contact.address.city', direction: 'from' } }],
      }),
    ).toEqual({ is_traversable: true, msg: null });
  });

  it('reports a reference to a collection or field missing from this dataset', () => {
    expect(
      details({
        customer: [
          { name: 'email', identity: 'email' },
          { name: 'address', fields: [{ name: 'city' }] },
        ],
        orders: [
          { name: 'a', ref: { dataset: 'ds', field: 'customer.id', direction: 'from' } },
          { name: 'b', ref: { dataset: 'ds', field: 'nowhere.id', direction: 'from' } },
          { name: 'c', ref: { dataset: 'ds', field: 'customer.address.zip', direction: 'from' } },
        ],
      }),
    ).toEqual({
      is_traversable: false,
      msg:
        'Referred to object ds:customer:address.zip does not exist; Referred to object ds:customer:id does not exist; ' +
        'Referred to object ds:nowhere:id does not exist; Some nodes were not reachable: ds:orders',
    });
  });

  it('allows references to other datasets, naming them as unresolved', () => {
    expect(
      details({
        customer: [{ name: 'email', identity: 'email', ref: { dataset: 'mongo', field: 'profile.email', direction: 'to' } }],
        orders: [{ name: 'customer_id', ref: { dataset: 'postgres_example', field: 'customer.id', direction: 'from' } }],
      }),
    ).toEqual({ is_traversable: true, msg: 'Unresolved references to other datasets: mongo:profile:email,postgres_example:customer:id' });
  });

  it('does not count a `to` reference to another dataset as feeding the collection', () => {
    expect(
      details({
        customer: [{ name: 'email', identity: 'email' }],
        orders: [{ name: 'customer_id', ref: { dataset: 'postgres_example', field: 'customer.id', direction: 'to' } }],
      }),
    ).toEqual({
      is_traversable: false,
      msg: 'Some nodes were not reachable: ds:orders; Unresolved references to other datasets: postgres_example:customer:id',
    });
  });

  it('reads the Postman email dataset as traversable through postgres_example (docs/compatibility.md#the-postman-collection)', () => {
    const emailDataset = dataset(
      {
        daycare_customer: [{ name: 'id' }, { name: 'customer_id', ref: { dataset: 'postgres_example', field: 'customer.id', direction: 'from' } }],
        children: [
          { name: 'id' },
          { name: 'first_name' },
          { name: 'parent_id', ref: { dataset: 'email_dataset', field: 'daycare_customer.id', direction: 'from' } },
        ],
      },
      'email_dataset',
    );
    expect(traversalDetails(emailDataset)).toEqual({
      is_traversable: true,
      msg: 'Unresolved references to other datasets: postgres_example:customer:id',
    });
  });

  it('is traversable for a dataset without collections', () => {
    expect(details({})).toEqual({ is_traversable: true, msg: null });
  });
});
