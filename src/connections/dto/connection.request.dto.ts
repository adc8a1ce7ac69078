import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsString } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { FidesKey, MAX_LENGTH, MaxLen, OneOf, Optional, QueryBoolean, Required } from '../../common/validation/fides-validators.js';
import { AccessLevel, ConnectionType, TestStatusFilter } from '../connection.types.js';

// REST request DTOs of the connection routes (bodies and queries). The secrets body is Fides' EmailSchema, which the
// service checks itself (../connection-secrets.ts); the mappers into the service's commands are in ../connection.mapper.ts.

const CONNECTION_TYPES = Object.values(ConnectionType);
const ACCESS_LEVELS = Object.values(AccessLevel);
const TEST_STATUSES = Object.values(TestStatusFilter);

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

/** The query of `PUT /connection/{key}/secret`. */
export class VerifyQuery {
  @Optional()
  @QueryBoolean()
  verify: boolean = true;
}
