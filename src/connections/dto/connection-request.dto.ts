import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsString } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { Email, FidesKey, MAX_LENGTH, MaxLen, OneOf, Optional, QueryBoolean, Required } from '../../common/validation/fides-validators.js';
import { ACCESS_LEVELS, CONNECTION_TYPES, type AccessLevel, type ConnectionType } from '../connection.entity.js';
import type { ConnectionInput, ConnectionFilter, TestStatusFilter } from '../connection.types.js';

/** One item of `PATCH /connection` (Fides' CreateConnectionConfiguration). */
export class ConnectionRequestDto {
  @ApiProperty({ example: 'Third Party Email Connector', maxLength: MAX_LENGTH.name })
  @Required()
  @IsString()
  @MaxLen(MAX_LENGTH.name)
  name: string;

  @ApiPropertyOptional({ nullable: true, description: 'FidesKey; generated from the name when omitted', example: 'third_party_email_connector' })
  @Optional()
  @IsString()
  @FidesKey()
  key?: string | null;

  @ApiProperty({ enum: CONNECTION_TYPES, description: 'Herald keeps email connectors only (decision D14)' })
  @Required()
  @OneOf(CONNECTION_TYPES)
  connection_type: ConnectionType;

  @ApiProperty({ enum: ACCESS_LEVELS, description: '`write` lets erasure requests email this third party' })
  @Required()
  @OneOf(ACCESS_LEVELS)
  access: AccessLevel;

  @ApiPropertyOptional({ default: false })
  @Optional()
  @IsBoolean()
  disabled?: boolean | null;

  @ApiPropertyOptional({ nullable: true, maxLength: MAX_LENGTH.text })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.text)
  description?: string | null;
}

export const toConnectionInput = (dto: ConnectionRequestDto): ConnectionInput => ({
  name: dto.name,
  key: dto.key ?? null,
  connectionType: dto.connection_type,
  access: dto.access,
  disabled: dto.disabled ?? false,
  description: dto.description ?? null,
});

const TEST_STATUSES: readonly TestStatusFilter[] = ['passed', 'failed', 'untested'];
const SYSTEM_TYPES = ['saas', 'database', 'manual'] as const;

/** Query of `GET /connection`. */
export class ConnectionListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of the key, name or description', maxLength: MAX_LENGTH.short })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  search?: string;

  @ApiPropertyOptional({ type: [String], description: 'Repeatable, any case' })
  @Optional()
  @Transform(({ value }: { value: unknown }): unknown[] => (Array.isArray(value) ? (value as unknown[]) : [value]))
  @IsString({ each: true })
  @MaxLen(MAX_LENGTH.short, true)
  connection_type?: string[];

  @ApiPropertyOptional()
  @Optional()
  @QueryBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ enum: TEST_STATUSES })
  @Optional()
  @OneOf(TEST_STATUSES)
  test_status?: TestStatusFilter;

  @ApiPropertyOptional({ enum: SYSTEM_TYPES, description: 'As Fides: email connectors count as `database`' })
  @Optional()
  @OneOf(SYSTEM_TYPES)
  system_type?: (typeof SYSTEM_TYPES)[number];
}

export const toConnectionFilter = (q: ConnectionListQuery): ConnectionFilter => ({
  search: q.search,
  connectionTypes: q.connection_type,
  disabled: q.disabled,
  testStatus: q.test_status,
  // Fides' `database` is every type but saas and manual, so it keeps email connectors; the others keep none.
  none: q.system_type !== undefined && q.system_type !== 'database',
});

/** Email connector secrets (Fides' EmailSchema): where erasure instructions go, and where a test email goes. */
export class EmailSecretsDto {
  @ApiProperty({ example: 'privacy@thirdparty.example' })
  @Required()
  @IsString()
  @Email()
  to_email: string;

  @ApiPropertyOptional({ nullable: true, example: 'you@example.com' })
  @Optional()
  @IsString()
  @Email()
  test_email?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Accepted for compatibility and ignored', maxLength: MAX_LENGTH.url })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.url)
  url?: string | null;
}
