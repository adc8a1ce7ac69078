import { Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../../auth/index.js';
import { BatchEmailScheduleObject } from './dto/email-batch-schedule.graphql.js';
import { toBatchEmailScheduleObject } from './email-batch.graphql-mapper.js';
import { BATCH_STARTED, EmailBatchScheduler } from './email-batch.schedule.js';

/** Decision D34 over GraphQL: the same scheduler as `/privacy-request/administrate/...`. */
@Resolver(() => BatchEmailScheduleObject)
export class EmailBatchResolver {
  constructor(private readonly scheduler: EmailBatchScheduler) {}

  @Query(() => BatchEmailScheduleObject, { description: 'The batch email schedule: cron, time zone, next run and how many requests wait' })
  @Scopes('privacy-request:read')
  async batchEmailSchedule(): Promise<BatchEmailScheduleObject> {
    return toBatchEmailScheduleObject(await this.scheduler.schedule());
  }

  @Mutation(() => String, { description: 'Sends the batch of third-party erasure emails now (in the background); answers as the REST trigger' })
  @Scopes('privacy-request-email-integrations:send')
  async processAwaitingEmailSend(): Promise<string> {
    await this.scheduler.trigger();
    return BATCH_STARTED;
  }
}
