import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/index.js';
import { Answers } from '../../common/openapi.js';
import { toEmailBatchScheduleResponse, type EmailBatchScheduleResponse } from './email-batch.mapper.js';
import { BATCH_SCHEDULE, BATCH_TRIGGERED } from './email-batch.openapi.js';
import { BATCH_STARTED, EmailBatchScheduler } from './email-batch.schedule.js';

/** Decision D34: Fides' manual trigger of the batched third-party erasure emails, and Herald's view of the schedule. */
@ApiTags('Privacy requests')
@Controller('privacy-request/administrate')
export class EmailBatchController {
  constructor(private readonly scheduler: EmailBatchScheduler) {}

  @Post('process-awaiting-email-send')
  @HttpCode(200)
  @Scopes('privacy-request-email-integrations:send')
  @ApiOperation({ summary: 'Send the batch of third-party erasure emails now, for every request in awaiting_email_send (runs in the background)' })
  @Answers(200, BATCH_TRIGGERED)
  async trigger(): Promise<{ message: string }> {
    await this.scheduler.trigger();
    return { message: BATCH_STARTED };
  }

  @Get('email-send-schedule')
  @Scopes('privacy-request:read')
  @ApiOperation({ summary: 'When the batch of third-party erasure emails next goes out (cron, time zone, next run), and how many requests wait' })
  @Answers(200, BATCH_SCHEDULE)
  async schedule(): Promise<EmailBatchScheduleResponse> {
    return toEmailBatchScheduleResponse(await this.scheduler.schedule());
  }
}
