import type { Static } from '../../common/openapi.js';
import type { BATCH_SCHEDULE } from './email-batch.openapi.js';
import type { EmailBatchSchedule } from './email-batch.types.js';

export type EmailBatchScheduleResponse = Static<typeof BATCH_SCHEDULE>;

export const toEmailBatchScheduleResponse = (s: EmailBatchSchedule): EmailBatchScheduleResponse => ({
  cron_expression: s.cronExpression,
  timezone: s.timezone,
  next_run_at: s.nextRunLocal,
  awaiting_email_send: s.awaiting,
});
