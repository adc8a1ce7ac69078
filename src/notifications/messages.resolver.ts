import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../auth/scopes.decorator.js';
import { MessageFilterArgs, MessageObject, MessagePageObject, TestMessageInput, TestMessageResultObject } from './messages.dto.js';
import type { MessageAttemptEntity, MessageEntity } from './outbox/message.entity.js';
import { MessagesService } from './outbox/messages.service.js';
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
    const { message, attempts } = await this.messageLog.get(id);
    return toMessageObject(message, attempts);
  }

  @Mutation(() => TestMessageResultObject, { description: 'Sends one real test message through the config of a service type' })
  @Scopes('messaging:create_or_update')
  async sendTestMessage(@Args('input') input: TestMessageInput): Promise<TestMessageResultObject> {
    const result = await this.testMessages.send(input.serviceType, { email: input.email, phone_number: input.phoneNumber }, ['input']);
    return { messageId: result.messageId, status: result.status, failureReason: result.reason };
  }
}

export function toMessageObject(m: MessageEntity, attempts?: MessageAttemptEntity[]): MessageObject {
  return {
    id: m.id,
    actionType: m.actionType,
    serviceType: m.serviceType,
    channel: m.channel,
    status: m.status,
    recipient: m.recipientHint,
    privacyRequestId: m.privacyRequestId,
    attempts: m.attempts,
    providerMessageId: m.providerMessageId,
    failureReason: m.failureReason,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    sentAt: m.sentAt,
    attemptLog: attempts?.map((a) => ({ ...a })),
  };
}
