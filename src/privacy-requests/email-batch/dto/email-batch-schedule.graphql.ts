import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('BatchEmailSchedule', { description: 'Decision D34: when the batched third-party erasure emails next go out' })
export class BatchEmailScheduleObject {
  @Field({ description: 'FIDES__EXECUTION__EMAIL_SEND_CRON_EXPRESSION' }) cronExpression: string;
  @Field({ description: 'FIDES__EXECUTION__EMAIL_SEND_TIMEZONE' }) timezone: string;
  @Field({ description: 'The next run, as an instant' }) nextRunAt: Date;
  @Field({ description: "The next run as ISO-8601 with the time zone's offset at that moment" }) nextRunLocal: string;
  @Field(() => Int, { description: 'Requests waiting for the next batch now' }) awaitingEmailSend: number;
}
