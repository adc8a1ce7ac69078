// Datasets shared by the e2e specs: the Postman collection's email dataset (docs/compatibility.md#the-postman-collection) as a client sends it, and
// builders of the stored form (every key present, defaults filled, sorted by name) to compare answers with.

export const QUALIFIER = 'aggregated.anonymized.unlinked_pseudonymized.pseudonymized.identified';

/** Postman's "Create/Update Email Dataset" body (docs/compatibility.md#the-postman-collection), as sent: collections and fields out of order. */
export const postmanEmailDataset = () => ({
  fides_key: 'email_dataset',
  name: 'An example of a dataset not automatically accessible',
  description: 'Example of a email dataset with a collection waiting on postgres input',
  collections: [
    {
      name: 'daycare_customer',
      fields: [
        { name: 'id', data_categories: ['system.operations'], fidesops_meta: { primary_key: true } },
        {
          name: 'customer_id',
          data_categories: ['user'],
          fidesops_meta: { references: [{ dataset: 'postgres_example', field: 'customer.id', direction: 'from' }] },
        },
      ],
    },
    {
      name: 'children',
      fields: [
        { name: 'id', data_categories: ['system.operations'], fidesops_meta: { primary_key: true } },
        { name: 'first_name', data_categories: ['user.childrens'] },
        { name: 'last_name', data_categories: ['user.childrens'] },
        { name: 'birthday', data_categories: ['user.childrens'], fidesops_meta: { data_type: 'string' } },
        {
          name: 'parent_id',
          data_categories: ['user'],
          fidesops_meta: { references: [{ dataset: 'email_dataset', field: 'daycare_customer.id', direction: 'from' }] },
        },
      ],
    },
  ],
});

export const storedMeta = (values: object) => ({
  references: null,
  identity: null,
  primary_key: null,
  data_type: null,
  length: null,
  return_all_elements: null,
  read_only: null,
  ...values,
});

export const storedField = (name: string, categories: string[] | null, fidesopsMeta: object | null = null, fields: object[] = []) => ({
  name,
  description: null,
  data_categories: categories,
  data_qualifier: QUALIFIER,
  retention: null,
  fidesops_meta: fidesopsMeta && storedMeta(fidesopsMeta),
  fields,
});

export const storedCollection = (name: string, fields: object[], extra: object = {}) => ({
  name,
  description: null,
  data_categories: null,
  data_qualifier: QUALIFIER,
  retention: null,
  fields,
  fidesops_meta: null,
  ...extra,
});

export const storedDataset = (fidesKey: string, collections: object[], extra: object = {}) => ({
  fides_key: fidesKey,
  organization_fides_key: 'default_organization',
  tags: null,
  name: null,
  description: null,
  meta: null,
  data_categories: null,
  data_qualifier: QUALIFIER,
  fidesctl_meta: null,
  joint_controller: null,
  retention: 'No retention or erasure policy',
  third_country_transfers: null,
  collections,
  fidesops_meta: null,
  ...extra,
});

/** The sample as Fides stores and returns it: every key present, defaults filled, sorted by name. */
export const POSTMAN_EMAIL_DATASET_STORED = storedDataset(
  'email_dataset',
  [
    storedCollection('children', [
      storedField('birthday', ['user.childrens'], { data_type: 'string' }),
      storedField('first_name', ['user.childrens']),
      storedField('id', ['system.operations'], { primary_key: true }),
      storedField('last_name', ['user.childrens']),
      storedField('parent_id', ['user'], { references: [{ dataset: 'email_dataset', field: 'daycare_customer.id', direction: 'from' }] }),
    ]),
    storedCollection('daycare_customer', [
      storedField('customer_id', ['user'], { references: [{ dataset: 'postgres_example', field: 'customer.id', direction: 'from' }] }),
      storedField('id', ['system.operations'], { primary_key: true }),
    ]),
  ],
  { name: 'An example of a dataset not automatically accessible', description: 'Example of a email dataset with a collection waiting on postgres input' },
);
