import { FidesKeyArg } from '../common/validation/fides-key.pipe.js';
import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Scopes } from '../auth/scopes.decorator.js';
import { RequestValidationError, invalid } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import { PageArgs } from '../common/pagination.js';
import { validateDetails } from './messaging-config-details.js';
import { MessagingConfigInput, MessagingSecretsInput } from './dto/messaging-config.input.js';
import { MessagingConfigObject, MessagingConfigPageObject } from './dto/messaging-config.object.js';
import type { MessagingConfigEntity } from './messaging-config.entity.js';
import { MessagingConfigService, type MessagingConfigInput as ConfigInput } from './messaging-config.service.js';

@Resolver(() => MessagingConfigObject)
export class MessagingConfigResolver {
  constructor(private readonly configs: MessagingConfigService) {}

  @Query(() => MessagingConfigPageObject, { description: 'Configs, newest first' })
  @Scopes('messaging:read')
  async messagingConfigs(@Args() page: PageArgs): Promise<MessagingConfigPageObject> {
    const result = await this.configs.list(page);
    const withSecrets = await this.configs.withSecrets(result.items);
    return { ...result, items: result.items.map((c) => toObject(c, withSecrets.has(c.id))) };
  }

  /** Resolved only when asked for, so a query without it costs one statement. */
  @ResolveField(() => Boolean, { description: 'Whether secrets have been set (they are never shown)' })
  async hasSecrets(@Parent() config: MessagingConfigObject): Promise<boolean> {
    return config.knownHasSecrets ?? this.configs.hasSecrets(config);
  }

  @Query(() => MessagingConfigObject)
  @Scopes('messaging:read')
  async messagingConfig(@FidesKeyArg('key') key: string): Promise<MessagingConfigObject> {
    return toObject(await this.configs.get(key));
  }

  @Mutation(() => MessagingConfigObject, { description: 'Creates a config (an existing key updates it, as over REST)' })
  @Scopes('messaging:create_or_update')
  async createMessagingConfig(@Args('input') input: MessagingConfigInput): Promise<MessagingConfigObject> {
    return toObject(await this.configs.createOrUpdate(toConfigInput(input)));
  }

  @Mutation(() => MessagingConfigObject, { description: 'Replaces the config named by key; a different input key renames it' })
  @Scopes('messaging:create_or_update')
  async updateMessagingConfig(@FidesKeyArg('key') key: string, @Args('input') input: MessagingConfigInput): Promise<MessagingConfigObject> {
    return toObject(await this.configs.update(key, toConfigInput(input)));
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
    const given = [input.mailgun, input.twilioText, input.twilioEmail].filter((v) => v !== undefined && v !== null);
    if (given.length !== 1) throw invalid(['input'], 'exactly one of mailgun, twilioText or twilioEmail is required');
    const current = await this.configs.get(key);
    const raw = toRawSecrets(current.serviceType, input);
    const config = await this.configs.setSecrets(key, raw);
    return toObject(config, true);
  }
}

function toConfigInput(input: MessagingConfigInput): ConfigInput {
  const details = input.mailgun
    ? { domain: input.mailgun.domain, is_eu_domain: input.mailgun.isEuDomain, api_version: input.mailgun.apiVersion }
    : input.twilioEmail
      ? { twilio_email_from: input.twilioEmail.twilioEmailFrom }
      : null;
  if (input.mailgun && input.twilioEmail) throw invalid(['input'], 'give mailgun or twilioEmail details, not both');
  return { name: input.name, key: input.key ?? undefined, serviceType: input.serviceType, details: validateDetails(input.serviceType, details, ['input']) };
}

/** The typed GraphQL input as the snake_case object the secrets schema validates (and Fides stores). */
function toRawSecrets(serviceType: MessagingServiceType, input: MessagingSecretsInput): Record<string, unknown> {
  switch (serviceType) {
    case MessagingServiceType.MAILGUN:
      if (!input.mailgun) throw mismatch('mailgun', serviceType);
      return { mailgun_api_key: input.mailgun.apiKey };
    case MessagingServiceType.TWILIO_TEXT:
      if (!input.twilioText) throw mismatch('twilioText', serviceType);
      return {
        twilio_account_sid: input.twilioText.accountSid,
        twilio_auth_token: input.twilioText.authToken,
        twilio_messaging_service_sid: input.twilioText.messagingServiceSid ?? null,
        twilio_sender_phone_number: input.twilioText.senderPhoneNumber ?? null,
      };
    case MessagingServiceType.TWILIO_EMAIL:
      if (!input.twilioEmail) throw mismatch('twilioEmail', serviceType);
      return { twilio_api_key: input.twilioEmail.apiKey };
  }
}

const mismatch = (field: string, serviceType: MessagingServiceType): RequestValidationError =>
  invalid(['input', field], `this config is of service type ${serviceType}: give the secrets for that type`);

function toObject(c: MessagingConfigEntity, knownHasSecrets?: boolean): MessagingConfigObject {
  const d = c.details;
  return {
    key: c.key,
    name: c.name,
    serviceType: c.serviceType,
    details: !d ? null : 'domain' in d ? { domain: d.domain, isEuDomain: d.is_eu_domain, apiVersion: d.api_version } : { twilioEmailFrom: d.twilio_email_from },
    id: c.id,
    knownHasSecrets,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
