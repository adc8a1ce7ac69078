import { dateTime, integer, model, object, string } from '../../common/openapi.js';

/** Fides' answer to the manual trigger. */
export const BATCH_TRIGGERED = model('EmailBatchTriggered', object({ message: string }));

/** Herald's own (decision D34): the batch schedule and when it next fires. */
export const BATCH_SCHEDULE = model(
  'EmailBatchSchedule',
  object({
    cron_expression: string,
    timezone: string,
    next_run_at: { ...dateTime, description: "ISO-8601 with the time zone's offset at that moment" },
    awaiting_email_send: { ...integer, description: 'Requests waiting for the next batch now' },
  }),
);
