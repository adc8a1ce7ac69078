import { Args, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Scopes } from '../auth/index.js';
import { RequestValidationError, notFound } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.graphql.js';
import { DEFAULT_TEXTS, MessagingConfigService, toMessagingConfigObject } from '../messaging-config/index.js';
import {
  MessageFilterArgs,
  MessageObject,
  MessagePageObject,
  MessageUpdatesArgs,
  MessagingServiceTestObject,
  ProviderCircuitObject,
  TestMessageInput,
  TestMessageResultObject,
  ToIdentityInput,
} from './messages.dto.js';
import { MessageUpdates } from './live/message-updates.js';
import { toMessageObject } from './outbox/message.mapper.js';
import { MessageRetry } from './outbox/message-retry.js';
import { MessagesService } from './outbox/messages.service.js';
import { ProviderCircuits } from './outbox/provider-circuits.js';
import { testMessageCommandOfInput, toTestMessageResultObject } from './test-message.mapper.js';
import { TestMessageService } from './test-message.service.js';

@Resolver(() => MessageObject)
export class MessagesResolver {
  constructor(
    private readonly messageLog: MessagesService,
    private readonly testMessages: TestMessageService,
    private readonly configs: MessagingConfigService,
    private readonly retries: MessageRetry,
    private readonly circuits: ProviderCircuits,
    private readonly updates: MessageUpdates,
  ) {}

  @Subscription(() => MessageObject, {
    description:
      "A message's state changed (created, attempted, sent, failed, retried, a delivery event): the same Message as the query (recipient masked; " +
      'no attemptLog or events). status and deliveryStatus are those of the change; the other fields as read when it is delivered',
    // The iterator yields the Message itself.
    resolve: (message: MessageObject) => message,
  })
  @Scopes('messaging:read')
  messageUpdated(@Args() args: MessageUpdatesArgs) {
    return this.updates.open({
      status: args.status,
      deliveryStatus: args.deliveryStatus,
      actionType: args.actionType,
      privacyRequestId: args.privacyRequestId,
    });
  }

  @Query(() => [ProviderCircuitObject], {
    description:
      "Each configured provider's circuit (decision D29 failover), and any other that has counted a failure; from the database, the same on every instance",
  })
  @Scopes('messaging:read')
  async providerCircuits(): Promise<ProviderCircuitObject[]> {
    const [states, configs] = await Promise.all([this.circuits.states(), this.configs.list({ page: 1, size: 100 })]);
    const counted = new Set(states.map((c) => c.serviceType));
    // A configured provider that never failed has no circuit row: it is closed, and an operator expects to see it.
    const closed = configs.items
      .filter((config) => !counted.has(config.serviceType))
      .map((config) => ({ serviceType: config.serviceType, state: 'closed', openUntil: null, recentFailures: 0 }));
    return [...states, ...closed].sort((a, b) => a.serviceType.localeCompare(b.serviceType));
  }

  @Mutation(() => MessageObject, {
    description:
      'Queues a failed message again (fresh attempts, same recipient and content); BAD_USER_INPUT unless its status is failed; suppression still applies',
  })
  @Scopes('messaging:create_or_update')
  async retryMessage(@Args('id', { type: () => ID }) id: string): Promise<MessageObject> {
    return toMessageObject(await this.retries.retry(id));
  }

  @Query(() => MessagePageObject, { description: 'The message log, newest first' })
  @Scopes('messaging:read')
  async messages(@Args() args: MessageFilterArgs): Promise<MessagePageObject> {
    const result = await this.messageLog.list(args, args);
    return { ...result, items: result.items.map((m) => toMessageObject(m)) };
  }

  @Query(() => MessageObject)
  @Scopes('messaging:read')
  async message(@Args('id', { type: () => ID }) id: string): Promise<MessageObject> {
    const { message, attempts, events } = await this.messageLog.get(id);
    return toMessageObject(message, attempts, events);
  }

  @Mutation(() => TestMessageResultObject, { description: 'Sends one real test message through the config of a service type' })
  @Scopes('messaging:create_or_update')
  async sendTestMessage(@Args('input') input: TestMessageInput): Promise<TestMessageResultObject> {
    const result = await RequestValidationError.prefixed(['input'], () => this.testMessages.send(testMessageCommandOfInput(input)));
    return toTestMessageResultObject(result);
  }

  @Mutation(() => MessagingServiceTestObject, {
    description: 'Sends one real test message through the config of a service type, waits at most 15 s and records the outcome on the config',
  })
  @Scopes('messaging:create_or_update')
  async testMessagingService(
    @Args('serviceType', { type: () => MessagingServiceType }) serviceType: MessagingServiceType,
    @Args('toIdentity') toIdentity: ToIdentityInput,
  ): Promise<MessagingServiceTestObject> {
    const result = await this.testMessages.sendRecorded({ serviceType, email: toIdentity.email, phoneNumber: toIdentity.phoneNumber });
    const config = await this.configs.findByServiceType(serviceType);
    // Deleted since the test: the outcome has nowhere to be shown.
    if (!config) throw notFound(DEFAULT_TEXTS.testNotFound(serviceType));
    return {
      succeeded: result.succeeded,
      details: result.succeeded ? DEFAULT_TEXTS.testSent : DEFAULT_TEXTS.testFailed(result.reason),
      config: toMessagingConfigObject(config),
    };
  }
}
