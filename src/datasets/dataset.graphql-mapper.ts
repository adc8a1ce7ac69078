import { camelCaseLoc, type Loc } from '../common/errors/herald.error.js';
import type { DatasetBulkResult, DatasetValidation } from './datasets.service.js';
import type { DatasetBulkResultObject, DatasetInput, DatasetObject, DatasetValidationObject } from './dto/dataset.graphql.js';
import type { FidesopsDataset } from './schema/index.js';

// GraphQL's shapes, both ways. GraphQL speaks camelCase, Fides snake_case; the dataset's shape is otherwise the same,
// so the keys are converted recursively. `meta` is a free string map, carried as a list of entries in GraphQL.

const toCamel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const toSnake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Keys that have a default but may not be null: a GraphQL null there means "not given". */
const DEFAULTED = new Set(['organizationFidesKey', 'dataQualifier']);

function convert(value: unknown, rename: (key: string) => string, meta: (value: unknown) => unknown, dropNulls = false): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, rename, meta, dropNulls));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || (dropNulls && v === null && DEFAULTED.has(key))) continue;
    out[rename(key)] = key === 'meta' ? meta(v) : convert(v, rename, meta, dropNulls);
  }
  return out;
}

export function toDatasetObject(dataset: FidesopsDataset): DatasetObject {
  return convert(dataset, toCamel, (m) => (m ? Object.entries(m as Record<string, string>).map(([key, value]) => ({ key, value })) : null)) as DatasetObject;
}

export const toDatasetBulkResultObject = (r: DatasetBulkResult): DatasetBulkResultObject => ({
  succeeded: r.succeeded.map(toDatasetObject),
  failed: r.failed.map((f) => ({ message: f.message, fidesKey: f.dataset.fides_key })),
});

export const toDatasetValidationObject = (v: DatasetValidation): DatasetValidationObject => ({
  dataset: toDatasetObject(v.dataset),
  traversalDetails: { isTraversable: v.traversal.is_traversable, msg: v.traversal.msg },
});

type MetaEntries = { key: string; value: string }[];

/** The typed input as Fides' raw dataset, for the one parser. */
export function fromDatasetInput(input: object): unknown {
  const meta = (m: unknown) => (Array.isArray(m) ? Object.fromEntries((m as MetaEntries).map((e) => [e.key, e.value])) : m);
  return convert(input, toSnake, meta, true);
}

/**
 * A parser `loc` relative to one dataset, in the GraphQL input's names: keys in camelCase, and a `meta` value (Fides
 * names it by its key) located at its entry in the input's list (the last of that key, the one that was kept).
 */
export const datasetLoc =
  (input: DatasetInput | undefined) =>
  (loc: Loc): Loc => {
    const [head, key, ...rest] = loc;
    if (head === 'meta' && typeof key === 'string') {
      const index = (input?.meta ?? []).map((e) => e.key).lastIndexOf(key);
      if (index >= 0) return ['meta', index, 'value', ...rest];
    }
    return camelCaseLoc(loc);
  };

/** The same for a `loc` relative to a list of datasets (`[index, ...]`). */
export const datasetListLoc =
  (inputs: DatasetInput[]) =>
  (loc: Loc): Loc => {
    const [index, ...rest] = loc;
    return typeof index === 'number' ? [index, ...datasetLoc(inputs[index])(rest)] : camelCaseLoc(loc);
  };
