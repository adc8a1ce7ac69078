import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/index.js';
import type { MessagingServiceType } from '../common/messaging-service-type.js';
import { ApiServiceTypeParam, ServiceTypeParam } from '../common/validation/service-type.pipe.js';
import { DEFAULT_TEXTS } from '../messaging-config/index.js';
import { MessagesQuery, MessagingTestRequestDto, TestMessageRequestDto } from './messages.dto.js';
import { toAttemptResponse, toEventResponse, toMessageResponse } from './outbox/message.mapper.js';
import { MessageRetry } from './outbox/message-retry.js';
import { MessagesService } from './outbox/messages.service.js';
import { TestMessageService } from './test-message.service.js';
import { ESTIMATED_TOTAL_DESCRIPTION } from '../common/database/page-total.js';
import { Answers, pageOf, Refuses } from '../common/openapi.js';
import { MESSAGE_LOG_ENTRY, MESSAGE_WITH_ATTEMPTS, RECORDED_TEST_RESULT, TEST_MESSAGE_RESULT } from './notifications.openapi.js';
import { testMessageCommandOfBody, toTestMessageResponse } from './test-message.mapper.js';
import { RequestValidationError, badRequest, snakeCaseLoc } from '../common/errors/herald.error.js';

@ApiTags('Messages')
@Controller('messaging')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly testMessages: TestMessageService,
    private readonly retries: MessageRetry,
  ) {}

  @Post('config/test')
  @HttpCode(200)
  @Scopes('messaging:create_or_update')
  @ApiOperation({ summary: "Send one real test message through the service type's config, and say how it went" })
  @Answers(200, TEST_MESSAGE_RESULT)
  @Refuses(400, 'The config of that service type has no secrets')
  @Refuses(404, 'No config of that service type')
  async test(@Body() body: TestMessageRequestDto) {
    const result = await RequestValidationError.prefixed(['body'], () => this.testMessages.send(testMessageCommandOfBody(body)), snakeCaseLoc);
    return toTestMessageResponse(result);
  }

  @Post('test/:service_type')
  @HttpCode(200)
  @Scopes('messaging:create_or_update')
  @ApiOperation({
    summary: "Fides' later test: one real message through the config of the path's type (waits at most 15 s), recorded as last_test_*",
  })
  @ApiServiceTypeParam()
  @Answers(200, RECORDED_TEST_RESULT)
  @Refuses(400, 'The test message was not sent (no secrets, no recipient for the channel, or the first attempt failed); recorded')
  @Refuses(404, 'No config of that type: `No messaging config found with service type: <type>`')
  async testRecorded(@ServiceTypeParam('service_type') serviceType: MessagingServiceType, @Body() body: MessagingTestRequestDto): Promise<{ details: string }> {
    const { email, phone_number: phoneNumber } = body.to_identity;
    const result = await this.testMessages.sendRecorded({ serviceType, email, phoneNumber });
    if (!result.succeeded) throw badRequest(DEFAULT_TEXTS.testFailed(result.reason));
    return { details: DEFAULT_TEXTS.testSent };
  }

  @Get('messages')
  @Scopes('messaging:read')
  @ApiOperation({ summary: 'The message log, newest first (recipients masked)' })
  @Answers(200, pageOf(MESSAGE_LOG_ENTRY, ESTIMATED_TOTAL_DESCRIPTION))
  async list(@Query() query: MessagesQuery) {
    const page = await this.messages.list(query, {
      status: query.status,
      actionType: query.action_type,
      privacyRequestId: query.privacy_request_id,
      deliveryStatus: query.delivery_status,
    });
    return { ...page, items: page.items.map(toMessageResponse) };
  }

  @Get('messages/:message_id')
  @Scopes('messaging:read')
  @ApiOperation({ summary: 'One message with every attempt and its delivery events (the timeline)' })
  @Answers(200, MESSAGE_WITH_ATTEMPTS)
  async get(@Param('message_id') id: string) {
    const { message, attempts, events } = await this.messages.get(id);
    return { ...toMessageResponse(message), attempt_log: attempts.map(toAttemptResponse), events: events.map(toEventResponse) };
  }

  @Post('messages/:message_id/retry')
  @HttpCode(200)
  @Scopes('messaging:create_or_update')
  @ApiOperation({ summary: 'Queue a failed message again: fresh attempts, same recipient and content (a suppressed recipient still fails)' })
  @Answers(200, MESSAGE_LOG_ENTRY)
  @Refuses(400, 'The message is not failed: `Message <id> is <status>: only a failed message can be retried`')
  @Refuses(404, 'No message with that id')
  async retry(@Param('message_id') id: string) {
    return toMessageResponse(await this.retries.retry(id));
  }
}
