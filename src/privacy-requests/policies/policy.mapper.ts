import type { Static } from '../../common/openapi.js';
import type {
  MaskingConfigurationInput,
  PolicyBulkResultObject,
  PolicyInput,
  PolicyObject,
  PolicyRuleObject,
  RuleBulkResultObject,
  RuleInput,
  RuleTargetBulkResultObject,
  RuleTargetInput,
} from './dto/policy.graphql.js';
import type { PolicyRequestDto, RuleRequestDto, RuleTargetRequestDto } from './dto/policy-request.dto.js';
import type { POLICY, POLICY_BULK_RESULT, RULE, RULE_BULK_RESULT, RULE_TARGET, RULE_TARGET_BULK_RESULT, RULE_WITH_TARGETS } from './policies.openapi.js';
import type { BulkResult, MaskingStrategy, Policy, PolicyCommand, PolicyRule, RuleCommand, RuleTarget, RuleTargetCommand } from './policy.types.js';

// Policies, rules and targets on the wire, both ways: REST in Fides' shapes (the schemas of policies.openapi.ts are
// the one source of them), GraphQL in its objects.

/** Fides' RuleResponse: the masking configuration is never shown, storage is Herald's own (null). */
export type RuleResponse = Static<typeof RULE>;
/** Fides' PolicyResponse, also the `policy` object of a PrivacyRequestResponse. */
export type PolicyResponse = Static<typeof POLICY>;
export type RuleTargetResponse = Static<typeof RULE_TARGET>;
/** Fides' RuleResponseWithTargets (the rule routes). */
export type RuleWithTargetsResponse = Static<typeof RULE_WITH_TARGETS>;

// REST in: the items of the bulk bodies.

export const policyCommandOf = (d: PolicyRequestDto): PolicyCommand => ({
  name: d.name,
  key: d.key ?? null,
  executionTimeframe: d.execution_timeframe ?? null,
  drpAction: d.drp_action ?? null,
});

export const ruleCommandOf = (d: RuleRequestDto): RuleCommand => ({
  name: d.name,
  key: d.key ?? null,
  actionType: d.action_type,
  maskingStrategy: d.masking_strategy ? { strategy: d.masking_strategy.strategy, configuration: d.masking_strategy.configuration } : null,
  storageDestinationKey: d.storage_destination_key ?? null,
});

export const ruleTargetCommandOf = (d: RuleTargetRequestDto): RuleTargetCommand => ({
  name: d.name ?? null,
  key: d.key ?? null,
  dataCategory: d.data_category,
});

// REST out.

/** Only the strategy's name: its configuration (keys, salts) is never shown, on either transport. */
const maskingShown = (m: MaskingStrategy | null) => (m ? { strategy: m.strategy } : null);

export const toRuleResponse = (r: PolicyRule): RuleResponse => ({
  name: r.name,
  key: r.key,
  action_type: r.actionType,
  storage_destination: null,
  masking_strategy: maskingShown(r.maskingStrategy),
});

export const toPolicyResponse = (p: Policy): PolicyResponse => ({
  name: p.name,
  key: p.key,
  drp_action: p.drpAction,
  execution_timeframe: p.executionTimeframe,
  rules: p.rules.map(toRuleResponse),
});

export const toRuleTargetResponse = (t: RuleTarget): RuleTargetResponse => ({ name: t.name, key: t.key, data_category: t.dataCategory });

export const toRuleWithTargetsResponse = (r: PolicyRule): RuleWithTargetsResponse => ({
  name: r.name,
  key: r.key,
  action_type: r.actionType,
  targets: r.targets.map(toRuleTargetResponse),
  storage_destination: null,
  masking_strategy: maskingShown(r.maskingStrategy),
});

// Failed items echo the item as parsed, every field present, as Fides' `dict(schema)`.
export const toPolicyBulkResponse = (r: BulkResult<Policy, PolicyCommand>): Static<typeof POLICY_BULK_RESULT> => ({
  succeeded: r.succeeded.map(toPolicyResponse),
  failed: r.failed.map((f) => ({
    message: f.message,
    data: { name: f.input.name, key: f.input.key, drp_action: f.input.drpAction, execution_timeframe: f.input.executionTimeframe },
  })),
});

export const toRuleBulkResponse = (r: BulkResult<PolicyRule, RuleCommand>): Static<typeof RULE_BULK_RESULT> => ({
  succeeded: r.succeeded.map(toRuleResponse),
  failed: r.failed.map((f) => ({
    message: f.message,
    data: {
      name: f.input.name,
      key: f.input.key,
      action_type: f.input.actionType,
      storage_destination_key: f.input.storageDestinationKey,
      masking_strategy: f.input.maskingStrategy && { strategy: f.input.maskingStrategy.strategy, configuration: f.input.maskingStrategy.configuration },
    },
  })),
});

export const toRuleTargetBulkResponse = (r: BulkResult<RuleTarget, RuleTargetCommand>): Static<typeof RULE_TARGET_BULK_RESULT> => ({
  succeeded: r.succeeded.map(toRuleTargetResponse),
  failed: r.failed.map((f) => ({ message: f.message, data: { name: f.input.name, key: f.input.key, data_category: f.input.dataCategory } })),
});

// GraphQL in.

export const policyCommandOfInput = (i: PolicyInput): PolicyCommand => ({
  name: i.name,
  key: i.key ?? null,
  executionTimeframe: i.executionTimeframe ?? null,
  drpAction: null,
});

export const ruleCommandOfInput = (i: RuleInput): RuleCommand => ({
  name: i.name,
  key: i.key ?? null,
  actionType: i.actionType,
  maskingStrategy: i.maskingStrategy ? { strategy: i.maskingStrategy.strategy, configuration: toConfiguration(i.maskingStrategy.configuration) } : null,
  storageDestinationKey: null,
});

export const ruleTargetCommandOfInput = (i: RuleTargetInput): RuleTargetCommand => ({ name: i.name ?? null, key: i.key ?? null, dataCategory: i.dataCategory });

/** The typed GraphQL configuration in the stored (Fides) shape; absent fields stay absent. */
function toConfiguration(c: MaskingConfigurationInput | null | undefined): Record<string, unknown> {
  const entries: [string, unknown][] = [
    ['rewrite_value', c?.rewriteValue],
    ['algorithm', c?.algorithm],
    ['length', c?.length],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== null));
}

// GraphQL out.

export const toRuleObject = (r: PolicyRule): PolicyRuleObject => ({
  key: r.key,
  name: r.name,
  actionType: r.actionType,
  maskingStrategy: maskingShown(r.maskingStrategy),
  targets: r.targets,
});

export const toPolicyObject = (p: Policy): PolicyObject => ({
  key: p.key,
  name: p.name,
  executionTimeframe: p.executionTimeframe,
  drpAction: p.drpAction,
  rules: p.rules.map(toRuleObject),
});

export const toPolicyBulkResultObject = (r: BulkResult<Policy, PolicyCommand>): PolicyBulkResultObject => ({
  succeeded: r.succeeded.map(toPolicyObject),
  failed: r.failed.map((f) => ({ message: f.message, data: { name: f.input.name, key: f.input.key, executionTimeframe: f.input.executionTimeframe } })),
});

export const toRuleBulkResultObject = (r: BulkResult<PolicyRule, RuleCommand>): RuleBulkResultObject => ({
  succeeded: r.succeeded.map(toRuleObject),
  failed: r.failed.map((f) => ({
    message: f.message,
    data: { name: f.input.name, key: f.input.key, actionType: f.input.actionType, maskingStrategy: maskingShown(f.input.maskingStrategy) },
  })),
});

export const toRuleTargetBulkResultObject = (r: BulkResult<RuleTarget, RuleTargetCommand>): RuleTargetBulkResultObject => ({
  succeeded: r.succeeded,
  failed: r.failed.map((f) => ({ message: f.message, data: f.input })),
});
