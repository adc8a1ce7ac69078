import { DEFAULT_DATA_CATEGORIES, FIDESLANG_VERSION } from './data-categories.fideslang-1.3.1.js';

/**
 * The categories a dataset may use: fideslang's built-in default taxonomy only, as Fides does (custom categories
 * are not accepted, docs/compatibility.md#connections-and-datasets).
 */
export const DATA_CATEGORY_TAXONOMY_VERSION = `fideslang ${FIDESLANG_VERSION}`;

export type DataCategoryKey = (typeof DEFAULT_DATA_CATEGORIES)[number];

export const DATA_CATEGORY_KEYS: readonly DataCategoryKey[] = DEFAULT_DATA_CATEGORIES;

const KEYS: ReadonlySet<string> = new Set(DEFAULT_DATA_CATEGORIES);

export function isSupportedDataCategory(key: unknown): key is DataCategoryKey {
  return typeof key === 'string' && KEYS.has(key);
}

export const unsupportedDataCategoryMessage = (key: string) => `The data category ${key} is not supported.`;
