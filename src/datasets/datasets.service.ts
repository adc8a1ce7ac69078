import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { eachItem } from '../common/bulk.js';
import { uniqueViolation } from '../common/database/postgres-errors.js';
import { RequestValidationError, notFound, type Loc, type ValidationIssue } from '../common/errors/herald.error.js';
import { Page, pageOffset, toPage } from '../common/pagination.js';
import { ConnectionsService, type ConnectionEntity } from '../connections/index.js';
import { DatasetEntity } from './dataset.entity.js';
import { parseDataset, traversalDetails, type FidesopsDataset, type TraversalDetails } from './schema/index.js';

/** Fides' bulk limit for `PATCH …/dataset`. */
export const MAX_BULK_DATASETS = 50;

export interface DatasetBulkResult {
  succeeded: FidesopsDataset[];
  failed: { message: string; dataset: FidesopsDataset }[];
}

/** A dataset as it would be stored, and whether it can be traversed. */
export interface DatasetValidation {
  dataset: FidesopsDataset;
  traversal: TraversalDetails;
}

/** A dataset with the connection it describes, for erasure. */
export interface ConnectionDataset {
  connectionId: string;
  dataset: FidesopsDataset;
}

const GENERIC_FAILURE = 'Dataset create/update failed.';

/**
 * Datasets on a connection (Fides' DatasetConfig): one service for REST and GraphQL. Datasets come raw (Fides'
 * snake_case JSON): the one parser checks them once the connection is known (its type decides the rules, and an
 * unknown connection is a 404 before the body is looked at). Problems are located relative to what was given: the
 * dataset (`['collections', 0]`) or the list (`[2, 'fides_key']`); the transport says where that sat.
 */
@Injectable()
export class DatasetsService {
  private readonly logger = new Logger(DatasetsService.name);

  constructor(
    @InjectRepository(DatasetEntity) private readonly datasets: Repository<DatasetEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsService,
  ) {}

  /** The connection a dataset route names (404 in the datasets' own words, before the body is looked at). */
  async connection(key: string): Promise<ConnectionEntity> {
    const connection = await this.connections.find(key);
    if (!connection) throw notFound(`No connection config with key '${key}'`);
    return connection;
  }

  /** Newest first, as Fides. */
  async list(connectionKey: string, page: { page: number; size: number }): Promise<Page<FidesopsDataset>> {
    const connection = await this.connection(connectionKey);
    const [items, total] = await this.datasets.findAndCount({
      where: { connectionId: connection.id },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: pageOffset(page),
      take: page.size,
    });
    return toPage(
      items.map((d) => d.dataset),
      total,
      page,
    );
  }

  async get(connectionKey: string, fidesKey: string): Promise<FidesopsDataset> {
    const connection = await this.connection(connectionKey);
    const row = await this.datasets.findOneBy({ connectionId: connection.id, fidesKey });
    // Fides' text, odd quoting included: clients may match on it.
    if (!row) throw notFound(`No dataset with fides_key '${fidesKey}' and connection key ${connectionKey}'`);
    return row.dataset;
  }

  async delete(connectionKey: string, fidesKey: string): Promise<void> {
    const connection = await this.connection(connectionKey);
    const { affected } = await this.datasets.delete({ connectionId: connection.id, fidesKey });
    if (!affected) throw notFound(`No dataset with fides_key '${fidesKey}' and connection_key '${connectionKey}'`);
  }

  /** Validates one raw dataset for the connection and says whether it can be traversed; stores nothing. */
  async validate(connectionKey: string, raw: unknown): Promise<DatasetValidation> {
    const connection = await this.connection(connectionKey);
    const dataset = this.parse(connection, raw, []);
    return { dataset, traversal: traversalDetails(dataset) };
  }

  /**
   * Fides' bulk create-or-update: the whole request is refused (422) when any dataset is invalid; otherwise each is
   * written in its own transaction. A fides_key already used by another connection fails that item only.
   */
  async upsertMany(connectionKey: string, raw: unknown): Promise<DatasetBulkResult> {
    const connection = await this.connection(connectionKey);
    if (!Array.isArray(raw)) throw new RequestValidationError([{ loc: [], msg: 'value is not a valid list', type: 'type_error.list' }]);
    if (raw.length > MAX_BULK_DATASETS) {
      throw new RequestValidationError([{ loc: [], msg: `ensure this value has at most ${MAX_BULK_DATASETS} items`, type: 'value_error.list.max_items' }]);
    }
    const issues: ValidationIssue[] = [];
    const parsed = raw.map((item, index) => {
      try {
        return this.parse(connection, item, [index]);
      } catch (error) {
        if (!(error instanceof RequestValidationError)) throw error;
        issues.push(...error.issues);
        return undefined as never;
      }
    });
    if (issues.length > 0) throw new RequestValidationError(issues);

    // In order: a fides_key given twice is written twice, the later one winning (as Fides).
    const outcome = await eachItem(
      parsed,
      async (dataset) => (await this.upsert(connection, dataset), dataset),
      (error, dataset) => this.failureMessage(error, dataset),
    );
    return { succeeded: outcome.succeeded, failed: outcome.failed.map(({ message, input }) => ({ message, dataset: input })) };
  }

  /** Every dataset of these connections, oldest first, for building erasure instructions. */
  async ofConnections(connectionIds: string[]): Promise<ConnectionDataset[]> {
    if (connectionIds.length === 0) return [];
    const rows = await this.datasets.find({ where: { connectionId: In(connectionIds) }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => ({ connectionId: r.connectionId, dataset: r.dataset }));
  }

  private parse(connection: ConnectionEntity, raw: unknown, loc: Loc): FidesopsDataset {
    // Decision D12: an email connector locates records by primary key, so each collection must declare one.
    return parseDataset(raw, loc, { requirePrimaryKeys: connection.connectionType === 'email' });
  }

  private async upsert(connection: ConnectionEntity, dataset: FidesopsDataset): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const existing = await m.findOneBy(DatasetEntity, { fidesKey: dataset.fides_key });
      if (existing && existing.connectionId !== connection.id) throw new KeyTaken(dataset.fides_key);
      if (existing) {
        existing.dataset = dataset;
        await m.save(existing);
      } else {
        await m.insert(DatasetEntity, { connectionId: connection.id, fidesKey: dataset.fides_key, dataset });
      }
    });
  }

  private failureMessage(error: unknown, dataset: FidesopsDataset): string {
    const taken = error instanceof KeyTaken || uniqueViolation(error)?.constraint === 'UQ_dataset_fides_key';
    if (taken) return `Dataset with key '${dataset.fides_key}' already exists.`;
    this.logger.error({ err: error }, 'a dataset could not be created or updated');
    return GENERIC_FAILURE;
  }
}

class KeyTaken extends Error {}
