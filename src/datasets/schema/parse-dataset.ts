import { isISO31661Alpha3 } from 'class-validator';
import { RequestValidationError } from '../../common/errors/herald.error.js';
import { isFidesKey } from '../../common/fides-key.js';
import { MAX_LENGTH } from '../../common/validation/fides-validators.js';
import { isSupportedDataCategory, unsupportedDataCategoryMessage } from './data-category-taxonomy.js';
import {
  DEFAULT_DATA_QUALIFIER,
  DEFAULT_DATASET_RETENTION,
  DEFAULT_ORGANIZATION_FIDES_KEY,
  DatasetCollection,
  DatasetField,
  FIELD_DATA_TYPES,
  FidesopsDataset,
  FieldFidesopsMeta,
  REFERENCE_DIRECTIONS,
} from './dataset.types.js';
import { complete, INVALID, Loc, Parse, Reader, Result, sortByName } from './pydantic-reader.js';

/*
 * Why a walker and not class-validator DTOs: fields nest recursively, collections and fields are re-sorted (so a
 * `loc` must point at the input position, which class-transformer does not keep), several rules span sibling keys
 * (`fields` against `fidesops_meta.data_type`), and unknown keys must be stripped at every depth. A direct walk over
 * the JSON gives pydantic's exact locs and messages with less code than decorators plus post-processing.
 *
 * `loc` indices always refer to the order the client sent: that is the list a user can look up.
 */

export interface ParseDatasetOptions {
  /** Decision D12: every collection needs a `primary_key` field (email connections). */
  requirePrimaryKeys?: boolean;
}

/**
 * Checks and normalizes one dataset (docs/compatibility.md#connections-and-datasets). Throws a RequestValidationError carrying every issue found,
 * each located at `[...loc, ...path]`.
 */
export function parseDataset(raw: unknown, loc: Loc, options: ParseDatasetOptions = {}): FidesopsDataset {
  const r = new Reader();
  const dataset = datasetParser(r, options)(raw, loc);
  if (dataset === INVALID || r.issues.length > 0) throw new RequestValidationError(r.issues);
  return dataset;
}

export const missingPrimaryKeyMessage = (collection: string) =>
  `Collection '${collection}' must declare a primary_key field: an email connector's erasure instructions locate records by it.`;

function datasetParser(r: Reader, options: ParseDatasetOptions): Parse<FidesopsDataset> {
  const field = fieldParser(r);
  const categories = categoriesParser(r);
  // Free text is bounded (decision D19): names and short values as display names, descriptions as long text.
  const name = r.text(MAX_LENGTH.name);
  const short = r.text(MAX_LENGTH.short);
  const long = r.text(MAX_LENGTH.text);
  const strings = r.list(short);
  const collectionMeta = r.model((m, at) => complete({ after: r.optional(m, 'after', at, r.list(collectionKey(r))) }));
  const datasetMeta = r.model((m, at) => complete({ after: r.optional(m, 'after', at, r.list(r.fidesKey)) }));
  const fidesctlMeta = r.model((m, at) => complete({ resource_id: r.optional(m, 'resource_id', at, short) }));
  const contact = r.model((m, at) =>
    complete({
      name: r.withDefault(m, 'name', at, '', name),
      address: r.withDefault(m, 'address', at, '', long),
      email: r.withDefault(m, 'email', at, '', r.text(MAX_LENGTH.email)),
      phone: r.withDefault(m, 'phone', at, '', short),
    }),
  );

  const collection = r.model<DatasetCollection>((o, loc) => {
    const parsed = complete({
      name: r.required(o, 'name', loc, name),
      description: r.optional(o, 'description', loc, long),
      data_categories: r.optional(o, 'data_categories', loc, categories),
      data_qualifier: r.withDefault(o, 'data_qualifier', loc, DEFAULT_DATA_QUALIFIER, r.fidesKey),
      retention: r.optional(o, 'retention', loc, short),
      fields: r.required(o, 'fields', loc, r.list(field)),
      fidesops_meta: r.optional(o, 'fidesops_meta', loc, collectionMeta),
    });
    if (parsed === INVALID) return INVALID;
    // Checked on a collection that is otherwise valid, so a broken field cannot hide or fake a primary key.
    if (options.requirePrimaryKeys && !parsed.fields.some(hasPrimaryKey)) {
      r.fail(loc, missingPrimaryKeyMessage(parsed.name));
    }
    return { ...parsed, fields: sortByName(parsed.fields) };
  });

  return r.model<FidesopsDataset>((o, loc) => {
    const parsed = complete({
      fides_key: r.required(o, 'fides_key', loc, r.fidesKey),
      organization_fides_key: r.withDefault(o, 'organization_fides_key', loc, DEFAULT_ORGANIZATION_FIDES_KEY, r.fidesKey),
      tags: r.optional(o, 'tags', loc, strings),
      name: r.optional(o, 'name', loc, name),
      description: r.optional(o, 'description', loc, long),
      meta: r.optional(o, 'meta', loc, r.mapping(long)),
      data_categories: r.optional(o, 'data_categories', loc, categories),
      data_qualifier: r.withDefault(o, 'data_qualifier', loc, DEFAULT_DATA_QUALIFIER, r.fidesKey),
      fidesctl_meta: r.optional(o, 'fidesctl_meta', loc, fidesctlMeta),
      joint_controller: r.optional(o, 'joint_controller', loc, contact),
      retention: r.optional(o, 'retention', loc, short, DEFAULT_DATASET_RETENTION),
      third_country_transfers: r.optional(o, 'third_country_transfers', loc, countriesParser(r)),
      collections: r.required(o, 'collections', loc, r.list(collection)),
      fidesops_meta: r.optional(o, 'fidesops_meta', loc, datasetMeta),
    });
    return parsed === INVALID ? INVALID : { ...parsed, collections: sortByName(parsed.collections) };
  });
}

function fieldParser(r: Reader): Parse<DatasetField> {
  const categories = categoriesParser(r);
  const meta = fieldMetaParser(r);
  const name = r.text(MAX_LENGTH.name);
  const short = r.text(MAX_LENGTH.short);
  const long = r.text(MAX_LENGTH.text);
  const field: Parse<DatasetField> = r.model<DatasetField>((o, loc) => {
    // Read in declaration order, so the issues come in pydantic's order.
    const fieldName = r.required(o, 'name', loc, name);
    const description = r.optional(o, 'description', loc, long);
    const data_categories = r.optional(o, 'data_categories', loc, categories);
    const data_qualifier = r.withDefault(o, 'data_qualifier', loc, DEFAULT_DATA_QUALIFIER, r.fidesKey);
    const retention = r.optional(o, 'retention', loc, short);
    const fidesops_meta = r.optional(o, 'fidesops_meta', loc, meta);
    // A leaf always has `[]`, also when the client sent null; sub-fields keep their input order.
    const fields = r.optional(o, 'fields', loc, r.list(field), []);
    return complete({
      name: fieldName,
      description,
      data_categories,
      data_qualifier,
      retention,
      fidesops_meta,
      fields: fields === INVALID ? INVALID : checkObjectField([...loc, 'fields'], fields ?? [], fidesops_meta, data_categories),
    });
  });
  return field;

  /**
   * fideslang's `validate_object_fields`, reported at `fields` as pydantic does; a `fidesops_meta` or
   * `data_categories` that failed counts as absent (pydantic's `values`). Unlike fideslang it also runs when
   * `fields` is absent, so `data_type: object` with categories is refused either way.
   */
  function checkObjectField(
    loc: Loc,
    fields: DatasetField[],
    meta: Result<FieldFidesopsMeta | null>,
    categories: Result<string[] | null>,
  ): Result<DatasetField[]> {
    const declared = meta === INVALID ? null : (meta?.data_type ?? null);
    const hasSubFields = fields.length > 0;
    if (hasSubFields && declared !== null && baseType(declared) !== 'object') {
      return r.fail(loc, `The data type ${baseType(declared)} is not compatible with specified sub-fields.`);
    }
    if ((hasSubFields || declared === 'object') && categories !== INVALID && categories?.length) {
      return r.fail(loc, 'Object fields cannot have specified data_categories. Specify category on sub-field instead');
    }
    return fields;
  }
}

function fieldMetaParser(r: Reader): Parse<FieldFidesopsMeta> {
  const reference = r.model((o, loc) =>
    complete({
      dataset: r.required(o, 'dataset', loc, r.fidesKey),
      field: r.required(o, 'field', loc, r.text(MAX_LENGTH.text)),
      direction: r.optional(o, 'direction', loc, r.oneOf(REFERENCE_DIRECTIONS)),
    }),
  );
  const dataTypeParser: Parse<string> = (value, loc) => {
    const text = r.text(MAX_LENGTH.short)(value, loc);
    return text === INVALID || isDataType(text) ? text : r.fail(loc, `The data type ${text} is not supported.`);
  };
  const lengthParser: Parse<number> = (value, loc) => {
    const n = r.int(value, loc);
    return n === INVALID || n > 0 ? n : r.fail(loc, `Illegal length (${n}). Only positive non-zero values are allowed.`);
  };
  return r.model((o, loc) => {
    // Read in declaration order; `return_all_elements` looks at the `data_type` that checked out (pydantic's `values`).
    const references = r.optional(o, 'references', loc, r.list(reference));
    const identity = r.optional(o, 'identity', loc, r.text(MAX_LENGTH.short));
    const primary_key = r.optional(o, 'primary_key', loc, r.bool);
    const data_type = r.optional(o, 'data_type', loc, dataTypeParser);
    const length = r.optional(o, 'length', loc, lengthParser);
    const isArray = typeof data_type === 'string' && data_type.endsWith('[]');
    const returnAllElements: Parse<boolean> = (value, at) => {
      const flag = r.bool(value, at);
      return flag === INVALID || isArray ? flag : r.fail(at, "The 'return_all_elements' attribute can only be specified on array fields.");
    };
    const return_all_elements = r.optional(o, 'return_all_elements', loc, returnAllElements);
    const read_only = r.optional(o, 'read_only', loc, r.bool);
    return complete({ references, identity, primary_key, data_type, length, return_all_elements, read_only });
  });
}

/** FidesKeys from the default taxonomy. Herald answers 422 where fideslang raised a 500 (a key with a space). */
function categoriesParser(r: Reader): Parse<string[]> {
  const keys = r.list(r.fidesKey);
  return (value, loc) => {
    const list = keys(value, loc);
    if (list === INVALID) return INVALID;
    const unsupported = list.find((c) => !isSupportedDataCategory(c));
    return unsupported === undefined ? list : r.fail(loc, unsupportedDataCategoryMessage(unsupported));
  };
}

/** fideslang's `check_valid_country_code`, as a 422 (Fides: 500). */
function countriesParser(r: Reader): Parse<string[]> {
  const strings = r.list(r.text(MAX_LENGTH.short));
  return (value, loc) => {
    const list = strings(value, loc);
    if (list === INVALID) return INVALID;
    const bad = list.find((code) => !/^[A-Z]{3}$/.test(code) || !isISO31661Alpha3(code));
    return bad === undefined ? list : r.fail(loc, `The country identified as ${bad} is not a valid Alpha-3 code per ISO 3166.`);
  };
}

/** fideslang's FidesCollectionKey: exactly `FidesKey.FidesKey`. */
function collectionKey(r: Reader): Parse<string> {
  return (value, loc) => {
    const text = r.text(MAX_LENGTH.text)(value, loc);
    if (text === INVALID) return INVALID;
    const parts = text.split('.');
    return parts.length === 2 && parts.every(isFidesKey) ? text : r.fail(loc, "FidesCollection must be specified in the form 'FidesKey.FidesKey'");
  };
}

const baseType = (dataType: string) => (dataType.endsWith('[]') ? dataType.slice(0, -2) : dataType);

function isDataType(value: string): boolean {
  return (FIELD_DATA_TYPES as readonly string[]).includes(baseType(value));
}

function hasPrimaryKey(field: DatasetField): boolean {
  return field.fidesops_meta?.primary_key === true || field.fields.some(hasPrimaryKey);
}
