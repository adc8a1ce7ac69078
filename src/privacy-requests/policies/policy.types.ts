import type { ActionType } from './policy.entity.js';

// The service's types, on their own so that policy.mapper.ts can use them without importing the service, which
// re-exports the mapper's `toPolicyResponse` (no cycle, docs/architecture.md rule 6).

export interface MaskingStrategy {
  strategy: string;
  configuration: Record<string, unknown>;
}
export interface RuleTarget {
  key: string;
  name: string | null;
  dataCategory: string;
}
export interface PolicyRule {
  key: string;
  name: string;
  actionType: ActionType;
  maskingStrategy: MaskingStrategy | null;
  targets: RuleTarget[];
}
export interface Policy {
  id: string;
  key: string;
  name: string;
  executionTimeframe: number | null;
  drpAction: string | null;
  rules: PolicyRule[];
}

/** Create-or-update items, validated by the transport. */
export interface PolicyInput {
  name: string;
  key: string | null;
  executionTimeframe: number | null;
  drpAction: string | null;
}
export interface RuleInput {
  name: string;
  key: string | null;
  actionType: ActionType;
  maskingStrategy: MaskingStrategy | null;
  /** Accepted for compatibility and ignored: access packages go to Herald's own storage. */
  storageDestinationKey: string | null;
}
export interface RuleTargetInput {
  name: string | null;
  key: string | null;
  dataCategory: string;
}

export interface BulkResult<T, I> {
  succeeded: T[];
  failed: { message: string; input: I }[];
}
