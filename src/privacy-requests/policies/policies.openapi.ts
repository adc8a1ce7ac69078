import { alwaysNull, anyObject, arrayOf, bulkResultOf, enumOf, integer, model, nullable, object, string } from '../../common/openapi.js';
import { ACTION_TYPES } from './policy.entity.js';

const ACTION_TYPE = enumOf(ACTION_TYPES);
/** Only the strategy's name: its configuration (keys, salts) is never shown. */
const MASKING_STRATEGY = nullable(object({ strategy: string }));
const STORAGE_DESTINATION = alwaysNull('Always null: access packages go to Herald’s own storage');

const RULE_FIELDS = { name: string, key: string, action_type: ACTION_TYPE, storage_destination: STORAGE_DESTINATION, masking_strategy: MASKING_STRATEGY };

export const RULE_TARGET = model('RuleTarget', object({ name: nullable(string), key: string, data_category: string }));
export const RULE = model('Rule', object(RULE_FIELDS));
export const RULE_WITH_TARGETS = model('RuleWithTargets', object({ ...RULE_FIELDS, targets: arrayOf(RULE_TARGET) }));

/** Fides' PolicyResponse, also the `policy` of a privacy request. */
export const POLICY = model(
  'Policy',
  object({ name: string, key: string, drp_action: nullable(string), execution_timeframe: nullable(integer), rules: arrayOf(RULE) }),
);

// A refused item is echoed as parsed, every field present (the key null when none was given).
export const POLICY_BULK_RESULT = model(
  'PolicyBulkResult',
  bulkResultOf(POLICY, object({ name: string, key: nullable(string), drp_action: nullable(string), execution_timeframe: nullable(integer) })),
);
export const RULE_BULK_RESULT = model(
  'RuleBulkResult',
  bulkResultOf(
    RULE,
    object({ name: string, key: nullable(string), action_type: ACTION_TYPE, storage_destination_key: nullable(string), masking_strategy: nullable(anyObject) }),
  ),
);
export const RULE_TARGET_BULK_RESULT = model(
  'RuleTargetBulkResult',
  bulkResultOf(RULE_TARGET, object({ name: nullable(string), key: nullable(string), data_category: string })),
);
