import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, ValidateNested } from 'class-validator';
import { MessagingServiceType } from '../../common/messaging-service-type.graphql.js';
import { parseMessagingServiceType } from '../../common/messaging-service-type.js';
import { OneOf, Optional } from '../../common/validation/fides-validators.js';

const SERVICE_TYPES = Object.values(MessagingServiceType);
const toServiceType = ({ value }: { value: unknown }) => (typeof value === 'string' ? (parseMessagingServiceType(value) ?? value) : value);

export class NotificationsPatchDto {
  @ApiPropertyOptional({ enum: SERVICE_TYPES, nullable: true, description: 'Any case; twilio_sms is an alias; null unsets it' })
  @Optional()
  @Transform(toServiceType)
  @OneOf(SERVICE_TYPES)
  notification_service_type?: MessagingServiceType | null;

  @ApiPropertyOptional() @Optional() @IsBoolean() send_request_receipt_notification?: boolean;
  @ApiPropertyOptional() @Optional() @IsBoolean() send_request_review_notification?: boolean;
  @ApiPropertyOptional() @Optional() @IsBoolean() send_request_completion_notification?: boolean;
}

export class ExecutionPatchDto {
  @ApiPropertyOptional() @Optional() @IsBoolean() subject_identity_verification_required?: boolean;
  @ApiPropertyOptional() @Optional() @IsBoolean() require_manual_request_approval?: boolean;
}

/** Body of PATCH /config: Fides' application-config shape, only the keys Herald knows (others → 422). */
export class ConfigPatchDto {
  @ApiPropertyOptional({ type: NotificationsPatchDto })
  @Optional()
  @ValidateNested()
  @Type(() => NotificationsPatchDto)
  notifications?: NotificationsPatchDto;

  @ApiPropertyOptional({ type: ExecutionPatchDto })
  @Optional()
  @ValidateNested()
  @Type(() => ExecutionPatchDto)
  execution?: ExecutionPatchDto;
}

@ObjectType('NotificationSettings', { description: 'The effective notification switches (environment defaults, then stored overrides)' })
export class NotificationSettingsObject {
  @Field(() => MessagingServiceType, { nullable: true }) notificationServiceType: MessagingServiceType | null;
  @Field() sendRequestReceiptNotification: boolean;
  @Field() sendRequestReviewNotification: boolean;
  @Field() sendRequestCompletionNotification: boolean;
  @Field() subjectIdentityVerificationRequired: boolean;
  @Field() requireManualRequestApproval: boolean;
}

@InputType()
export class NotificationSettingsInput {
  @Field(() => MessagingServiceType, { nullable: true }) @Optional() @OneOf(SERVICE_TYPES) notificationServiceType?: MessagingServiceType | null;
  @Field({ nullable: true }) @Optional() @IsBoolean() sendRequestReceiptNotification?: boolean;
  @Field({ nullable: true }) @Optional() @IsBoolean() sendRequestReviewNotification?: boolean;
  @Field({ nullable: true }) @Optional() @IsBoolean() sendRequestCompletionNotification?: boolean;
  @Field({ nullable: true }) @Optional() @IsBoolean() subjectIdentityVerificationRequired?: boolean;
  @Field({ nullable: true }) @Optional() @IsBoolean() requireManualRequestApproval?: boolean;
}
