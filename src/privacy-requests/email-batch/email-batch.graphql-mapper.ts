import type { BatchEmailScheduleObject } from './dto/email-batch-schedule.graphql.js';
import type { EmailBatchSchedule } from './email-batch.types.js';

export const toBatchEmailScheduleObject = (s: EmailBatchSchedule): BatchEmailScheduleObject => ({
  cronExpression: s.cronExpression,
  timezone: s.timezone,
  nextRunAt: s.nextRunAt,
  nextRunLocal: s.nextRunLocal,
  awaitingEmailSend: s.awaiting,
});
