import { Body, Controller, Delete, Get, HttpCode, Patch, Query, type Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiNoContentResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Scopes } from '../../auth/index.js';
import { RequestValidationError } from '../../common/errors/herald.error.js';
import { Answers, pageOf } from '../../common/openapi.js';
import { Page, PageQuery } from '../../common/pagination.js';
import { FidesKeyParam } from '../../common/validation/fides-key.pipe.js';
import { MaskingStrategyDto, PolicyRequestDto, RuleRequestDto, RuleTargetRequestDto, validateLenientList } from './dto/policy-request.dto.js';
import { MAX_BULK_POLICY_ITEMS, PoliciesService } from './policies.service.js';
import {
  policyCommandOf,
  ruleCommandOf,
  ruleTargetCommandOf,
  toPolicyBulkResponse,
  toPolicyResponse,
  toRuleBulkResponse,
  toRuleTargetBulkResponse,
  toRuleTargetResponse,
  toRuleWithTargetsResponse,
  type PolicyResponse,
  type RuleTargetResponse,
  type RuleWithTargetsResponse,
} from './policy.mapper.js';
import { POLICY, POLICY_BULK_RESULT, RULE_BULK_RESULT, RULE_TARGET, RULE_TARGET_BULK_RESULT, RULE_WITH_TARGETS } from './policies.openapi.js';

const bulkOf = (type: Type) => ({ schema: { type: 'array', maxItems: MAX_BULK_POLICY_ITEMS, items: { $ref: getSchemaPath(type) } } });
/** The body is the list of commands: the service's `loc`s (and those of parsing it) are placed under `body`. */
const inBody = <T>(work: () => Promise<T>) => RequestValidationError.prefixed(['body'], work);

/** Fides' `/dsr/policy` routes: policies, their rules and the data categories the rules target. */
@ApiTags('Policies')
@ApiExtraModels(PolicyRequestDto, RuleRequestDto, RuleTargetRequestDto, MaskingStrategyDto)
@Controller('dsr/policy')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Patch()
  @Scopes('policy:create_or_update')
  @ApiOperation({ summary: 'Create or update up to 50 policies; each item succeeds or fails on its own' })
  @ApiBody(bulkOf(PolicyRequestDto))
  @Answers(200, POLICY_BULK_RESULT)
  async upsert(@Body() body: unknown) {
    const items = validateLenientList(PolicyRequestDto, body, ['body'], MAX_BULK_POLICY_ITEMS);
    return toPolicyBulkResponse(await inBody(() => this.policies.upsertPolicies(items.map(policyCommandOf))));
  }

  @Get()
  @Scopes('policy:read')
  @ApiOperation({ summary: 'Policies with their rules, newest first' })
  @Answers(200, pageOf(POLICY))
  async list(@Query() query: PageQuery): Promise<Page<PolicyResponse>> {
    const page = await this.policies.list(query);
    return { ...page, items: page.items.map(toPolicyResponse) };
  }

  @Get(':policy_key')
  @Scopes('policy:read')
  @ApiOperation({ summary: 'One policy with its rules' })
  @Answers(200, POLICY)
  async get(@FidesKeyParam('policy_key') key: string): Promise<PolicyResponse> {
    return toPolicyResponse(await this.policies.get(key));
  }

  @Delete(':policy_key')
  @HttpCode(204)
  @Scopes('policy:delete')
  @ApiOperation({ summary: 'Delete a policy with its rules and targets' })
  @ApiNoContentResponse()
  async delete(@FidesKeyParam('policy_key') key: string): Promise<void> {
    await this.policies.delete(key);
  }

  @Patch(':policy_key/rule')
  @Scopes('rule:create_or_update')
  @ApiOperation({ summary: "Create or update up to 50 of the policy's rules; each item succeeds or fails on its own" })
  @ApiBody(bulkOf(RuleRequestDto))
  @Answers(200, RULE_BULK_RESULT)
  async upsertRules(@FidesKeyParam('policy_key') policyKey: string, @Body() body: unknown) {
    const parse = () => validateLenientList(RuleRequestDto, body, [], MAX_BULK_POLICY_ITEMS).map(ruleCommandOf);
    return toRuleBulkResponse(await inBody(() => this.policies.upsertRules(policyKey, parse)));
  }

  @Get(':policy_key/rule')
  @Scopes('rule:read')
  @ApiOperation({ summary: "The policy's rules with their targets, newest first" })
  @Answers(200, pageOf(RULE_WITH_TARGETS))
  async listRules(@FidesKeyParam('policy_key') policyKey: string, @Query() query: PageQuery): Promise<Page<RuleWithTargetsResponse>> {
    const page = await this.policies.listRules(policyKey, query);
    return { ...page, items: page.items.map(toRuleWithTargetsResponse) };
  }

  @Get(':policy_key/rule/:rule_key')
  @Scopes('rule:read')
  @ApiOperation({ summary: 'One rule with its targets' })
  @Answers(200, RULE_WITH_TARGETS)
  async getRule(@FidesKeyParam('policy_key') policyKey: string, @FidesKeyParam('rule_key') ruleKey: string): Promise<RuleWithTargetsResponse> {
    return toRuleWithTargetsResponse(await this.policies.getRule(policyKey, ruleKey));
  }

  @Delete(':policy_key/rule/:rule_key')
  @HttpCode(204)
  @Scopes('rule:delete')
  @ApiOperation({ summary: 'Delete a rule with its targets' })
  @ApiNoContentResponse()
  async deleteRule(@FidesKeyParam('policy_key') policyKey: string, @FidesKeyParam('rule_key') ruleKey: string): Promise<void> {
    await this.policies.deleteRule(policyKey, ruleKey);
  }

  @Patch(':policy_key/rule/:rule_key/target')
  @Scopes('rule:create_or_update')
  @ApiOperation({ summary: "Create or update up to 50 of the rule's targets; each item succeeds or fails on its own" })
  @ApiBody(bulkOf(RuleTargetRequestDto))
  @Answers(200, RULE_TARGET_BULK_RESULT)
  async upsertTargets(@FidesKeyParam('policy_key') policyKey: string, @FidesKeyParam('rule_key') ruleKey: string, @Body() body: unknown) {
    const parse = () => validateLenientList(RuleTargetRequestDto, body, [], MAX_BULK_POLICY_ITEMS).map(ruleTargetCommandOf);
    return toRuleTargetBulkResponse(await inBody(() => this.policies.upsertTargets(policyKey, ruleKey, parse)));
  }

  @Get(':policy_key/rule/:rule_key/target')
  @Scopes('rule:read')
  @ApiOperation({ summary: "The rule's targets, newest first" })
  @Answers(200, pageOf(RULE_TARGET))
  async listTargets(
    @FidesKeyParam('policy_key') policyKey: string,
    @FidesKeyParam('rule_key') ruleKey: string,
    @Query() query: PageQuery,
  ): Promise<Page<RuleTargetResponse>> {
    const page = await this.policies.listTargets(policyKey, ruleKey, query);
    return { ...page, items: page.items.map(toRuleTargetResponse) };
  }

  @Get(':policy_key/rule/:rule_key/target/:rule_target_key')
  @Scopes('rule:read')
  @ApiOperation({ summary: 'One rule target' })
  @Answers(200, RULE_TARGET)
  async getTarget(
    @FidesKeyParam('policy_key') policyKey: string,
    @FidesKeyParam('rule_key') ruleKey: string,
    @FidesKeyParam('rule_target_key') targetKey: string,
  ): Promise<RuleTargetResponse> {
    return toRuleTargetResponse(await this.policies.getTarget(policyKey, ruleKey, targetKey));
  }

  @Delete(':policy_key/rule/:rule_key/target/:rule_target_key')
  @HttpCode(204)
  @Scopes('rule:delete')
  @ApiOperation({ summary: 'Delete a rule target' })
  @ApiNoContentResponse()
  async deleteTarget(
    @FidesKeyParam('policy_key') policyKey: string,
    @FidesKeyParam('rule_key') ruleKey: string,
    @FidesKeyParam('rule_target_key') targetKey: string,
  ): Promise<void> {
    await this.policies.deleteTarget(policyKey, ruleKey, targetKey);
  }
}
