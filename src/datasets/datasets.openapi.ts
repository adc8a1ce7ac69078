import { anyObject, arrayOf, boolean, bulkResultOf, enumOf, integer, mapOf, model, nullable, object, refTo, string, type Static } from '../common/openapi.js';
import { FIELD_DATA_TYPES, REFERENCE_DIRECTIONS } from './schema/index.js';

const strings = arrayOf(string);

/** What a dataset, its collections and their fields each say of themselves. */
const DESCRIBED = { description: nullable(string), data_categories: nullable(strings), data_qualifier: string, retention: nullable(string) };
/** Datasets and collections to run before this one. */
const RUN_AFTER = nullable(object({ after: nullable(strings) }));

/** A field's own properties, as stored: every key present. */
const FIELD_PROPERTIES = {
  name: string,
  ...DESCRIBED,
  fidesops_meta: nullable(
    object({
      references: nullable(arrayOf(object({ dataset: string, field: string, direction: nullable(enumOf(REFERENCE_DIRECTIONS)) }))),
      identity: nullable(string),
      primary_key: nullable(boolean),
      data_type: nullable({ ...string, description: `One of ${FIELD_DATA_TYPES.join(', ')}, optionally suffixed []` }),
      length: nullable(integer),
      return_all_elements: nullable(boolean),
      read_only: nullable(boolean),
    }),
  ),
};

/** A field as answered: its own properties, and its sub-fields of the same shape (`[]` for a leaf). */
export type DatasetFieldShape = { [K in keyof typeof FIELD_PROPERTIES]: Static<(typeof FIELD_PROPERTIES)[K]> } & { fields: DatasetFieldShape[] };

const DATASET_FIELD = model('DatasetField', object({ ...FIELD_PROPERTIES, fields: arrayOf(refTo<DatasetFieldShape>('DatasetField')) }));

const DATASET_COLLECTION = object({ name: string, ...DESCRIBED, fields: arrayOf(DATASET_FIELD), fidesops_meta: RUN_AFTER });

/** Fides' dataset as stored and returned (FidesopsDataset): defaults filled, collections and fields sorted by name. */
export const DATASET = model(
  'Dataset',
  object({
    fides_key: string,
    organization_fides_key: string,
    tags: nullable(strings),
    name: nullable(string),
    ...DESCRIBED,
    meta: nullable(mapOf(string)),
    fidesctl_meta: nullable(object({ resource_id: nullable(string) })),
    joint_controller: nullable(object({ name: string, address: string, email: string, phone: string })),
    third_country_transfers: nullable(strings),
    collections: arrayOf(DATASET_COLLECTION),
    fidesops_meta: RUN_AFTER,
  }),
);

/** `PATCH …/dataset`: the stored datasets, and those refused one by one (a fides_key of another connection). */
export const DATASET_BULK_RESULT = model('DatasetBulkResult', bulkResultOf(DATASET, object({ connection_key: string, fides_key: string, dataset: anyObject })));

/** `PUT …/validate_dataset`: the dataset as it would be stored, and whether it can be traversed. */
export const DATASET_VALIDATION = model(
  'DatasetValidation',
  object({ dataset: DATASET, traversal_details: object({ is_traversable: boolean, msg: nullable(string) }) }),
);
