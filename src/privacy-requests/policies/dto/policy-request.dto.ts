import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsString, ValidateNested, validateSync } from 'class-validator';
import { RequestValidationError, type ValidationIssue } from '../../../common/errors/herald.error.js';
import { issuesOf, toInstance } from '../../../common/validation/fides-validation.pipe.js';
import { FidesKey, MAX_LENGTH, MaxLen, OneOf, Optional, Required } from '../../../common/validation/fides-validators.js';
import { MASKING_STRATEGY_NAMES } from '../masking-strategies.js';
import { ACTION_TYPES, type ActionType } from '../policy.entity.js';

/** Fides' DrpAction values: refused by the schema when unknown, by the item when known (DRP is out of scope). */
const DRP_ACTIONS = ['access', 'deletion', 'sale:opt_out', 'sale:opt_in', 'access:categories', 'access:specific'];

/** One item of `PATCH /dsr/policy` (Fides' Policy schema). */
export class PolicyRequestDto {
  @ApiProperty({ example: 'Primary Policy', maxLength: MAX_LENGTH.name })
  @Required()
  @IsString()
  @MaxLen(MAX_LENGTH.name)
  name: string;

  @ApiPropertyOptional({ nullable: true, description: 'FidesKey; generated from the name when omitted', example: 'primary_policy' })
  @Optional()
  @IsString()
  @FidesKey()
  key?: string | null;

  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Days a request has before it is due' })
  @Optional()
  @IsInt()
  execution_timeframe?: number | null;

  @ApiPropertyOptional({ nullable: true, enum: DRP_ACTIONS, description: 'DRP is not supported: only null is accepted' })
  @Optional()
  @OneOf(DRP_ACTIONS)
  drp_action?: string | null;
}

/** Fides' PolicyMaskingSpec: both parts required. */
export class MaskingStrategyDto {
  @ApiProperty({ enum: MASKING_STRATEGY_NAMES, example: 'null_rewrite' })
  @Required()
  @IsString()
  @MaxLen(MAX_LENGTH.short)
  strategy: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: {}, description: '`string_rewrite` needs `rewrite_value`' })
  @Required()
  @IsObject()
  configuration: Record<string, unknown>;
}

/** One item of `PATCH /dsr/policy/{policy_key}/rule` (Fides' RuleCreate). */
export class RuleRequestDto {
  @ApiProperty({ example: 'Erase user data', maxLength: MAX_LENGTH.name })
  @Required()
  @IsString()
  @MaxLen(MAX_LENGTH.name)
  name: string;

  @ApiPropertyOptional({ nullable: true, description: 'FidesKey; generated from the name when omitted' })
  @Optional()
  @IsString()
  @FidesKey()
  key?: string | null;

  @ApiProperty({ enum: ACTION_TYPES })
  @Required()
  @OneOf(ACTION_TYPES)
  action_type: ActionType;

  @ApiPropertyOptional({ nullable: true, description: 'Accepted and ignored: access packages are kept by Herald' })
  @Optional()
  @IsString()
  @FidesKey()
  storage_destination_key?: string | null;

  @ApiPropertyOptional({ nullable: true, type: MaskingStrategyDto, description: 'Required on erasure rules, refused on access rules' })
  @Optional()
  @ValidateNested()
  @Type(() => MaskingStrategyDto)
  masking_strategy?: MaskingStrategyDto | null;
}

/** One item of `PATCH …/rule/{rule_key}/target` (Fides' RuleTarget schema). */
export class RuleTargetRequestDto {
  @ApiPropertyOptional({ nullable: true, maxLength: MAX_LENGTH.name })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.name)
  name?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'FidesKey; from the name, else from the rule key and category' })
  @Optional()
  @IsString()
  @FidesKey()
  key?: string | null;

  @ApiProperty({ description: 'A key of the fideslang 1.3.1 data-category taxonomy', example: 'user.contact.email' })
  @Required()
  @IsString()
  @MaxLen(MAX_LENGTH.key)
  data_category: string;
}

/**
 * A bulk body validated item by item, as `validateList`, except that unknown fields are dropped: Fides' policy
 * schemas ignore them (its own tests send `action_type` to the policy route), so clients written for it do too.
 */
export function validateLenientList<T extends object>(type: new () => T, value: unknown, loc: (string | number)[], maxItems: number): T[] {
  if (!Array.isArray(value)) throw new RequestValidationError([{ loc, msg: 'value is not a valid list', type: 'type_error.list' }]);
  if (value.length > maxItems) {
    throw new RequestValidationError([{ loc, msg: `ensure this value has at most ${maxItems} items`, type: 'value_error.list.max_items' }]);
  }
  const issues: ValidationIssue[] = [];
  const items = value.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      issues.push({ loc: [...loc, index], msg: 'value is not a valid dict', type: 'type_error.dict' });
      return undefined as never;
    }
    let instance: T;
    try {
      instance = toInstance(type, item, [...loc, index]);
    } catch (error) {
      if (!(error instanceof RequestValidationError)) throw error;
      issues.push(...error.issues);
      return undefined as never;
    }
    const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: false, validationError: { target: false, value: false } });
    issues.push(...issuesOf(errors, [...loc, index]));
    return instance;
  });
  if (issues.length > 0) throw new RequestValidationError(issues);
  return items;
}
