import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsISO8601, IsObject, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { FidesKey, MAX_LENGTH, MaxItems, MaxLen, OneOf, Optional, QueryBoolean, Required } from '../../common/validation/fides-validators.js';
import { PRIVACY_REQUEST_STATUSES, type PrivacyRequestStatus } from '../requests/privacy-request.entity.js';
import { BcpLocale } from './locale.validator.js';

const E164 = /^\+[1-9]\d{1,14}$/;
const datetime = { message: 'invalid datetime format', context: { type: 'value_error.datetime' } };

/** Fides' Identity: an email and/or a phone number in E.164. */
export class IdentityDto {
  @ApiPropertyOptional({ nullable: true, example: 'subject@example.com', maxLength: MAX_LENGTH.email })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.email)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '+15558675309' })
  @Optional()
  @IsString()
  @Matches(E164, { message: 'Identity phone number must be formatted in E.164 format. E.g +15558675309', context: { type: 'value_error' } })
  phone_number?: string | null;
}

/** One item of `POST /privacy-request` (Fides' PrivacyRequestCreate). */
export class PrivacyRequestCreateDto {
  @ApiProperty({ type: IdentityDto })
  @Required()
  @IsObject()
  @ValidateNested()
  @Type(() => IdentityDto)
  identity: IdentityDto;

  @ApiProperty({ example: 'default_erasure_policy' })
  @Required()
  @IsString()
  @FidesKey()
  policy_key: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @Optional()
  @IsISO8601({}, datetime)
  requested_at?: string | null;

  @ApiPropertyOptional({ nullable: true, maxLength: MAX_LENGTH.short })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  external_id?: string | null;

  @ApiPropertyOptional({ format: 'date-time' })
  @Optional()
  @IsISO8601({}, datetime)
  started_processing_at?: string | null;

  @ApiPropertyOptional({ format: 'date-time' })
  @Optional()
  @IsISO8601({}, datetime)
  finished_processing_at?: string | null;

  @ApiPropertyOptional({ description: 'Accepted for compatibility (16 bytes); Herald seals access packages with its own key' })
  @Optional()
  @IsString()
  @Length(16, 16, { message: 'Encryption key must be 16 bytes long', context: { type: 'value_error' } })
  encryption_key?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    maxLength: 35,
    example: 'es-MX',
    description: "Herald's own (decision D32): the BCP 47 tag the subject's messages are written in (exact, then language, then the base text)",
  })
  @Optional()
  @BcpLocale()
  locale?: string | null;
}

export class VerifyIdentityDto {
  @ApiProperty({ example: '123456', maxLength: MAX_LENGTH.code })
  @Required()
  @IsString()
  @MaxLen(MAX_LENGTH.code)
  code: string;
}

export class ReviewDto {
  @ApiProperty({ type: [String], maxItems: 50 })
  @Required()
  @IsArray()
  @MaxItems(50)
  @IsString({ each: true })
  @MaxLen(MAX_LENGTH.short, true)
  request_ids: string[];
}

export class DenyDto extends ReviewDto {
  @ApiPropertyOptional({ nullable: true, description: 'Told to the data subject and kept in the audit log', maxLength: MAX_LENGTH.text })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.text)
  reason?: string | null;
}

export const SORT_FIELDS = [
  'created_at',
  'updated_at',
  'requested_at',
  'started_processing_at',
  'finished_processing_at',
  'reviewed_at',
  'status',
  'id',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

const toList = ({ value }: { value: unknown }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

/** Query of `GET /privacy-request`. */
export class PrivacyRequestListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Prefix of the id, any case', maxLength: MAX_LENGTH.short })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  request_id?: string;
  @ApiPropertyOptional({ description: 'Prefix of the external id', maxLength: MAX_LENGTH.short })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  external_id?: string;
  @ApiPropertyOptional({ description: 'An email or phone number, matched exactly', maxLength: MAX_LENGTH.short })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  identity?: string;

  @ApiPropertyOptional({ enum: PRIVACY_REQUEST_STATUSES, isArray: true, description: 'Repeatable' })
  @Optional()
  @Transform(toList)
  @OneOf(PRIVACY_REQUEST_STATUSES, true)
  status?: PrivacyRequestStatus[];

  @ApiPropertyOptional({ format: 'date-time' }) @Optional() @IsISO8601({}, datetime) created_lt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @Optional() @IsISO8601({}, datetime) created_gt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @Optional() @IsISO8601({}, datetime) started_lt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @Optional() @IsISO8601({}, datetime) started_gt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @Optional() @IsISO8601({}, datetime) completed_lt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @Optional() @IsISO8601({}, datetime) completed_gt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @Optional() @IsISO8601({}, datetime) errored_lt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @Optional() @IsISO8601({}, datetime) errored_gt?: string;

  @ApiPropertyOptional({ description: 'Adds `results`: execution logs by dataset and audit logs' }) @Optional() @QueryBoolean() verbose?: boolean;
  @ApiPropertyOptional() @Optional() @QueryBoolean() include_identities?: boolean;

  @ApiPropertyOptional({ enum: SORT_FIELDS, default: 'created_at' })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  sort_field?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @Optional()
  @OneOf(['asc', 'desc'])
  sort_direction?: 'asc' | 'desc';
}
