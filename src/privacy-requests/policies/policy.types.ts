import type { ActionType } from './policy.entity.js';

// The service's domain types and commands, on their own so that the mapper can use them without importing the
// service.

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

/** Create-or-update commands, built by the transports from their validated input. */
export interface PolicyCommand {
  name: string;
  key: string | null;
  executionTimeframe: number | null;
  drpAction: string | null;
}
export interface RuleCommand {
  name: string;
  key: string | null;
  actionType: ActionType;
  maskingStrategy: MaskingStrategy | null;
  /** Accepted for compatibility and ignored: access packages go to Herald's own storage. */
  storageDestinationKey: string | null;
}
export interface RuleTargetCommand {
  name: string | null;
  key: string | null;
  dataCategory: string;
}

/** Fides' bulk outcome: the stored items, and the refused commands with the reason. */
export interface BulkResult<T, I> {
  succeeded: T[];
  failed: { message: string; input: I }[];
}
