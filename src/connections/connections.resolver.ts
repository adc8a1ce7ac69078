import { FidesKeyArg } from '../common/validation/fides-key.pipe.js';
import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Scopes } from '../auth/index.js';
import { camelCaseLoc, RequestValidationError } from '../common/errors/herald.error.js';
import { validateList } from '../common/validation/fides-validation.pipe.js';
import {
  toBulkResultObject,
  toConnectionFilter,
  toConnectionObject,
  toSecretsCommand,
  toErasureEmailSecretsCommand,
  toTestResultObject,
  toUpsertCommand,
} from './connection.graphql-mapper.js';
import { ConnectionsService, MAX_BULK_CONNECTIONS } from './connections.service.js';
import {
  ConnectionBulkResultObject,
  ConnectionInput,
  ConnectionListArgs,
  ConnectionObject,
  ConnectionPageObject,
  ConnectionTestResultObject,
  EmailConnectionSecretsInput,
  ErasureEmailConnectionSecretsInput,
} from './dto/connection.graphql.js';

/** Validation problems of an argument are located under its name, in GraphQL's field names. */
@Resolver(() => ConnectionObject)
export class ConnectionsResolver {
  constructor(private readonly service: ConnectionsService) {}

  @Query(() => ConnectionPageObject, { description: 'Connections by name, filtered' })
  @Scopes('connection:read')
  async connections(@Args() args: ConnectionListArgs): Promise<ConnectionPageObject> {
    const page = await this.service.list(toConnectionFilter(args), args);
    const withSecrets = await this.service.withSecrets(page.items);
    return { ...page, items: page.items.map((c) => toConnectionObject(c, withSecrets.has(c.id))) };
  }

  @Query(() => ConnectionObject)
  @Scopes('connection:read')
  async connection(@FidesKeyArg('key') key: string): Promise<ConnectionObject> {
    return toConnectionObject(await this.service.get(key));
  }

  @ResolveField(() => Boolean, { description: 'Whether secrets have been set (they are never shown)' })
  async hasSecrets(@Parent() connection: ConnectionObject): Promise<boolean> {
    return connection.knownHasSecrets ?? this.service.hasSecrets(connection);
  }

  @Mutation(() => ConnectionBulkResultObject, { description: 'Creates or updates up to 50 connections; each item succeeds or fails on its own' })
  @Scopes('connection:create_or_update')
  async upsertConnections(@Args('inputs', { type: () => [ConnectionInput] }) inputs: ConnectionInput[]): Promise<ConnectionBulkResultObject> {
    const result = await RequestValidationError.prefixed(
      ['inputs'],
      () => this.service.upsertMany(validateList(ConnectionInput, inputs, [], MAX_BULK_CONNECTIONS).map(toUpsertCommand)),
      camelCaseLoc,
    );
    return toBulkResultObject(result);
  }

  @Mutation(() => Boolean, { description: 'Deletes the connection with its datasets and secrets' })
  @Scopes('connection:delete')
  async deleteConnection(@FidesKeyArg('key') key: string): Promise<boolean> {
    await this.service.delete(key);
    return true;
  }

  @Mutation(() => ConnectionTestResultObject, { description: 'Replaces the secrets; with verify (default) sends a test email to testEmail' })
  @Scopes('connection:create_or_update')
  async setConnectionSecrets(
    @FidesKeyArg('key') key: string,
    @Args('input') input: EmailConnectionSecretsInput,
    @Args('verify', { defaultValue: true }) verify: boolean,
  ): Promise<ConnectionTestResultObject> {
    const result = await RequestValidationError.prefixed(['input'], () => this.service.setSecrets(key, toSecretsCommand(input, verify)), camelCaseLoc);
    return toTestResultObject(result, true);
  }

  @Mutation(() => ConnectionTestResultObject, {
    description: 'Replaces the secrets of a GENERIC_ERASURE_EMAIL connection; with verify (default) sends a test email to testEmailAddress',
  })
  @Scopes('connection:create_or_update')
  async setErasureEmailConnectionSecrets(
    @FidesKeyArg('key') key: string,
    @Args('input') input: ErasureEmailConnectionSecretsInput,
    @Args('verify', { defaultValue: true }) verify: boolean,
  ): Promise<ConnectionTestResultObject> {
    const result = await RequestValidationError.prefixed(
      ['input'],
      () => this.service.setSecrets(key, toErasureEmailSecretsCommand(input, verify)),
      camelCaseLoc,
    );
    return toTestResultObject(result, true);
  }

  @Mutation(() => ConnectionTestResultObject, { description: 'Sends a test email with the stored secrets' })
  @Scopes('connection:read')
  async testConnection(@FidesKeyArg('key') key: string): Promise<ConnectionTestResultObject> {
    return toTestResultObject(await this.service.testStored(key));
  }
}
