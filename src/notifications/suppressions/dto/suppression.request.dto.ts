import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { Email, Optional } from '../../../common/validation/fides-validators.js';

/** E.164, as the test message takes it. */
export const PHONE = /^\+[1-9]\d{1,14}$/;
export const PHONE_MESSAGE = { message: 'Phone number must be in E.164 format, e.g. +15558675309', context: { type: 'value_error' } };

/** Body of POST /messaging/suppressions: exactly one of the two (checked by the service). */
export class AddSuppressionRequestDto {
  @ApiPropertyOptional({ description: 'An email address to stop sending to (give this or phone_number)' })
  @Optional()
  @IsString()
  @Email()
  email?: string | null;

  @ApiPropertyOptional({ description: 'A phone number in E.164 to stop sending SMS to (give this or email)' })
  @Optional()
  @IsString()
  @Matches(PHONE, PHONE_MESSAGE)
  phone_number?: string | null;
}
