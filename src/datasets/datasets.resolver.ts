import { FidesKeyArg } from '../common/validation/fides-key.pipe.js';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../auth/index.js';
import { RequestValidationError } from '../common/errors/herald.error.js';
import {
  datasetListLoc,
  datasetLoc,
  fromDatasetInput,
  toDatasetBulkResultObject,
  toDatasetObject,
  toDatasetValidationObject,
} from './dataset.graphql-mapper.js';
import { DatasetsService } from './datasets.service.js';
import { DatasetBulkResultObject, DatasetInput, DatasetListArgs, DatasetObject, DatasetPageObject, DatasetValidationObject } from './dto/dataset.graphql.js';

/** The parser's problems are located under the argument, in GraphQL's names (`['inputs', 0, 'fidesKey']`). */
@Resolver(() => DatasetObject)
export class DatasetsResolver {
  constructor(private readonly service: DatasetsService) {}

  @Query(() => DatasetPageObject, { description: "A connection's datasets, newest first" })
  @Scopes('dataset:read')
  async datasets(@Args() args: DatasetListArgs): Promise<DatasetPageObject> {
    const page = await this.service.list(args.connectionKey, args);
    return { ...page, items: page.items.map(toDatasetObject) };
  }

  @Query(() => DatasetObject)
  @Scopes('dataset:read')
  async dataset(@FidesKeyArg('connectionKey') connectionKey: string, @FidesKeyArg('fidesKey') fidesKey: string): Promise<DatasetObject> {
    return toDatasetObject(await this.service.get(connectionKey, fidesKey));
  }

  @Mutation(() => DatasetBulkResultObject, { description: 'Creates or updates up to 50 datasets on a connection (all valid, or BAD_USER_INPUT)' })
  @Scopes('dataset:create_or_update')
  async upsertDatasets(
    @FidesKeyArg('connectionKey') connectionKey: string,
    @Args('inputs', { type: () => [DatasetInput] }) inputs: DatasetInput[],
  ): Promise<DatasetBulkResultObject> {
    const result = await RequestValidationError.prefixed(
      ['inputs'],
      () => this.service.upsertMany(connectionKey, inputs.map(fromDatasetInput)),
      datasetListLoc(inputs),
    );
    return toDatasetBulkResultObject(result);
  }

  @Mutation(() => Boolean)
  @Scopes('dataset:delete')
  async deleteDataset(@FidesKeyArg('connectionKey') connectionKey: string, @FidesKeyArg('fidesKey') fidesKey: string): Promise<boolean> {
    await this.service.delete(connectionKey, fidesKey);
    return true;
  }

  @Mutation(() => DatasetValidationObject, { description: 'Validates a dataset for a connection and says whether it can be traversed; stores nothing' })
  @Scopes('dataset:read')
  async validateDataset(
    @FidesKeyArg('connectionKey') connectionKey: string,
    // Typed as `object` so the global class-validator pipe leaves it alone (DatasetInput carries no validators, it
    // would refuse every key as extra): the dataset parser checks it, as it does upsertDatasets' list.
    @Args('input', { type: () => DatasetInput }) input: object,
  ): Promise<DatasetValidationObject> {
    const validation = await RequestValidationError.prefixed(
      ['input'],
      () => this.service.validate(connectionKey, fromDatasetInput(input)),
      datasetLoc(input as DatasetInput),
    );
    return toDatasetValidationObject(validation);
  }
}
