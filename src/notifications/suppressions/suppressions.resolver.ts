import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../../auth/index.js';
import { RequestValidationError } from '../../common/errors/herald.error.js';
import { PageArgs } from '../../common/pagination.js';
import { AddSuppressionInput, SuppressionObject, SuppressionPageObject } from './dto/suppression.graphql.js';
import { toSuppressionObject } from './suppression.graphql-mapper.js';
import { SuppressionsService } from './suppressions.service.js';

/** Decision D28 over GraphQL: the same service as REST. */
@Resolver(() => SuppressionObject)
export class SuppressionsResolver {
  constructor(private readonly service: SuppressionsService) {}

  @Query(() => SuppressionPageObject, { description: 'Suppressed recipients, newest first (masked)' })
  @Scopes('messaging:read')
  async suppressions(@Args() page: PageArgs): Promise<SuppressionPageObject> {
    const result = await this.service.list(page);
    return { ...result, items: result.items.map(toSuppressionObject) };
  }

  @Mutation(() => SuppressionObject, { description: 'Stops sending to an email address or phone number; one already suppressed answers its entry' })
  @Scopes('messaging:create_or_update')
  async addSuppression(@Args('input') input: AddSuppressionInput): Promise<SuppressionObject> {
    return toSuppressionObject(await RequestValidationError.prefixed(['input'], () => this.service.add(input)));
  }

  @Mutation(() => Boolean, { description: 'Sends to the recipient again' })
  @Scopes('messaging:delete')
  async removeSuppression(@Args('id', { type: () => ID }) id: string): Promise<boolean> {
    await this.service.remove(id);
    return true;
  }
}
