import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../auth/index.js';
import { RequestValidationError } from '../common/errors/herald.error.js';
import { MessageFilterArgs, MessageObject, MessagePageObject, TestMessageInput, TestMessageResultObject } from './messages.dto.js';
import { toMessageObject } from './outbox/message.mapper.js';
import { MessagesService } from './outbox/messages.service.js';
import { testMessageCommandOfInput, toTestMessageResultObject } from './test-message.mapper.js';
import { TestMessageService } from './test-message.service.js';

@Resolver(() => MessageObject)
export class MessagesResolver {
  constructor(
    private readonly messageLog: MessagesService,
    private readonly testMessages: TestMessageService,
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
}
