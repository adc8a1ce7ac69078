import type { BulkResult, Policy, PolicyInput, PolicyRule, RuleInput, RuleTarget, RuleTargetInput } from './policy.types.js';

/** Fides' RuleResponse: the masking configuration is never shown, storage is Herald's own (null). */
export interface RuleResponse {
  name: string;
  key: string;
  action_type: string;
  storage_destination: null;
  masking_strategy: { strategy: string } | null;
}

/** Fides' PolicyResponse, also the `policy` object of a PrivacyRequestResponse. */
export interface PolicyResponse {
  name: string;
  key: string;
  drp_action: string | null;
  execution_timeframe: number | null;
  rules: RuleResponse[];
}

export interface RuleTargetResponse {
  name: string | null;
  key: string;
  data_category: string;
}

/** Fides' RuleResponseWithTargets (the rule routes). */
export interface RuleWithTargetsResponse {
  name: string;
  key: string;
  action_type: string;
  targets: RuleTargetResponse[];
  storage_destination: null;
  masking_strategy: { strategy: string } | null;
}

export const toRuleResponse = (r: PolicyRule): RuleResponse => ({
  name: r.name,
  key: r.key,
  action_type: r.actionType,
  storage_destination: null,
  masking_strategy: r.maskingStrategy ? { strategy: r.maskingStrategy.strategy } : null,
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
  masking_strategy: r.maskingStrategy ? { strategy: r.maskingStrategy.strategy } : null,
});

// Failed items echo the item as parsed, every field present, as Fides' `dict(schema)`.
export const toPolicyBulkResponse = (r: BulkResult<Policy, PolicyInput>) => ({
  succeeded: r.succeeded.map(toPolicyResponse),
  failed: r.failed.map((f) => ({
    message: f.message,
    data: { name: f.input.name, key: f.input.key, drp_action: f.input.drpAction, execution_timeframe: f.input.executionTimeframe },
  })),
});

export const toRuleBulkResponse = (r: BulkResult<PolicyRule, RuleInput>) => ({
  succeeded: r.succeeded.map(toRuleResponse),
  failed: r.failed.map((f) => ({
    message: f.message,
    data: {
      name: f.input.name,
      key: f.input.key,
      action_type: f.input.actionType,
      storage_destination_key: f.input.storageDestinationKey,
      masking_strategy: f.input.maskingStrategy,
    },
  })),
});

export const toRuleTargetBulkResponse = (r: BulkResult<RuleTarget, RuleTargetInput>) => ({
  succeeded: r.succeeded.map(toRuleTargetResponse),
  failed: r.failed.map((f) => ({ message: f.message, data: { name: f.input.name, key: f.input.key, data_category: f.input.dataCategory } })),
});
