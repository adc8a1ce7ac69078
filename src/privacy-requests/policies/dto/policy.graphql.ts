import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { BulkResultOf, FailureOf, NamedInput, PageOf } from '../../../common/graphql-types.js';
import { Type } from 'class-transformer';
import { IsInt, IsString, ValidateNested } from 'class-validator';
import { FidesKey, MAX_LENGTH, MaxLen, Optional, Required } from '../../../common/validation/fides-validators.js';
import type { ActionType } from '../policy.entity.js';

export enum ActionTypeValue {
  ACCESS = 'access',
  ERASURE = 'erasure',
}
export enum MaskingStrategyNameValue {
  NULL_REWRITE = 'null_rewrite',
  STRING_REWRITE = 'string_rewrite',
  HASH = 'hash',
  RANDOM_STRING_REWRITE = 'random_string_rewrite',
  HMAC = 'hmac',
  AES_ENCRYPT = 'aes_encrypt',
}
registerEnumType(ActionTypeValue, { name: 'ActionType', description: 'What a privacy request under the rule does' });
registerEnumType(MaskingStrategyNameValue, { name: 'MaskingStrategyName', description: "How an erasure rule masks a value (Fides' strategies)" });

@ObjectType('MaskingStrategy', { description: 'The configuration is not shown, as in Fides' })
export class MaskingStrategyObject {
  @Field(() => MaskingStrategyNameValue) strategy: string;
}

@ObjectType('RuleTarget', { description: 'A data category a rule applies to' })
export class RuleTargetObject {
  @Field() key: string;
  @Field(() => String, { nullable: true }) name: string | null;
  @Field({ description: 'A key of the fideslang 1.3.1 taxonomy' }) dataCategory: string;
}

@ObjectType('PolicyRule')
export class PolicyRuleObject {
  @Field() key: string;
  @Field() name: string;
  @Field(() => ActionTypeValue) actionType: ActionType;
  @Field(() => MaskingStrategyObject, { nullable: true, description: 'Erasure rules only' }) maskingStrategy: MaskingStrategyObject | null;
  @Field(() => [RuleTargetObject]) targets: RuleTargetObject[];
}

@ObjectType('Policy', { description: 'The rules a privacy request is executed under' })
export class PolicyObject {
  @Field() key: string;
  @Field() name: string;
  @Field(() => Int, { nullable: true, description: 'Days a request has before it is due' }) executionTimeframe: number | null;
  @Field(() => String, { nullable: true, description: 'Always null: DRP is not supported' }) drpAction: string | null;
  @Field(() => [PolicyRuleObject], { description: 'Oldest first' }) rules: PolicyRuleObject[];
}

@ObjectType('PolicyPage')
export class PolicyPageObject extends PageOf(PolicyObject) {}

@InputType()
export class PolicyInput extends NamedInput {
  @Field(() => Int, { nullable: true }) @Optional() @IsInt() executionTimeframe?: number | null;
}

@InputType({ description: 'The configuration fields the strategies read; all optional but `rewriteValue` for STRING_REWRITE' })
export class MaskingConfigurationInput {
  @Field(() => String, { nullable: true }) @Optional() @IsString() @MaxLen(MAX_LENGTH.short) rewriteValue?: string | null;
  @Field(() => String, { nullable: true, description: 'SHA-256 or SHA-512 (HASH, HMAC)' }) @Optional() @IsString() @MaxLen(MAX_LENGTH.short) algorithm?:
    string | null;
  @Field(() => Int, { nullable: true, description: 'RANDOM_STRING_REWRITE' }) @Optional() @IsInt() length?: number | null;
}

@InputType()
export class MaskingStrategyInput {
  @Field(() => MaskingStrategyNameValue) @Required() strategy: MaskingStrategyNameValue;

  @Field(() => MaskingConfigurationInput, { nullable: true })
  @Optional()
  @ValidateNested()
  @Type(() => MaskingConfigurationInput)
  configuration?: MaskingConfigurationInput | null;
}

@InputType()
export class RuleInput extends NamedInput {
  @Field(() => ActionTypeValue) @Required() actionType: ActionTypeValue;

  @Field(() => MaskingStrategyInput, { nullable: true, description: 'Required on erasure rules, refused on access rules' })
  @Optional()
  @ValidateNested()
  @Type(() => MaskingStrategyInput)
  maskingStrategy?: MaskingStrategyInput | null;
}

@InputType()
export class RuleTargetInput {
  @Field(() => String, { nullable: true }) @Optional() @IsString() @MaxLen(MAX_LENGTH.name) name?: string | null;

  @Field(() => String, { nullable: true, description: 'FidesKey; from the name, else from the rule key and category' })
  @Optional()
  @IsString()
  @FidesKey()
  key?: string | null;

  @Field() @Required() @IsString() @MaxLen(MAX_LENGTH.key) dataCategory: string;
}

@ObjectType('PolicyFailedItem', { description: 'The item as it was given' })
export class PolicyFailedItemObject {
  @Field() name: string;
  @Field(() => String, { nullable: true }) key: string | null;
  @Field(() => Int, { nullable: true }) executionTimeframe: number | null;
}

@ObjectType('PolicyFailure')
export class PolicyFailureObject extends FailureOf(PolicyFailedItemObject) {}

@ObjectType('PolicyBulkResult')
export class PolicyBulkResultObject extends BulkResultOf(PolicyObject, PolicyFailureObject) {}

@ObjectType('RuleFailedItem', { description: 'The item as it was given' })
export class RuleFailedItemObject {
  @Field() name: string;
  @Field(() => String, { nullable: true }) key: string | null;
  @Field(() => ActionTypeValue) actionType: ActionType;
  @Field(() => MaskingStrategyObject, { nullable: true }) maskingStrategy: MaskingStrategyObject | null;
}

@ObjectType('RuleFailure')
export class RuleFailureObject extends FailureOf(RuleFailedItemObject) {}

@ObjectType('RuleBulkResult')
export class RuleBulkResultObject extends BulkResultOf(PolicyRuleObject, RuleFailureObject) {}

/** A failed target as given: its key may be missing. */
@ObjectType('RuleTargetFailedItem')
export class RuleTargetFailedItemObject {
  @Field(() => String, { nullable: true }) key: string | null;
  @Field(() => String, { nullable: true }) name: string | null;
  @Field() dataCategory: string;
}

@ObjectType('RuleTargetFailure')
export class RuleTargetFailureObject {
  @Field() message: string;
  @Field(() => RuleTargetFailedItemObject, { description: 'The item as it was given' }) data: RuleTargetFailedItemObject;
}

@ObjectType('RuleTargetBulkResult')
export class RuleTargetBulkResultObject extends BulkResultOf(RuleTargetObject, RuleTargetFailureObject) {}
