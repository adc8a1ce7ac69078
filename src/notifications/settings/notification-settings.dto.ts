import { applyDecorators } from '@nestjs/common';
import { Field, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsBoolean, ValidateNested } from 'class-validator';
import { MessagingServiceType } from '../../common/messaging-service-type.graphql.js';
import { parseMessagingServiceType } from '../../common/messaging-service-type.js';
import { MaxItems, OneOf, Optional } from '../../common/validation/fides-validators.js';

const SERVICE_TYPES = Object.values(MessagingServiceType);
const toServiceType = ({ value }: { value: unknown }) => (typeof value === 'string' ? (parseMessagingServiceType(value) ?? value) : value);
const toServiceTypes = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((item: unknown) => toServiceType({ value: item })) : value);
/** Longer than any chain can usefully be (each type once); bounds the work of a hostile list. */
const MAX_CHAIN = 10;
const CHAIN_DESCRIPTION = (channel: string) =>
  `Decision D29: after a retryable failure, later attempts turn to these ${channel} providers in order (those with a config and secrets). ` +
  'Any case; null puts back the environment default';

/** A fallback chain over REST: a list of service types, any case (its channel is checked by the service). */
const FallbackChain = (channel: string) =>
  applyDecorators(
    ApiPropertyOptional({ enum: SERVICE_TYPES, isArray: true, nullable: true, description: CHAIN_DESCRIPTION(channel) }),
    Optional(),
    Transform(toServiceTypes),
    IsArray(),
    MaxItems(MAX_CHAIN),
    OneOf(SERVICE_TYPES, true),
  );

export class NotificationsPatchDto {
  @ApiPropertyOptional({ enum: SERVICE_TYPES, nullable: true, description: 'Any case; twilio_sms is an alias; null unsets it' })
  @Optional()
  @Transform(toServiceType)
  @OneOf(SERVICE_TYPES)
  notification_service_type?: MessagingServiceType | null;

  @ApiPropertyOptional() @Optional() @IsBoolean() send_request_receipt_notification?: boolean;
  @ApiPropertyOptional() @Optional() @IsBoolean() send_request_review_notification?: boolean;
  @ApiPropertyOptional() @Optional() @IsBoolean() send_request_completion_notification?: boolean;
  @FallbackChain('email') email_fallback_service_types?: MessagingServiceType[] | null;
  @FallbackChain('sms') sms_fallback_service_types?: MessagingServiceType[] | null;
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
  @Field(() => [MessagingServiceType], { description: 'Decision D29: where later attempts of an email turn after a retryable failure, in order' })
  emailFallbackServiceTypes: MessagingServiceType[];
  @Field(() => [MessagingServiceType], { description: 'Decision D29: the same for text messages' })
  smsFallbackServiceTypes: MessagingServiceType[];
  @Field() subjectIdentityVerificationRequired: boolean;
  @Field() requireManualRequestApproval: boolean;
}

@InputType()
export class NotificationSettingsInput {
  @Field(() => MessagingServiceType, { nullable: true }) @Optional() @OneOf(SERVICE_TYPES) notificationServiceType?: MessagingServiceType | null;
  @Field({ nullable: true }) @Optional() @IsBoolean() sendRequestReceiptNotification?: boolean;
  @Field({ nullable: true }) @Optional() @IsBoolean() sendRequestReviewNotification?: boolean;
  @Field({ nullable: true }) @Optional() @IsBoolean() sendRequestCompletionNotification?: boolean;
  @Field(() => [MessagingServiceType], { nullable: true, description: 'Email types only; null puts back the environment default' })
  @Optional()
  @MaxItems(MAX_CHAIN)
  emailFallbackServiceTypes?: MessagingServiceType[] | null;
  @Field(() => [MessagingServiceType], { nullable: true, description: 'SMS types only; null puts back the environment default' })
  @Optional()
  @MaxItems(MAX_CHAIN)
  smsFallbackServiceTypes?: MessagingServiceType[] | null;
  @Field({ nullable: true }) @Optional() @IsBoolean() subjectIdentityVerificationRequired?: boolean;
  @Field({ nullable: true }) @Optional() @IsBoolean() requireManualRequestApproval?: boolean;
}

/** Fides' MessagingMethod, for messagingDefaultStatus. */
export enum MessagingMethodArg {
  EMAIL = 'email',
  SMS = 'sms',
}
registerEnumType(MessagingMethodArg, { name: 'MessagingMethod' });

@ObjectType('MessagingDefaultStatus', { description: 'Whether the active default messaging config could send (GET /messaging/default/status)' })
export class MessagingDefaultStatusObject {
  @Field({ description: '`configured` or `not configured`' }) configStatus: string;
  @Field() configured: boolean;
  @Field({ description: 'Why, in words' }) detail: string;
}
