import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../../auth/index.js';
import { RequestValidationError } from '../../common/errors/herald.error.js';
import { PageArgs } from '../../common/pagination.js';
import { FidesKeyArg } from '../../common/validation/fides-key.pipe.js';
import { validateList } from '../../common/validation/fides-validation.pipe.js';
import {
  PolicyBulkResultObject,
  PolicyInput,
  PolicyObject,
  PolicyPageObject,
  RuleBulkResultObject,
  RuleInput,
  RuleTargetBulkResultObject,
  RuleTargetInput,
} from './dto/policy.graphql.js';
import { MAX_BULK_POLICY_ITEMS, PoliciesService } from './policies.service.js';
import {
  policyCommandOfInput,
  ruleCommandOfInput,
  ruleTargetCommandOfInput,
  toPolicyBulkResultObject,
  toPolicyObject,
  toRuleBulkResultObject,
  toRuleTargetBulkResultObject,
} from './policy.mapper.js';

/** The `inputs` argument is the list of commands: the service's `loc`s (and those of validating it) are placed under it. */
const inInputs = <T>(work: () => Promise<T>) => RequestValidationError.prefixed(['inputs'], work);

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
    return toPolicyBulkResultObject(await inInputs(() => this.service.upsertPolicies(items.map(policyCommandOfInput))));
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
    const parse = () => validateList(RuleInput, inputs, [], MAX_BULK_POLICY_ITEMS).map(ruleCommandOfInput);
    return toRuleBulkResultObject(await inInputs(() => this.service.upsertRules(policyKey, parse)));
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
    const parse = () => validateList(RuleTargetInput, inputs, [], MAX_BULK_POLICY_ITEMS).map(ruleTargetCommandOfInput);
    return toRuleTargetBulkResultObject(await inInputs(() => this.service.upsertTargets(policyKey, ruleKey, parse)));
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
