/**
 * A connection dataset as Fides stores and returns it (`FidesopsDataset`, docs/compatibility.md#connections-and-datasets): snake_case wire names, every
 * key present, defaults filled, collections and each collection's top-level fields sorted by `name`.
 */

export const DEFAULT_ORGANIZATION_FIDES_KEY = 'default_organization';
export const DEFAULT_DATA_QUALIFIER = 'aggregated.anonymized.unlinked_pseudonymized.pseudonymized.identified';
export const DEFAULT_DATASET_RETENTION = 'No retention or erasure policy';

/** Base types of `fidesops_meta.data_type`; each may also be suffixed `[]` for an array. */
export const FIELD_DATA_TYPES = ['string', 'integer', 'float', 'boolean', 'object_id', 'object'] as const;
export type FieldDataType = (typeof FIELD_DATA_TYPES)[number];

/** Which way data flows along a reference: declared once here; GraphQL registers this object, OpenAPI lists its values. */
export const ReferenceDirection = { FROM: 'from', TO: 'to' } as const;
export type ReferenceDirection = (typeof ReferenceDirection)[keyof typeof ReferenceDirection];
export const REFERENCE_DIRECTIONS: readonly ReferenceDirection[] = Object.values(ReferenceDirection);

/** Where a field's value comes from or goes to: `field` is `collection.field[.subfield...]` in `dataset`. */
export interface FieldReference {
  dataset: string;
  field: string;
  direction: ReferenceDirection | null;
}

export interface FieldFidesopsMeta {
  references: FieldReference[] | null;
  /** Name of the request identity (e.g. `email`) that seeds this field. */
  identity: string | null;
  primary_key: boolean | null;
  /** One of FIELD_DATA_TYPES, optionally suffixed `[]`. */
  data_type: string | null;
  length: number | null;
  return_all_elements: boolean | null;
  read_only: boolean | null;
}

export interface DatasetField {
  name: string;
  description: string | null;
  data_categories: string[] | null;
  data_qualifier: string;
  retention: string | null;
  fidesops_meta: FieldFidesopsMeta | null;
  /** Sub-fields in input order; `[]` for a leaf (also when the client sent `null`). */
  fields: DatasetField[];
}

export interface CollectionFidesopsMeta {
  /** Collections (`dataset.collection`) to run before this one. */
  after: string[] | null;
}

export interface DatasetCollection {
  name: string;
  description: string | null;
  data_categories: string[] | null;
  data_qualifier: string;
  retention: string | null;
  /** Sorted by name. */
  fields: DatasetField[];
  fidesops_meta: CollectionFidesopsMeta | null;
}

export interface DatasetFidesopsMeta {
  /** Datasets to run before this one. */
  after: string[] | null;
}

export interface FidesctlMeta {
  resource_id: string | null;
}

export interface ContactDetails {
  name: string;
  address: string;
  email: string;
  phone: string;
}

export interface FidesopsDataset {
  fides_key: string;
  organization_fides_key: string;
  tags: string[] | null;
  name: string | null;
  description: string | null;
  meta: Record<string, string> | null;
  data_categories: string[] | null;
  data_qualifier: string;
  fidesctl_meta: FidesctlMeta | null;
  joint_controller: ContactDetails | null;
  retention: string | null;
  /** ISO-3166 alpha-3 codes. */
  third_country_transfers: string[] | null;
  /** Sorted by name. */
  collections: DatasetCollection[];
  fidesops_meta: DatasetFidesopsMeta | null;
}

/** `PUT …/validate_dataset`'s `traversal_details` (docs/compatibility.md#connections-and-datasets). */
export interface TraversalDetails {
  is_traversable: boolean;
  msg: string | null;
}
