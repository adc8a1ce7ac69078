import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { MessagingConfigObject } from '../messaging-config/index.js';
import { ESTIMATED_TOTAL_DESCRIPTION } from '../common/database/page-total.js';
import { PageOf } from '../common/graphql-types.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsString, Matches, ValidateNested } from 'class-validator';
import { MessagingServiceType } from '../common/messaging-service-type.graphql.js';
import { parseMessagingServiceType } from '../common/messaging-service-type.js';
import { PageArgs, PageQuery } from '../common/pagination.js';
import { Email, MAX_LENGTH, MaxLen, OneOf, Optional, Required } from '../common/validation/fides-validators.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from './events/delivery-status.js';
import { MessagingActionType } from './templates/messaging-action-type.js';

const STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
const ACTION_TYPES = Object.values(MessagingActionType);
const SERVICE_TYPES = Object.values(MessagingServiceType);
const PHONE = /^\+[1-9]\d{1,14}$/;
const PHONE_MESSAGE = { message: 'Phone number must be in E.164 format, e.g. +15558675309', context: { type: 'value_error' } };

export class MessagesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STATUSES }) @Optional() @OneOf(STATUSES) status?: (typeof STATUSES)[number];
  @ApiPropertyOptional({ enum: ACTION_TYPES }) @Optional() @OneOf(ACTION_TYPES) action_type?: MessagingActionType;
  @ApiPropertyOptional({ maxLength: MAX_LENGTH.short }) @Optional() @IsString() @MaxLen(MAX_LENGTH.short) privacy_request_id?: string;
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES }) @Optional() @OneOf(DELIVERY_STATUSES) delivery_status?: DeliveryStatus;
}

/** Body of POST /messaging/config/test (decision D15). */
export class TestMessageRequestDto {
  @ApiProperty({ enum: SERVICE_TYPES, description: 'Any case; twilio_sms is an alias' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseMessagingServiceType(value) ?? value) : value))
  @Required()
  @OneOf(SERVICE_TYPES)
  service_type: MessagingServiceType;

  @ApiPropertyOptional({ description: 'Recipient for email service types' }) @Optional() @IsString() @Email() email?: string;
  @ApiPropertyOptional({ description: 'Recipient for TWILIO_TEXT, E.164' }) @Optional() @IsString() @Matches(PHONE, PHONE_MESSAGE) phone_number?: string;
}

/** `to_identity` of POST /messaging/test/{service_type} (decision D31): the recipient for the type's channel. */
export class ToIdentityDto {
  @ApiPropertyOptional({ description: 'Recipient for email service types' }) @Optional() @IsString() @Email() email?: string;
  @ApiPropertyOptional({ description: 'Recipient for twilio_text, E.164' }) @Optional() @IsString() @Matches(PHONE, PHONE_MESSAGE) phone_number?: string;
}

/** Body of POST /messaging/test/{service_type} (Fides' later test route, decision D31). */
export class MessagingTestRequestDto {
  @ApiProperty({ type: ToIdentityDto })
  @Required()
  @ValidateNested()
  @Type(() => ToIdentityDto)
  to_identity: ToIdentityDto;
}

/** Query of GET /messaging/default/status. */
export class MessagingDefaultStatusQuery {
  @ApiPropertyOptional({ enum: ['email', 'sms'] }) @Optional() @OneOf(['email', 'sms']) messaging_method?: 'email' | 'sms';
}

@ObjectType('MessageAttempt')
export class MessageAttemptObject {
  @Field(() => Int) number: number;
  @Field() outcome: string;
  @Field(() => Int, { nullable: true }) statusCode: number | null;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => MessagingServiceType, { nullable: true, description: 'The provider this attempt went to; null when it failed before one was chosen' })
  serviceType: string | null;
  @Field() startedAt: Date;
  @Field() finishedAt: Date;
}

@ObjectType('MessageEvent', { description: "A provider's delivery event (decision D27)" })
export class MessageEventObject {
  @Field({ description: 'deferred, delivered, undelivered, bounced or complained' }) type: string;
  @Field(() => MessagingServiceType) serviceType: string;
  @Field() occurredAt: Date;
  @Field() receivedAt: Date;
  @Field(() => String, { nullable: true, description: "The provider's words, the recipient redacted" }) reason: string | null;
}

@ObjectType('Message', { description: 'A message in the outbox; the recipient is masked' })
export class MessageObject {
  @Field(() => ID) id: string;
  @Field(() => MessagingActionType) actionType: string;
  @Field(() => MessagingServiceType, { nullable: true }) serviceType: string | null;
  @Field(() => String, { nullable: true }) channel: string | null;
  @Field() status: string;
  @Field({ description: 'unknown until a delivery event came, then deferred, delivered, undelivered, bounced or complained (the highest seen)' })
  deliveryStatus: string;
  @Field(() => String, { nullable: true }) recipient: string | null;
  @Field(() => String, { nullable: true }) privacyRequestId: string | null;
  @Field(() => Int) attempts: number;
  @Field(() => String, { nullable: true }) providerMessageId: string | null;
  @Field(() => String, { nullable: true }) failureReason: string | null;
  @Field(() => String, { nullable: true, description: "Decision D32: the locale asked for (its privacy request's BCP 47 tag)" })
  requestedLocale: string | null;
  @Field(() => String, { nullable: true, description: 'Decision D32: the locale its text was rendered in ("" for the base text); null until rendered' })
  locale: string | null;
  @Field() createdAt: Date;
  @Field() updatedAt: Date;
  @Field(() => Date, { nullable: true }) sentAt: Date | null;
  @Field(() => [MessageAttemptObject], { nullable: true, description: 'Every attempt (only on message(id))' }) attemptLog?: MessageAttemptObject[];
  @Field(() => [MessageEventObject], { nullable: true, description: 'Every delivery event, oldest first (only on message(id))' }) events?: MessageEventObject[];
}

@ObjectType('MessagePage')
export class MessagePageObject extends PageOf(MessageObject, ESTIMATED_TOTAL_DESCRIPTION) {}

@ArgsType()
export class MessageFilterArgs extends PageArgs {
  @Field(() => String, { nullable: true }) @Optional() @OneOf(STATUSES) status?: (typeof STATUSES)[number];
  @Field(() => MessagingActionType, { nullable: true }) @Optional() @OneOf(ACTION_TYPES) actionType?: MessagingActionType;
  @Field(() => String, { nullable: true }) @Optional() @IsString() @MaxLen(MAX_LENGTH.short) privacyRequestId?: string;
  @Field(() => String, { nullable: true }) @Optional() @OneOf(DELIVERY_STATUSES) deliveryStatus?: DeliveryStatus;
}

/** The arguments of the `messageUpdated` subscription: each one given must match. */
@ArgsType()
export class MessageUpdatesArgs {
  @Field(() => String, { nullable: true, description: 'queued, sending, sent or failed' }) @Optional() @OneOf(STATUSES) status?: (typeof STATUSES)[number];
  @Field(() => String, { nullable: true }) @Optional() @OneOf(DELIVERY_STATUSES) deliveryStatus?: DeliveryStatus;
  @Field(() => MessagingActionType, { nullable: true }) @Optional() @OneOf(ACTION_TYPES) actionType?: MessagingActionType;
  @Field(() => String, { nullable: true }) @Optional() @IsString() @MaxLen(MAX_LENGTH.short) privacyRequestId?: string;
}

@ObjectType('ProviderCircuit', {
  description: "A provider's circuit breaker (decision D29). Kept in the database (provider_circuit), shared by every instance: the same answer from each",
})
export class ProviderCircuitObject {
  @Field(() => MessagingServiceType) serviceType: string;
  @Field({ description: 'closed (sending), open (skipped while another provider can send) or half_open (the open time passed; the next send is the trial)' })
  state: string;
  @Field(() => Date, { nullable: true, description: 'Until when it is (or was, when half_open) open; null when closed' }) openUntil: Date | null;
  @Field(() => Int, { nullable: true, description: 'Retryable failures in a row within the last minute (5 open it)' }) recentFailures: number | null;
}

@InputType()
export class TestMessageInput {
  @Field(() => MessagingServiceType) @Required() @OneOf(SERVICE_TYPES) serviceType: MessagingServiceType;
  @Field({ nullable: true }) @Optional() @IsString() @Email() email?: string;
  @Field({ nullable: true }) @Optional() @IsString() @Matches(PHONE, PHONE_MESSAGE) phoneNumber?: string;
}

@ObjectType('TestMessageResult')
export class TestMessageResultObject {
  @Field(() => ID) messageId: string;
  @Field({ description: 'sent, failed, or queued when the first attempt failed and a retry is scheduled' }) status: string;
  @Field(() => String, { nullable: true }) failureReason: string | null;
}

@InputType({ description: "The recipient of testMessagingService, for the service type's channel" })
export class ToIdentityInput {
  @Field({ nullable: true }) @Optional() @IsString() @Email() email?: string;
  @Field({ nullable: true, description: 'E.164, for TWILIO_TEXT' }) @Optional() @IsString() @Matches(PHONE, PHONE_MESSAGE) phoneNumber?: string;
}

@ObjectType('MessagingServiceTest', { description: 'The recorded outcome of testMessagingService (decision D31)' })
export class MessagingServiceTestObject {
  @Field({ description: 'Whether the first attempt sent the message' }) succeeded: boolean;
  @Field({ description: "Fides' words: the success text, or why the message was not sent" }) details: string;
  @Field(() => MessagingConfigObject, { description: 'The config, its lastTestTimestamp and lastTestSucceeded updated' }) config: MessagingConfigObject;
}
