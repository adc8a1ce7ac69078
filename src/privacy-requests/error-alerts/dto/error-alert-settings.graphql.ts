import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsArray, IsString } from 'class-validator';
import { IntBetween, MAX_LENGTH, MaxItems, MaxLen, Required } from '../../../common/validation/fides-validators.js';
import { MAX_ALERT_ADDRESSES, MAX_NOTIFY_AFTER_FAILURES } from './error-alert-settings.request.dto.js';

@ObjectType('PrivacyRequestNotificationSettings', { description: 'Error alerts (decision D30): who is emailed after how many requests in error' })
export class ErrorAlertSettingsObject {
  @Field(() => [String]) emailAddresses: string[];
  @Field(() => Int) notifyAfterFailures: number;
}

@InputType('PrivacyRequestNotificationSettingsInput')
export class ErrorAlertSettingsInput {
  @Field(() => [String], { description: 'An empty list switches the alerts off' })
  @Required()
  @IsArray()
  @MaxItems(MAX_ALERT_ADDRESSES)
  @IsString({ each: true })
  @MaxLen(MAX_LENGTH.email, true)
  emailAddresses: string[];

  @Field(() => Int) @Required() @IntBetween(1, MAX_NOTIFY_AFTER_FAILURES) notifyAfterFailures: number;
}
