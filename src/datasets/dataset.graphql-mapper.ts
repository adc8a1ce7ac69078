import { RequestValidationError } from '../common/errors/herald.error.js';
import type { DatasetObject } from './dto/dataset.graphql.js';
import type { FidesopsDataset } from './schema/index.js';

// GraphQL speaks camelCase, Fides snake_case; the dataset's shape is otherwise the same, so the keys are converted
// recursively. `meta` is a free string map, carried as a list of entries in GraphQL.

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

/** The typed input as Fides' raw dataset, for the one parser. */
export function fromDatasetInput(input: object): unknown {
  const meta = (m: unknown) => (Array.isArray(m) ? Object.fromEntries(m.map((e: { key: string; value: string }) => [e.key, e.value])) : m);
  return convert(input, toSnake, meta, true);
}

/** The parser's locations in GraphQL's names. */
export async function camelLocations<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof RequestValidationError)) throw error;
    throw new RequestValidationError(error.issues.map((i) => ({ ...i, loc: i.loc.map((p) => (typeof p === 'string' ? toCamel(p) : p)) })));
  }
}
