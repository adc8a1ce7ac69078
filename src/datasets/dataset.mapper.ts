import type { Static } from '../common/openapi.js';
import type { DatasetBulkResult, DatasetValidation } from './datasets.service.js';
import type { DATASET, DATASET_BULK_RESULT, DATASET_VALIDATION } from './datasets.openapi.js';
import type { FidesopsDataset } from './schema/index.js';

// REST's answers, in the shapes `datasets.openapi.ts` describes (its schemas are the one source of those shapes).
// A dataset is answered as stored: the parser's normalized form is already Fides' wire form.

export type DatasetResponse = Static<typeof DATASET>;
export type DatasetBulkResponse = Static<typeof DATASET_BULK_RESULT>;
export type DatasetValidationResponse = Static<typeof DATASET_VALIDATION>;

export const toDatasetResponse = (dataset: FidesopsDataset): DatasetResponse => dataset;

export const toDatasetBulkResponse = (connectionKey: string, r: DatasetBulkResult): DatasetBulkResponse => ({
  succeeded: r.succeeded.map(toDatasetResponse),
  // Fides put its internal connection id here; Herald names the connection by key.
  failed: r.failed.map((f) => ({
    message: f.message,
    data: { connection_key: connectionKey, fides_key: f.dataset.fides_key, dataset: toDatasetResponse(f.dataset) },
  })),
});

export const toDatasetValidationResponse = (v: DatasetValidation): DatasetValidationResponse => ({
  dataset: toDatasetResponse(v.dataset),
  traversal_details: { is_traversable: v.traversal.is_traversable, msg: v.traversal.msg },
});
