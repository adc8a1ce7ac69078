import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../auth/index.js';
import { RequestValidationError, notFound } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.graphql.js';
import { DEFAULT_TEXTS, MessagingConfigService, toMessagingConfigObject } from '../messaging-config/index.js';
import {
  MessageFilterArgs,
  MessageObject,
  MessagePageObject,
  MessagingServiceTestObject,
  TestMessageInput,
  TestMessageResultObject,
  ToIdentityInput,
} from './messages.dto.js';
import { toMessageObject } from './outbox/message.mapper.js';
import { MessagesService } from './outbox/messages.service.js';
import { testMessageCommandOfInput, toTestMessageResultObject } from './test-message.mapper.js';
import { TestMessageService } from './test-message.service.js';

@Resolver(() => MessageObject)
export class MessagesResolver {
  constructor(
    private readonly messageLog: MessagesService,
    private readonly testMessages: TestMessageService,
    private readonly configs: MessagingConfigService,
  ) {}

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
