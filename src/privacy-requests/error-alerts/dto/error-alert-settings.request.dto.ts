import { ApiProperty } from '@nestjs/swagger';
import { IsArray, IsString } from 'class-validator';
import { IntBetween, MAX_LENGTH, MaxItems, MaxLen, Required } from '../../../common/validation/fides-validators.js';

/** At most this many addresses get each alert. Fides sets no bound; this is far above what an operations team lists. */
export const MAX_ALERT_ADDRESSES = 20;
/** Fides takes any integer; below 1 would alert on every error, which 1 already does. */
export const MAX_NOTIFY_AFTER_FAILURES = 1_000_000;

/** Body of PUT /privacy-request/notification (Fides' PrivacyRequestNotificationInfo). Addresses are checked by the service. */
export class ErrorAlertSettingsRequestDto {
  @ApiProperty({ type: [String], maxItems: MAX_ALERT_ADDRESSES, description: 'Who gets the alerts; an empty list switches them off' })
  @Required()
  @IsArray()
  @MaxItems(MAX_ALERT_ADDRESSES)
  @IsString({ each: true })
  @MaxLen(MAX_LENGTH.email, true)
  email_addresses: string[];

  @ApiProperty({ minimum: 1, maximum: MAX_NOTIFY_AFTER_FAILURES, description: 'One alert after every this many requests in error' })
  @Required()
  @IntBetween(1, MAX_NOTIFY_AFTER_FAILURES)
  notify_after_failures: number;
}
