/** What other modules may use of datasets (docs/architecture.md, "Module surfaces"). */
export { DatasetsModule } from './datasets.module.js';
export { DatasetsResolver } from './datasets.resolver.js';
export { DatasetsService } from './datasets.service.js';
export { unsupportedDataCategoryMessage } from './schema/data-category-taxonomy.js';
export { isSupportedDataCategory } from './schema/index.js';
export type { DatasetCollection, DatasetField, FidesopsDataset } from './schema/index.js';
export { parseDataset } from './schema/index.js';
