import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ESTIMATED_TOTAL_DESCRIPTION } from '../../common/database/page-total.js';
import { PageOf, BulkResultOf } from '../../common/graphql-types.js';
import { Type } from 'class-transformer';
import { IsString, Matches, ValidateNested } from 'class-validator';
import { PageArgs } from '../../common/pagination.js';
import { FidesKey, MAX_LENGTH, MaxLen, Optional, Required } from '../../common/validation/fides-validators.js';
import { BcpLocale } from './locale.validator.js';

export enum PrivacyRequestStatusValue {
  IDENTITY_UNVERIFIED = 'identity_unverified',
  REQUIRES_INPUT = 'requires_input',
  PENDING = 'pending',
  APPROVED = 'approved',
  DENIED = 'denied',
  IN_PROCESSING = 'in_processing',
  COMPLETE = 'complete',
  PAUSED = 'paused',
  AWAITING_EMAIL_SEND = 'awaiting_email_send',
  CANCELED = 'canceled',
  ERROR = 'error',
}
registerEnumType(PrivacyRequestStatusValue, { name: 'PrivacyRequestStatus' });

@ObjectType('PrivacyRequestIdentity')
export class IdentityObject {
  @Field(() => String, { nullable: true }) email: string | null;
  @Field(() => String, { nullable: true }) phoneNumber: string | null;
}

@ObjectType('ExecutionLog')
export class ExecutionLogObject {
  @Field(() => String, { nullable: true }) datasetName: string | null;
  @Field(() => String, { nullable: true }) collectionName: string | null;
  @Field() actionType: string;
  @Field() status: string;
  @Field(() => String, { nullable: true }) message: string | null;
  @Field(() => [String], { description: 'Paths of the fields the policy targets' }) fieldsAffected: string[];
  @Field() updatedAt: Date;
}

@ObjectType('AuditLog')
export class AuditLogObject {
  @Field() action: string;
  @Field(() => String, { nullable: true }) userId: string | null;
  @Field(() => String, { nullable: true }) message: string | null;
  @Field() createdAt: Date;
}

@ObjectType('PrivacyRequest', { description: "A data subject's request; its identity is shown only when asked for" })
export class PrivacyRequestObject {
  @Field(() => ID) id: string;
  @Field(() => PrivacyRequestStatusValue) status: string;
  @Field() policyKey: string;
  @Field() policyName: string;
  @Field(() => String, { nullable: true }) externalId: string | null;
  @Field() requestedAt: Date;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) identityVerifiedAt: Date | null;
  @Field(() => Date, { nullable: true }) reviewedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'The client that reviewed it' }) reviewedBy: string | null;
  @Field(() => Date, { nullable: true }) startedProcessingAt: Date | null;
  @Field(() => Date, { nullable: true }) finishedProcessingAt: Date | null;
  @Field(() => Int, { nullable: true }) daysLeft: number | null;
  @Field(() => String, { nullable: true, description: 'The step a request in error stopped at (retry resumes there)' }) failedStep: string | null;
  @Field(() => String, { nullable: true }) failureReason: string | null;
  @Field(() => String, { nullable: true }) resumeEndpoint: string | null;
  @Field(() => String, { nullable: true, description: 'Decision D32: the BCP 47 tag its messages are written in (canonical)' }) locale: string | null;
  /** Internal: answered to a caller without a token (a data subject): the nested details are not shown. */
  anonymous?: boolean;
}

@ObjectType('PrivacyRequestPage')
export class PrivacyRequestPageObject extends PageOf(PrivacyRequestObject, ESTIMATED_TOTAL_DESCRIPTION) {}

@ObjectType('PrivacyRequestFailure')
export class PrivacyRequestFailureObject {
  @Field() message: string;
  @Field(() => String, { nullable: true }) policyKey: string | null;
  @Field(() => String, { nullable: true, description: 'Set when the request exists (e.g. its code could not be sent)' }) privacyRequestId: string | null;
  @Field(() => PrivacyRequestStatusValue, { nullable: true }) status: string | null;
}

@ObjectType('PrivacyRequestBulkResult')
export class PrivacyRequestBulkResultObject extends BulkResultOf(PrivacyRequestObject, PrivacyRequestFailureObject) {}

@InputType()
export class IdentityInput {
  @Field(() => String, { nullable: true }) @Optional() @IsString() @MaxLen(MAX_LENGTH.email) email?: string | null;

  @Field(() => String, { nullable: true, description: 'E.164, e.g. +15558675309' })
  @Optional()
  @IsString()
  @Matches(/^\+[1-9]\d{1,14}$/, { message: 'Identity phone number must be formatted in E.164 format. E.g +15558675309', context: { type: 'value_error' } })
  phoneNumber?: string | null;
}

@InputType()
export class PrivacyRequestInput {
  @Field(() => IdentityInput) @Required() @ValidateNested() @Type(() => IdentityInput) identity: IdentityInput;
  @Field() @Required() @IsString() @FidesKey() policyKey: string;
  @Field(() => Date, { nullable: true }) @Optional() requestedAt?: Date | null;
  @Field(() => String, { nullable: true }) @Optional() @IsString() @MaxLen(MAX_LENGTH.short) externalId?: string | null;
  @Field(() => String, { nullable: true, description: "Decision D32: the BCP 47 tag the subject's messages are written in, e.g. es-MX" })
  @Optional()
  @BcpLocale()
  locale?: string | null;
}

@ArgsType()
export class PrivacyRequestListArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Prefix of the id' }) @Optional() @IsString() @MaxLen(MAX_LENGTH.short) requestId?: string;
  @Field(() => String, { nullable: true, description: 'An email or phone number, matched exactly' })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  identity?: string;
  @Field(() => [PrivacyRequestStatusValue], { nullable: true }) @Optional() statuses?: PrivacyRequestStatusValue[];
  @Field(() => Date, { nullable: true }) @Optional() createdAfter?: Date;
  @Field(() => Date, { nullable: true }) @Optional() createdBefore?: Date;
}

@ObjectType('PrivacyRequestReviewFailure')
export class ReviewFailureObject {
  @Field() message: string;
  @Field(() => ID) privacyRequestId: string;
}

@ObjectType('PrivacyRequestReviewResult')
export class ReviewResultObject {
  @Field(() => [PrivacyRequestObject]) succeeded: PrivacyRequestObject[];
  @Field(() => [ReviewFailureObject]) failed: ReviewFailureObject[];
}
