import { FidesKeyArg } from '../common/validation/fides-key.pipe.js';
import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Scopes } from '../auth/scopes.decorator.js';
import { validateList } from '../common/validation/fides-validation.pipe.js';
import type { ConnectionEntity } from './connection.entity.js';
import { ConnectionsService, MAX_BULK_CONNECTIONS, type SecretsResult } from './connections.service.js';
import {
  ConnectionBulkResultObject,
  ConnectionInput,
  ConnectionListArgs,
  ConnectionObject,
  ConnectionPageObject,
  ConnectionTestResultObject,
  ConnectionTestStatus,
  EmailConnectionSecretsInput,
} from './dto/connection.graphql.js';

@Resolver(() => ConnectionObject)
export class ConnectionsResolver {
  constructor(private readonly service: ConnectionsService) {}

  @Query(() => ConnectionPageObject, { description: 'Connections by name, filtered' })
  @Scopes('connection:read')
  async connections(@Args() args: ConnectionListArgs): Promise<ConnectionPageObject> {
    const page = await this.service.list(
      { search: args.search, connectionTypes: args.connectionTypes, disabled: args.disabled, testStatus: args.testStatus },
      args,
    );
    const withSecrets = await this.service.withSecrets(page.items);
    return { ...page, items: page.items.map((c) => toObject(c, withSecrets.has(c.id))) };
  }

  @Query(() => ConnectionObject)
  @Scopes('connection:read')
  async connection(@FidesKeyArg('key') key: string): Promise<ConnectionObject> {
    return toObject(await this.service.get(key));
  }

  @ResolveField(() => Boolean, { description: 'Whether secrets have been set (they are never shown)' })
  async hasSecrets(@Parent() connection: ConnectionObject): Promise<boolean> {
    return connection.knownHasSecrets ?? this.service.hasSecrets(connection);
  }

  @Mutation(() => ConnectionBulkResultObject, { description: 'Creates or updates up to 50 connections; each item succeeds or fails on its own' })
  @Scopes('connection:create_or_update')
  async upsertConnections(@Args('inputs', { type: () => [ConnectionInput] }) inputs: ConnectionInput[]): Promise<ConnectionBulkResultObject> {
    const items = validateList(ConnectionInput, inputs, ['inputs'], MAX_BULK_CONNECTIONS);
    const result = await this.service.upsertMany(
      items.map((i) => ({
        name: i.name,
        key: i.key ?? null,
        connectionType: i.connectionType,
        access: i.access,
        disabled: i.disabled ?? false,
        description: i.description ?? null,
      })),
      ['inputs'],
    );
    return {
      succeeded: result.succeeded.map((c) => toObject(c)),
      failed: result.failed.map((f) => ({ message: f.message, data: f.input })),
    };
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
    const raw = { to_email: input.toEmail, test_email: input.testEmail ?? null };
    return toTestResult(await this.service.setSecrets(key, raw, verify, ['input']), true);
  }

  @Mutation(() => ConnectionTestResultObject, { description: 'Sends a test email with the stored secrets' })
  @Scopes('connection:read')
  async testConnection(@FidesKeyArg('key') key: string): Promise<ConnectionTestResultObject> {
    return toTestResult(await this.service.testStored(key));
  }
}

function toTestResult(r: SecretsResult, knownHasSecrets?: boolean): ConnectionTestResultObject {
  return {
    connection: toObject(r.connection, knownHasSecrets),
    testStatus: r.test ? (r.test.status === 'succeeded' ? ConnectionTestStatus.SUCCEEDED : ConnectionTestStatus.FAILED) : null,
    failureReason: r.test?.reason ?? null,
    messageId: r.test?.messageId ?? null,
  };
}

function toObject(c: ConnectionEntity, knownHasSecrets?: boolean): ConnectionObject {
  return {
    id: c.id,
    key: c.key,
    name: c.name,
    description: c.description,
    connectionType: c.connectionType,
    access: c.access,
    disabled: c.disabled,
    disabledAt: c.disabledAt,
    lastTestTimestamp: c.lastTestTimestamp,
    lastTestSucceeded: c.lastTestSucceeded,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    knownHasSecrets,
  };
}
