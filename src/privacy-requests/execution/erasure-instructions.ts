import type { DatasetCollection, DatasetField, FidesopsDataset } from '../../datasets/index.js';
import type { ErasureFulfillmentAction, MessageErasureFulfillmentParams } from '../../notifications/index.js';

/** One erasure rule of the policy, in rule order. */
export interface ErasureRuleTargets {
  ruleKey: string;
  maskingStrategy: string;
  dataCategories: string[];
}

/**
 * Fides' execution-log `fields_affected` entry; `path` is `"<ds>:<coll>:<field.path>"`. (A type, not an interface: it
 * is stored and answered as a JSON object, `Record<string, unknown>` in the answer's schema.)
 */
export type FieldAffected = {
  path: string;
  field_name: string;
  data_categories: string[];
};

export interface CollectionInstructions {
  /** Collection name, without the dataset prefix. */
  collection: string;
  /** `"<ds>:<coll>"`. */
  address: string;
  action: ErasureFulfillmentAction;
  fieldsAffected: FieldAffected[];
}

export type RequestIdentities = { email?: string | null; phone_number?: string | null };

interface FlatField {
  path: string;
  field: DatasetField;
}

/**
 * The erasure instructions an email connector sends for one dataset (docs/compatibility.md#connections-and-datasets), one entry per
 * collection in dataset order. A collection without a primary-key field is skipped, as in Fides (D12 rejects such
 * datasets at upload; this guards older or unvalidated ones).
 *
 * Herald reads no upstream database, so the only real locator values are the request's identities. Every other
 * incoming edge is listed by the upstream field's address `"<ds>:<coll>:<field>"`: Fides does this for edges from the
 * same dataset; Herald also does it for edges from other datasets (where Fides would put the fetched values), so the
 * third party still learns how to find the records.
 *
 * Edges follow Fides' model: a reference on field F to G is G → F for `from`, F → G for `to`, and both ways for
 * null. Fides orients a null edge by whichever end its traversal reaches first; without the traversal, Herald lists
 * the locator on both ends (as `traversalDetails` follows null both ways). References declared in other datasets
 * pointing into this one are not visible here.
 *
 * Target categories match a field category equal to them or below them in the taxonomy (`user` matches
 * `user.childrens`). Fides uses a plain string prefix, which also hits siblings such as `user.biometric_health`
 * for `user.biometric`; Herald does not.
 */
export function buildErasureInstructions(dataset: FidesopsDataset, identities: RequestIdentities, rules: ErasureRuleTargets[]): CollectionInstructions[] {
  const ds = dataset.fides_key;
  const fieldsByCollection = new Map(dataset.collections.map((c) => [c.name, flatten(c.fields)]));
  const incoming = incomingAddresses(dataset, fieldsByCollection);

  return dataset.collections.flatMap((collection) => {
    const fields = fieldsByCollection.get(collection.name)!;
    if (!fields.some(({ field }) => field.fidesops_meta?.primary_key === true)) return [];
    const address = `${ds}:${collection.name}`;
    return [
      {
        collection: collection.name,
        address,
        action: { locators: locators(collection, fields, identities, incoming), get: null, update: update(fields, rules) },
        fieldsAffected: fieldsAffected(address, fields, rules),
      },
    ];
  });
}

/** True when at least one collection has a field to erase (docs/compatibility.md#connections-and-datasets). */
export function hasSomethingToErase(instructions: CollectionInstructions[]): boolean {
  return instructions.some(({ action }) => action.update !== null && Object.keys(action.update).length > 0);
}

/** The `message_erasure_fulfillment` parameters: every collection, even without updates (its locators may help). */
export function toErasureParams(datasetKey: string, instructions: CollectionInstructions[]): MessageErasureFulfillmentParams {
  return {
    dataset_key: datasetKey,
    collections: instructions.map(({ collection, action }) => ({ collection, action_needed: [action] })),
  };
}

/** `target` is `category` or one of its ancestors in the dotted taxonomy. */
function categoryMatches(category: string, target: string): boolean {
  return target !== '' && (category === target || category.startsWith(`${target}.`));
}

function locators(
  collection: DatasetCollection,
  fields: FlatField[],
  identities: RequestIdentities,
  incoming: Map<string, string[]>,
): Record<string, unknown[]> {
  const result: Record<string, unknown[]> = {};
  for (const { path, field } of fields) {
    const values: unknown[] = [];
    const identity = identityValue(identities, field.fidesops_meta?.identity);
    if (identity !== null) values.push(identity);
    values.push(...(incoming.get(fieldKey(collection.name, path)) ?? []));
    if (values.length > 0) result[path] = values;
  }
  return result;
}

function identityValue(identities: RequestIdentities, name: string | null | undefined): string | null {
  if (name == null || !Object.hasOwn(identities, name)) return null;
  const value: unknown = (identities as Record<string, unknown>)[name];
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** Upstream addresses feeding each field of this dataset, keyed by `fieldKey`, in declaration order, deduplicated. */
function incomingAddresses(dataset: FidesopsDataset, fieldsByCollection: Map<string, FlatField[]>): Map<string, string[]> {
  const ds = dataset.fides_key;
  const result = new Map<string, string[]>();
  const add = (collection: string, path: string, address: string) => {
    const key = fieldKey(collection, path);
    const list = result.get(key) ?? [];
    if (!list.includes(address)) list.push(address);
    result.set(key, list);
  };
  const exists = (collection: string, path: string) => fieldsByCollection.get(collection)?.some((f) => f.path === path) ?? false;

  for (const [collection, fields] of fieldsByCollection) {
    for (const { path, field } of fields) {
      for (const ref of field.fidesops_meta?.references ?? []) {
        const [target = '', ...rest] = ref.field.split('.');
        const targetPath = rest.join('.');
        const upstream = targetPath === '' ? `${ref.dataset}:${target}` : `${ref.dataset}:${target}:${targetPath}`;
        if (ref.direction !== 'to') add(collection, path, upstream);
        // The other end gets a locator only if it is a field of this dataset.
        if (ref.direction !== 'from' && ref.dataset === ds && exists(target, targetPath)) {
          add(target, targetPath, `${ds}:${collection}:${path}`);
        }
      }
    }
  }
  return result;
}

function update(fields: FlatField[], rules: ErasureRuleTargets[]): Record<string, string> | null {
  const result: Record<string, string> = {};
  for (const rule of rules) {
    for (const { path } of targetedFields(fields, rule)) result[path] = rule.maskingStrategy;
  }
  return Object.keys(result).length > 0 ? result : null;
}

/** One entry per targeted field, with the category that matched last (Fides keeps the last one too). */
function fieldsAffected(address: string, fields: FlatField[], rules: ErasureRuleTargets[]): FieldAffected[] {
  const matched = new Map<string, string>();
  for (const rule of rules) {
    for (const { path, category } of targetedFields(fields, rule)) matched.set(path, category);
  }
  return [...matched].map(([path, category]) => ({ path: `${address}:${path}`, field_name: path, data_categories: [category] }));
}

function targetedFields(fields: FlatField[], rule: ErasureRuleTargets): { path: string; category: string }[] {
  return fields.flatMap(({ path, field }) => {
    const hits = (field.data_categories ?? []).filter((category) => rule.dataCategories.some((t) => categoryMatches(category, t)));
    return hits.length > 0 ? [{ path, category: hits[hits.length - 1] }] : [];
  });
}

/** Every field, parents before their sub-fields, with its dotted path. */
function flatten(fields: DatasetField[], prefix = ''): FlatField[] {
  return fields.flatMap((field) => {
    const path = `${prefix}${field.name}`;
    return [{ path, field }, ...flatten(field.fields, `${path}.`)];
  });
}

const fieldKey = (collection: string, path: string) => `${collection}\u0000${path}`;
