import { FidesKeyArg } from '../common/validation/fides-key.pipe.js';
import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Scopes } from '../auth/index.js';
import { RequestValidationError } from '../common/errors/herald.error.js';
import { PageArgs } from '../common/pagination.js';
import { MessagingServiceType } from '../common/messaging-service-type.graphql.js';
import {
  MessagingConfigInput,
  MessagingConfigObject,
  MessagingConfigPageObject,
  MessagingDefaultInput,
  MessagingSecretsInput,
} from './dto/messaging-config.graphql.js';
import { checkOneKindOfSecrets, configLoc, defaultDetailsOf, toMessagingConfigObject, toRawSecrets, toSaveCommand } from './messaging-config.graphql-mapper.js';
import { MessagingDefaultService } from './messaging-default.service.js';
import { MessagingConfigService } from './messaging-config.service.js';

/**
 * GraphQL speaks Fides' words (`MessagingConfigNotFound`'s own, as the REST routes); validation problems of an `input`
 * are located under it, in GraphQL's field names.
 */
@Resolver(() => MessagingConfigObject)
export class MessagingConfigResolver {
  constructor(
    private readonly configs: MessagingConfigService,
    private readonly defaults: MessagingDefaultService,
  ) {}

  @Query(() => MessagingConfigPageObject, { description: 'Configs, newest first' })
  @Scopes('messaging:read')
  async messagingConfigs(@Args() page: PageArgs): Promise<MessagingConfigPageObject> {
    const result = await this.configs.list(page);
    const withSecrets = await this.configs.withSecrets(result.items);
    return { ...result, items: result.items.map((c) => toMessagingConfigObject(c, withSecrets.has(c.id))) };
  }

  /** Resolved only when asked for, so a query without it costs one statement. */
  @ResolveField(() => Boolean, { description: 'Whether secrets have been set (they are never shown)' })
  async hasSecrets(@Parent() config: MessagingConfigObject): Promise<boolean> {
    return config.knownHasSecrets ?? this.configs.hasSecrets(config);
  }

  @Query(() => MessagingConfigObject)
  @Scopes('messaging:read')
  async messagingConfig(@FidesKeyArg('key') key: string): Promise<MessagingConfigObject> {
    return toMessagingConfigObject(await this.configs.get(key));
  }

  @Query(() => MessagingConfigObject, { description: 'The config of a service type (GET /messaging/default/{service_type})' })
  @Scopes('messaging:read')
  async messagingDefault(@Args('serviceType', { type: () => MessagingServiceType }) serviceType: MessagingServiceType): Promise<MessagingConfigObject> {
    return toMessagingConfigObject(await this.defaults.get(serviceType));
  }

  @Mutation(() => MessagingConfigObject, {
    description: "Creates the config of a service type with Fides' default key and name, or updates it (PUT /messaging/default); never changes the active type",
  })
  @Scopes('messaging:create_or_update')
  async putMessagingDefault(@Args('input') input: MessagingDefaultInput): Promise<MessagingConfigObject> {
    const config = await RequestValidationError.prefixed(
      ['input'],
      () => this.defaults.put(input.serviceType, defaultDetailsOf(input)),
      configLoc(input.serviceType),
    );
    return toMessagingConfigObject(config);
  }

  @Mutation(() => MessagingConfigObject, { description: 'Creates a config (an existing key updates it, as over REST)' })
  @Scopes('messaging:create_or_update')
  async createMessagingConfig(@Args('input') input: MessagingConfigInput): Promise<MessagingConfigObject> {
    const config = await RequestValidationError.prefixed(['input'], () => this.configs.createOrUpdate(toSaveCommand(input)), configLoc(input.serviceType));
    return toMessagingConfigObject(config);
  }

  @Mutation(() => MessagingConfigObject, { description: 'Replaces the config named by key; a different input key renames it' })
  @Scopes('messaging:create_or_update')
  async updateMessagingConfig(@FidesKeyArg('key') key: string, @Args('input') input: MessagingConfigInput): Promise<MessagingConfigObject> {
    const config = await RequestValidationError.prefixed(['input'], () => this.configs.update(key, toSaveCommand(input)), configLoc(input.serviceType));
    return toMessagingConfigObject(config);
  }

  @Mutation(() => Boolean, { description: 'Deletes the config and its secrets' })
  @Scopes('messaging:delete')
  async deleteMessagingConfig(@FidesKeyArg('key') key: string): Promise<boolean> {
    await this.configs.delete(key);
    return true;
  }

  @Mutation(() => MessagingConfigObject, { description: 'Replaces the secrets of a config' })
  @Scopes('messaging:create_or_update')
  async setMessagingConfigSecrets(@FidesKeyArg('key') key: string, @Args('input') input: MessagingSecretsInput): Promise<MessagingConfigObject> {
    const config = await RequestValidationError.prefixed(['input'], async () => {
      checkOneKindOfSecrets(input);
      const current = await this.configs.get(key);
      return this.configs.setSecrets(key, toRawSecrets(current.serviceType, input));
    });
    return toMessagingConfigObject(config, true);
  }
}
