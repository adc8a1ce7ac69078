import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, QueryFailedError } from 'typeorm';
import { BulkItemError, eachItem } from '../../common/bulk.js';
import { foreignKeyViolation } from '../../common/database/postgres-errors.js';
import { HeraldError, RequestValidationError, conflict, notFound, type Loc } from '../../common/errors/herald.error.js';
import { keyFromName } from '../../common/fides-key.js';
import { Page, pageOffset, toPage } from '../../common/pagination.js';
import { isSupportedDataCategory, unsupportedDataCategoryMessage } from '../../datasets/index.js';
import { maskingStrategyProblem } from './masking-strategies.js';
import { PolicyEntity, RuleEntity, RuleTargetEntity } from './policy.entity.js';
import type { BulkResult, Policy, PolicyCommand, PolicyRule, RuleCommand, RuleTarget, RuleTargetCommand } from './policy.types.js';

export type { ActionType } from './policy.entity.js';
export type { BulkResult, MaskingStrategy, Policy, PolicyCommand, PolicyRule, RuleCommand, RuleTarget, RuleTargetCommand } from './policy.types.js';

type PageRequest = { page: number; size: number };
/**
 * Commands, or how to parse them once the parent is known to exist (Fides answers 404 before looking at the body). A
 * parse error is located as the service's own errors are: relative to the list of commands.
 */
type Items<I> = I[] | (() => I[]);
const itemsOf = <I>(items: Items<I>): I[] => (typeof items === 'function' ? items() : items);

/** Fides' bulk limit for the policy, rule and target routes. */
export const MAX_BULK_POLICY_ITEMS = 50;

const GENERIC_FAILURE = 'This record could not be added because the data provided was invalid.';

// Fides' texts (policy_endpoints.py); which one depends on the route, as there.
export const policyNotFound = (key: string) => notFound(`No Policy found for key ${key}.`);
const ruleNotAttached = (ruleKey: string, policyKey: string) => notFound(`No Rule found for key ${ruleKey} attached to policy ${policyKey}`);
const ruleNotOnPolicy = (ruleKey: string, policyKey: string) => notFound(`No Rule found for key ${ruleKey} on Policy ${policyKey}.`);

const keyTaken = (model: string, key: string) =>
  `Key ${key} already exists in ${model}. Keys will be snake-cased names if not provided. ` +
  'If you are seeing this error without providing a key, please provide a key or a different name.';
const nameTaken = (model: string, name: string) => `Name ${name} already exists in ${model}.`;
// Fides names the rule by its internal id here; Herald's ids never reach the wire, so the rule's key.
const categoryTaken = (category: string, ruleKey: string) => `DataCategory ${category} is already specified on Rule with key ${ruleKey}`;
const erasureConflict = (a: string, b: string) => `Policy rules are invalid, action conflict in erasure rules detected for categories ${a} and ${b}`;

/** Policies, their rules and the data categories each rule targets: one service for REST, GraphQL and requests. */
@Injectable()
export class PoliciesService {
  private readonly logger = new Logger(PoliciesService.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The policy with its rules (oldest first) and their targets; null when there is none. */
  async findByKey(key: string): Promise<Policy | null> {
    const row = await this.dataSource.manager.findOneBy(PolicyEntity, { key });
    return row ? (await this.hydrate(this.dataSource.manager, [row]))[0] : null;
  }

  async findById(id: string): Promise<Policy | null> {
    const row = await this.dataSource.manager.findOneBy(PolicyEntity, { id });
    return row ? (await this.hydrate(this.dataSource.manager, [row]))[0] : null;
  }

  /**
   * The policies of these ids by id, as findById hydrates them, in one statement however many there are: a page of
   * requests shows every request's policy, and a statement per policy, rule list and target list was most of its time.
   */
  async findByIds(ids: string[]): Promise<Map<string, Policy>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.dataSource.query<Policy[]>(POLICIES_BY_ID, [unique]);
    return new Map(rows.map((policy) => [policy.id, policy]));
  }

  async get(key: string): Promise<Policy> {
    const policy = await this.findByKey(key);
    if (!policy) throw policyNotFound(key);
    return policy;
  }

  /** Newest first, as Fides. */
  async list(page: PageRequest): Promise<Page<Policy>> {
    const [rows, total] = await this.dataSource.manager.findAndCount(PolicyEntity, {
      order: { createdAt: 'DESC', key: 'ASC' },
      skip: pageOffset(page),
      take: page.size,
    });
    return toPage(await this.hydrate(this.dataSource.manager, rows), total, page);
  }

  /**
   * Fides' bulk create-or-update: an item with the key of an existing policy replaces its fields; any other item
   * creates one. Each item is written in its own transaction and succeeds or fails on its own. An item whose key
   * cannot be made from its name is a 422 at `[index, 'name']` before anything is written.
   */
  async upsertPolicies(inputs: PolicyCommand[]): Promise<BulkResult<Policy, PolicyCommand>> {
    requireKeys(inputs);
    return this.each(inputs, async (m, input) => {
      // DRP is out of scope: every DRP action gets the text Fides gives its unsupported ones.
      if (input.drpAction !== null) throw new BulkItemError(`${input.drpAction} action is not supported at this time.`);
      const existing = input.key === null ? null : await m.findOneBy(PolicyEntity, { key: input.key });
      const key = input.key ?? (keyFromName(input.name) as string);
      if (!existing && (await m.existsBy(PolicyEntity, { key }))) throw new BulkItemError(keyTaken('Policy', key));
      const clash = await m.findOneBy(PolicyEntity, { name: input.name });
      if (clash && clash.id !== existing?.id) throw new BulkItemError(nameTaken('Policy', input.name));
      const policy = existing ?? m.create(PolicyEntity, {});
      // PATCH replaces every field (omitted ones take their defaults), as Fides.
      Object.assign(policy, { key, name: input.name, executionTimeframe: input.executionTimeframe, drpAction: null });
      const saved = await m.save(policy);
      return (await this.hydrate(m, [saved]))[0];
    });
  }

  /** Deletes the policy with its rules and targets (foreign key cascade). */
  async delete(key: string): Promise<void> {
    try {
      const { affected } = await this.dataSource.manager.delete(PolicyEntity, { key });
      if (!affected) throw policyNotFound(key);
    } catch (error) {
      // Privacy requests keep the policy they were made under.
      if (foreignKeyViolation(error)) {
        throw conflict(`Policy with key ${key} cannot be deleted: privacy requests were made under it.`);
      }
      throw error;
    }
  }

  /** The policy's rules with their targets, newest first (as Fides). */
  async listRules(policyKey: string, page: PageRequest): Promise<Page<PolicyRule>> {
    const policy = await this.policyRow(policyKey);
    const [rows, total] = await this.dataSource.manager.findAndCount(RuleEntity, {
      where: { policyId: policy.id },
      order: { createdAt: 'DESC', key: 'ASC' },
      skip: pageOffset(page),
      take: page.size,
    });
    return toPage(await this.rulesWithTargets(this.dataSource.manager, rows), total, page);
  }

  async getRule(policyKey: string, ruleKey: string): Promise<PolicyRule> {
    const policy = await this.policyRow(policyKey);
    const rule = await this.dataSource.manager.findOneBy(RuleEntity, { policyId: policy.id, key: ruleKey });
    if (!rule) throw ruleNotAttached(ruleKey, policyKey);
    return (await this.rulesWithTargets(this.dataSource.manager, [rule]))[0];
  }

  /**
   * Fides' bulk create-or-update of a policy's rules. An erasure rule needs a masking strategy, an access rule has
   * none; a key already used by another policy's rule fails that item. Keys as for policies.
   */
  async upsertRules(policyKey: string, items: Items<RuleCommand>): Promise<BulkResult<PolicyRule, RuleCommand>> {
    const policy = await this.policyRow(policyKey);
    const inputs = itemsOf(items);
    requireKeys(inputs);
    return this.each(inputs, async (m, input) => {
      await lockPolicy(m, policy.id);
      const existing = input.key === null ? null : await m.findOneBy(RuleEntity, { key: input.key });
      if (existing && existing.policyId !== policy.id) throw new BulkItemError(`Rule with identifier ${input.key} belongs to another policy.`);
      if (input.actionType === 'erasure' && !input.maskingStrategy) throw new BulkItemError('Erasure Rules must have masking strategies.');
      // Fides stores it and ignores it; Herald refuses what would never be used.
      if (input.actionType === 'access' && input.maskingStrategy) throw new BulkItemError('Access Rules cannot have masking strategies.');
      const maskingProblem = input.maskingStrategy && maskingStrategyProblem(input.maskingStrategy.strategy, input.maskingStrategy.configuration);
      if (maskingProblem) throw new BulkItemError(maskingProblem);
      const key = input.key ?? (keyFromName(input.name) as string);
      if (!existing && (await m.existsBy(RuleEntity, { key }))) throw new BulkItemError(keyTaken('Rule', key));
      const clash = await m.findOneBy(RuleEntity, { name: input.name });
      if (clash && clash.id !== existing?.id) throw new BulkItemError(nameTaken('Rule', input.name));
      if (existing && existing.actionType !== 'erasure' && input.actionType === 'erasure') {
        // Its targets join the policy's erasure categories, which must not overlap.
        const own = (await m.findBy(RuleTargetEntity, { ruleId: existing.id })).map((t) => t.dataCategory);
        const problem = findErasureConflict(own, await erasureCategories(m, policy.id, { exceptRuleId: existing.id }));
        if (problem) throw new BulkItemError(problem);
      }
      const rule = existing ?? m.create(RuleEntity, { policyId: policy.id });
      Object.assign(rule, { key, name: input.name, actionType: input.actionType, maskingStrategy: input.maskingStrategy });
      const saved = await m.save(rule);
      return (await this.rulesWithTargets(m, [saved]))[0];
    });
  }

  /** Deletes the rule with its targets. */
  async deleteRule(policyKey: string, ruleKey: string): Promise<void> {
    const policy = await this.policyRow(policyKey);
    const { affected } = await this.dataSource.manager.delete(RuleEntity, { policyId: policy.id, key: ruleKey });
    if (!affected) throw ruleNotOnPolicy(ruleKey, policyKey);
  }

  /** The rule's targets, newest first (as Fides). */
  async listTargets(policyKey: string, ruleKey: string, page: PageRequest): Promise<Page<RuleTarget>> {
    const rule = await this.ruleRow(policyKey, ruleKey, ruleNotAttached);
    const [rows, total] = await this.dataSource.manager.findAndCount(RuleTargetEntity, {
      where: { ruleId: rule.id },
      order: { createdAt: 'DESC', key: 'ASC' },
      skip: pageOffset(page),
      take: page.size,
    });
    return toPage(rows.map(toTarget), total, page);
  }

  async getTarget(policyKey: string, ruleKey: string, targetKey: string): Promise<RuleTarget> {
    const rule = await this.ruleRow(policyKey, ruleKey, ruleNotAttached);
    const target = await this.dataSource.manager.findOneBy(RuleTargetEntity, { ruleId: rule.id, key: targetKey });
    if (!target) throw notFound(`No Rule Target found for key ${targetKey} attached to rule ${ruleKey}.`);
    return toTarget(target);
  }

  /**
   * Fides' bulk create-or-update of a rule's targets. The category must be in the fideslang taxonomy, appear once
   * per rule, and across the policy's erasure rules neither repeat nor contain another (it would be masked twice).
   */
  async upsertTargets(policyKey: string, ruleKey: string, items: Items<RuleTargetCommand>): Promise<BulkResult<RuleTarget, RuleTargetCommand>> {
    const rule = await this.ruleRow(policyKey, ruleKey, ruleNotOnPolicy);
    const inputs = itemsOf(items);
    const keyless = inputs.flatMap((input, i) =>
      input.key === null && input.name !== null && keyFromName(input.name) === undefined ? [keylessIssue(i, input.name)] : [],
    );
    if (keyless.length > 0) throw new RequestValidationError(keyless);
    return this.each(inputs, async (m, input) => {
      await lockPolicy(m, rule.policyId);
      if (!isSupportedDataCategory(input.dataCategory)) throw new BulkItemError(unsupportedDataCategoryMessage(input.dataCategory));
      const existing = input.key === null ? null : await m.findOneBy(RuleTargetEntity, { key: input.key });
      if (existing && existing.ruleId !== rule.id) throw new BulkItemError(`RuleTarget with identifier ${input.key} belongs to another rule.`);
      const key = input.key ?? (input.name !== null ? (keyFromName(input.name) as string) : defaultTargetKey(rule.key, input.dataCategory));
      if (!existing && (await m.existsBy(RuleTargetEntity, { key }))) throw new BulkItemError(keyTaken('RuleTarget', key));
      // As Fides: a target updated without a name keeps the one it had.
      const name = input.name ?? existing?.name ?? null;
      if (name !== null) {
        const clash = await m.findOneBy(RuleTargetEntity, { name });
        if (clash && clash.id !== existing?.id) throw new BulkItemError(nameTaken('RuleTarget', name));
      }
      const twin = await m.findOneBy(RuleTargetEntity, { ruleId: rule.id, dataCategory: input.dataCategory });
      if (twin && twin.id !== existing?.id) throw new BulkItemError(categoryTaken(input.dataCategory, rule.key));
      if (rule.actionType === 'erasure') {
        const problem = findErasureConflict([input.dataCategory], await erasureCategories(m, rule.policyId, { exceptTargetId: existing?.id }));
        if (problem) throw new BulkItemError(problem);
      }
      const target = existing ?? m.create(RuleTargetEntity, { ruleId: rule.id });
      Object.assign(target, { key, name, dataCategory: input.dataCategory });
      return toTarget(await m.save(target));
    });
  }

  async deleteTarget(policyKey: string, ruleKey: string, targetKey: string): Promise<void> {
    const rule = await this.ruleRow(policyKey, ruleKey, ruleNotOnPolicy);
    const { affected } = await this.dataSource.manager.delete(RuleTargetEntity, { ruleId: rule.id, key: targetKey });
    if (!affected) throw notFound(`No RuleTarget found for key ${targetKey} at Rule ${ruleKey} on Policy ${policyKey}.`);
  }

  private async policyRow(key: string): Promise<PolicyEntity> {
    const policy = await this.dataSource.manager.findOneBy(PolicyEntity, { key });
    if (!policy) throw policyNotFound(key);
    return policy;
  }

  private async ruleRow(policyKey: string, ruleKey: string, missing: (rule: string, policy: string) => HeraldError): Promise<RuleEntity> {
    const policy = await this.policyRow(policyKey);
    const rule = await this.dataSource.manager.findOneBy(RuleEntity, { policyId: policy.id, key: ruleKey });
    if (!rule) throw missing(ruleKey, policyKey);
    return rule;
  }

  /** Runs each item in its own transaction, in order, collecting Fides' `{succeeded, failed}`. */
  private each<T, I>(inputs: I[], work: (m: EntityManager, input: I) => Promise<T>): Promise<BulkResult<T, I>> {
    return eachItem(
      inputs,
      (input) => this.dataSource.transaction((m) => work(m, input)),
      (error, input) => this.failureMessage(error, input),
    );
  }

  private failureMessage(error: unknown, input: unknown): string {
    if (error instanceof BulkItemError) return error.message;
    if (error instanceof HeraldError && typeof error.detail === 'string') return error.detail;
    // A concurrent writer took the name, key or category between our check and our write.
    if (error instanceof QueryFailedError) {
      const constraint = (error.driverError as { constraint?: string }).constraint ?? '';
      const { name, key } = input as { name: string | null; key: string | null };
      const taken: Record<string, string> = {
        UQ_policy_name: nameTaken('Policy', name ?? ''),
        UQ_policy_key: keyTaken('Policy', key ?? keyFromName(name ?? '') ?? ''),
        UQ_rule_name: nameTaken('Rule', name ?? ''),
        UQ_rule_key: keyTaken('Rule', key ?? keyFromName(name ?? '') ?? ''),
        UQ_rule_target_name: nameTaken('RuleTarget', name ?? ''),
        UQ_rule_target_key: keyTaken('RuleTarget', key ?? ''),
      };
      if (taken[constraint]) return taken[constraint];
    }
    this.logger.error({ err: error }, 'a policy, rule or rule target could not be created or updated');
    return GENERIC_FAILURE;
  }

  private async hydrate(m: EntityManager, rows: PolicyEntity[]): Promise<Policy[]> {
    if (rows.length === 0) return [];
    const rules = await m.find(RuleEntity, { where: { policyId: In(rows.map((p) => p.id)) }, order: { createdAt: 'ASC', key: 'ASC' } });
    const withTargets = await this.rulesWithTargets(m, rules);
    return rows.map((p) => ({
      id: p.id,
      key: p.key,
      name: p.name,
      executionTimeframe: p.executionTimeframe,
      drpAction: p.drpAction,
      rules: withTargets.filter((_, i) => rules[i].policyId === p.id),
    }));
  }

  private async rulesWithTargets(m: EntityManager, rules: RuleEntity[]): Promise<PolicyRule[]> {
    const targets =
      rules.length === 0 ? [] : await m.find(RuleTargetEntity, { where: { ruleId: In(rules.map((r) => r.id)) }, order: { createdAt: 'ASC', key: 'ASC' } });
    return rules.map((r) => ({
      key: r.key,
      name: r.name,
      actionType: r.actionType,
      maskingStrategy: r.maskingStrategy,
      targets: targets.filter((t) => t.ruleId === r.id).map(toTarget),
    }));
  }
}

const toTarget = (t: RuleTargetEntity): RuleTarget => ({ key: t.key, name: t.name, dataCategory: t.dataCategory });

/** Policies with their rules and targets in hydrate's shape and order (oldest first, then by key), built in SQL. */
const POLICIES_BY_ID = `
  SELECT p.id, p.key, p.name, p.execution_timeframe AS "executionTimeframe", p.drp_action AS "drpAction",
    COALESCE((
      SELECT json_agg(json_build_object('key', ru.key, 'name', ru.name, 'actionType', ru.action_type, 'maskingStrategy', ru.masking_strategy,
        'targets', COALESCE((
          SELECT json_agg(json_build_object('key', t.key, 'name', t.name, 'dataCategory', t.data_category) ORDER BY t.created_at, t.key)
          FROM rule_target t WHERE t.rule_id = ru.id), '[]'::json)) ORDER BY ru.created_at, ru.key)
      FROM rule ru WHERE ru.policy_id = p.id), '[]'::json) AS rules
  FROM policy p WHERE p.id = ANY($1::uuid[])`;

/** Fides names an unnamed target after its rule and category; Herald makes its key the same way, from the rule's key. */
const defaultTargetKey = (ruleKey: string, category: string) => `${ruleKey}_${category.replace(/\./g, '_')}`;

const keylessIssue = (index: number, name: string) => ({
  loc: [index, 'name'] as Loc,
  msg: `A key cannot be made from the name '${name}': give a key`,
  type: 'value_error',
});

/** Decision D3: an item whose key would come from a name that yields none is refused before anything is written. */
function requireKeys(inputs: { name: string; key: string | null }[]): void {
  const keyless = inputs.flatMap((input, i) => (input.key === null && keyFromName(input.name) === undefined ? [keylessIssue(i, input.name)] : []));
  if (keyless.length > 0) throw new RequestValidationError(keyless);
}

/** Serialises writes to one policy's rules and targets, so overlap checks see every committed category. */
async function lockPolicy(m: EntityManager, policyId: string): Promise<void> {
  const rows = await m.query<unknown[]>('SELECT id FROM policy WHERE id = $1 FOR UPDATE', [policyId]);
  if (rows.length === 0) throw new BulkItemError('The policy was deleted meanwhile.');
}

async function erasureCategories(m: EntityManager, policyId: string, except: { exceptRuleId?: string; exceptTargetId?: string }): Promise<string[]> {
  const rows = await m.query<{ category: string }[]>(
    `SELECT t.data_category AS "category" FROM rule_target t JOIN rule r ON r.id = t.rule_id
     WHERE r.policy_id = $1 AND r.action_type = 'erasure' AND r.id IS DISTINCT FROM $2 AND t.id IS DISTINCT FROM $3
     ORDER BY t.created_at, t.key`,
    [policyId, except.exceptRuleId ?? null, except.exceptTargetId ?? null],
  );
  return rows.map((r) => r.category);
}

/**
 * Fides' check: no category among the erasure targets may have an ancestor among them (fideslang keys are dotted
 * paths). Herald also refuses the same category twice, which Fides' check lets through.
 */
export function findErasureConflict(added: string[], existing: string[]): string | null {
  const all = [...added, ...existing];
  for (const category of all) {
    const parts = category.split('.');
    for (let n = parts.length - 1; n > 0; n--) {
      const ancestor = parts.slice(0, n).join('.');
      if (all.includes(ancestor)) return erasureConflict(category, ancestor);
    }
  }
  const repeated = added.find((c, i) => existing.includes(c) || added.indexOf(c) !== i);
  return repeated ? erasureConflict(repeated, repeated) : null;
}
