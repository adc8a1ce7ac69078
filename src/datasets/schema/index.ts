export * from './dataset.types.js';
export { missingPrimaryKeyMessage, parseDataset, type ParseDatasetOptions } from './parse-dataset.js';
export { traversalDetails } from './dataset-traversal.js';
export { DATA_CATEGORY_KEYS, DATA_CATEGORY_TAXONOMY_VERSION, isSupportedDataCategory, type DataCategoryKey } from './data-category-taxonomy.js';
