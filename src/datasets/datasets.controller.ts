import { Body, Controller, Delete, Get, HttpCode, Patch, Put, Query } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/index.js';
import { RequestValidationError } from '../common/errors/herald.error.js';
import { Page, PageQuery } from '../common/pagination.js';
import { FidesKeyParam } from '../common/validation/fides-key.pipe.js';
import {
  DatasetBulkResponse,
  DatasetResponse,
  DatasetValidationResponse,
  toDatasetBulkResponse,
  toDatasetResponse,
  toDatasetValidationResponse,
} from './dataset.mapper.js';
import { DatasetsService, MAX_BULK_DATASETS } from './datasets.service.js';
import { Answers, pageOf } from '../common/openapi.js';
import { DATASET, DATASET_BULK_RESULT, DATASET_VALIDATION } from './datasets.openapi.js';

const DATASET_SCHEMA = {
  type: 'object',
  required: ['fides_key', 'collections'],
  description: "Fides' dataset (see docs/compatibility.md); every collection of an email connector declares a primary_key field",
  example: {
    fides_key: 'email_dataset',
    name: 'Daycare CRM',
    collections: [
      {
        name: 'children',
        fields: [
          { name: 'id', data_categories: ['system.operations'], fidesops_meta: { primary_key: true } },
          { name: 'first_name', data_categories: ['user.childrens'] },
          { name: 'parent_email', data_categories: ['user.contact.email'], fidesops_meta: { identity: 'email' } },
        ],
      },
    ],
  },
};

/** Fides' dataset routes on a connection. Bodies are raw Fides datasets, which the service parses (problems under `body`). */
@ApiTags('Datasets')
@Controller('connection/:connection_key')
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @Patch('dataset')
  @Scopes('dataset:create_or_update')
  @ApiOperation({ summary: 'Create or update up to 50 datasets on the connection (all valid, or 422)' })
  @ApiBody({ schema: { type: 'array', maxItems: MAX_BULK_DATASETS, items: DATASET_SCHEMA } })
  @Answers(200, DATASET_BULK_RESULT)
  async upsert(@FidesKeyParam('connection_key') connectionKey: string, @Body() body: unknown): Promise<DatasetBulkResponse> {
    const result = await RequestValidationError.prefixed(['body'], () => this.datasets.upsertMany(connectionKey, body));
    return toDatasetBulkResponse(connectionKey, result);
  }

  @Get('dataset')
  @Scopes('dataset:read')
  @ApiOperation({ summary: "The connection's datasets, newest first" })
  @Answers(200, pageOf(DATASET))
  async list(@FidesKeyParam('connection_key') connectionKey: string, @Query() query: PageQuery): Promise<Page<DatasetResponse>> {
    const page = await this.datasets.list(connectionKey, query);
    return { ...page, items: page.items.map(toDatasetResponse) };
  }

  @Get('dataset/:fides_key')
  @Scopes('dataset:read')
  @ApiOperation({ summary: 'One dataset' })
  @Answers(200, DATASET)
  async get(@FidesKeyParam('connection_key') connectionKey: string, @FidesKeyParam('fides_key') fidesKey: string): Promise<DatasetResponse> {
    return toDatasetResponse(await this.datasets.get(connectionKey, fidesKey));
  }

  @Delete('dataset/:fides_key')
  @HttpCode(204)
  @Scopes('dataset:delete')
  @ApiOperation({ summary: 'Delete a dataset' })
  @ApiNoContentResponse()
  async delete(@FidesKeyParam('connection_key') connectionKey: string, @FidesKeyParam('fides_key') fidesKey: string): Promise<void> {
    await this.datasets.delete(connectionKey, fidesKey);
  }

  @Put('validate_dataset')
  @Scopes('dataset:read')
  @ApiOperation({ summary: 'Validate a dataset for the connection and say whether it can be traversed; stores nothing' })
  @ApiBody({ schema: DATASET_SCHEMA })
  @Answers(200, DATASET_VALIDATION)
  async validate(@FidesKeyParam('connection_key') connectionKey: string, @Body() body: unknown): Promise<DatasetValidationResponse> {
    return toDatasetValidationResponse(await RequestValidationError.prefixed(['body'], () => this.datasets.validate(connectionKey, body)));
  }
}
