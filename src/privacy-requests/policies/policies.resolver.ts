import { FidesKeyArg } from '../../common/validation/fides-key.pipe.js';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../../auth/scopes.decorator.js';
import { PageArgs } from '../../common/pagination.js';
import { validateList } from '../../common/validation/fides-validation.pipe.js';
import {
  MaskingConfigurationInput,
  PolicyBulkResultObject,
  PolicyInput,
  PolicyObject,
  PolicyPageObject,
  PolicyRuleObject,
  RuleBulkResultObject,
  RuleInput,
  RuleTargetBulkResultObject,
  RuleTargetInput,
} from './dto/policy.graphql.js';
import { MAX_BULK_POLICY_ITEMS, PoliciesService, type MaskingStrategy, type Policy, type PolicyRule } from './policies.service.js';

@Resolver(() => PolicyObject)
export class PoliciesResolver {
  constructor(private readonly service: PoliciesService) {}

  @Query(() => PolicyPageObject, { description: 'Policies with their rules, newest first' })
  @Scopes('policy:read')
  async policies(@Args() args: PageArgs): Promise<PolicyPageObject> {
    const page = await this.service.list(args);
    return { ...page, items: page.items.map(toPolicyObject) };
  }

  @Query(() => PolicyObject)
  @Scopes('policy:read')
  async policy(@FidesKeyArg('key') key: string): Promise<PolicyObject> {
    return toPolicyObject(await this.service.get(key));
  }

  @Mutation(() => PolicyBulkResultObject, { description: 'Creates or updates up to 50 policies; each item succeeds or fails on its own' })
  @Scopes('policy:create_or_update')
  async upsertPolicies(@Args('inputs', { type: () => [PolicyInput] }) inputs: PolicyInput[]): Promise<PolicyBulkResultObject> {
    const items = validateList(PolicyInput, inputs, ['inputs'], MAX_BULK_POLICY_ITEMS);
    const result = await this.service.upsertPolicies(
      items.map((i) => ({ name: i.name, key: i.key ?? null, executionTimeframe: i.executionTimeframe ?? null, drpAction: null })),
      ['inputs'],
    );
    return {
      succeeded: result.succeeded.map(toPolicyObject),
      failed: result.failed.map((f) => ({
        message: f.message,
        data: { name: f.input.name, key: f.input.key, executionTimeframe: f.input.executionTimeframe },
      })),
    };
  }

  @Mutation(() => Boolean, { description: 'Deletes the policy with its rules and targets' })
  @Scopes('policy:delete')
  async deletePolicy(@FidesKeyArg('key') key: string): Promise<boolean> {
    await this.service.delete(key);
    return true;
  }

  @Mutation(() => RuleBulkResultObject, { description: "Creates or updates up to 50 of a policy's rules; each item succeeds or fails on its own" })
  @Scopes('rule:create_or_update')
  async upsertRules(
    @FidesKeyArg('policyKey') policyKey: string,
    @Args('inputs', { type: () => [RuleInput] }) inputs: RuleInput[],
  ): Promise<RuleBulkResultObject> {
    const parse = () =>
      validateList(RuleInput, inputs, ['inputs'], MAX_BULK_POLICY_ITEMS).map((i) => ({
        name: i.name,
        key: i.key ?? null,
        actionType: i.actionType,
        maskingStrategy: i.maskingStrategy ? { strategy: i.maskingStrategy.strategy, configuration: toConfiguration(i.maskingStrategy.configuration) } : null,
        storageDestinationKey: null,
      }));
    const result = await this.service.upsertRules(policyKey, parse, ['inputs']);
    return {
      succeeded: result.succeeded.map(toRuleObject),
      failed: result.failed.map((f) => ({
        message: f.message,
        data: { name: f.input.name, key: f.input.key, actionType: f.input.actionType, maskingStrategy: toMaskingObject(f.input.maskingStrategy) },
      })),
    };
  }

  @Mutation(() => Boolean, { description: 'Deletes the rule with its targets' })
  @Scopes('rule:delete')
  async deleteRule(@FidesKeyArg('policyKey') policyKey: string, @FidesKeyArg('ruleKey') ruleKey: string): Promise<boolean> {
    await this.service.deleteRule(policyKey, ruleKey);
    return true;
  }

  @Mutation(() => RuleTargetBulkResultObject, { description: "Creates or updates up to 50 of a rule's targets; each item succeeds or fails on its own" })
  @Scopes('rule:create_or_update')
  async upsertRuleTargets(
    @FidesKeyArg('policyKey') policyKey: string,
    @FidesKeyArg('ruleKey') ruleKey: string,
    @Args('inputs', { type: () => [RuleTargetInput] }) inputs: RuleTargetInput[],
  ): Promise<RuleTargetBulkResultObject> {
    const parse = () =>
      validateList(RuleTargetInput, inputs, ['inputs'], MAX_BULK_POLICY_ITEMS).map((i) => ({
        name: i.name ?? null,
        key: i.key ?? null,
        dataCategory: i.dataCategory,
      }));
    const result = await this.service.upsertTargets(policyKey, ruleKey, parse, ['inputs']);
    return { succeeded: result.succeeded, failed: result.failed.map((f) => ({ message: f.message, data: f.input })) };
  }

  @Mutation(() => Boolean)
  @Scopes('rule:delete')
  async deleteRuleTarget(
    @FidesKeyArg('policyKey') policyKey: string,
    @FidesKeyArg('ruleKey') ruleKey: string,
    @FidesKeyArg('targetKey') targetKey: string,
  ): Promise<boolean> {
    await this.service.deleteTarget(policyKey, ruleKey, targetKey);
    return true;
  }
}

/** The typed GraphQL configuration in the stored (Fides) shape; absent fields stay absent. */
function toConfiguration(c: MaskingConfigurationInput | null | undefined): Record<string, unknown> {
  const entries: [string, unknown][] = [
    ['rewrite_value', c?.rewriteValue],
    ['algorithm', c?.algorithm],
    ['length', c?.length],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== null));
}

const toMaskingObject = (m: MaskingStrategy | null) => (m ? { strategy: m.strategy } : null);

const toRuleObject = (r: PolicyRule): PolicyRuleObject => ({
  key: r.key,
  name: r.name,
  actionType: r.actionType,
  maskingStrategy: toMaskingObject(r.maskingStrategy),
  targets: r.targets,
});

const toPolicyObject = (p: Policy): PolicyObject => ({
  key: p.key,
  name: p.name,
  executionTimeframe: p.executionTimeframe,
  drpAction: p.drpAction,
  rules: p.rules.map(toRuleObject),
});
