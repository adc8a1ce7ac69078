import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { OauthClientsService, type Caller } from '../../auth/oauth-clients.service.js';
import { CurrentCaller, Public, Scopes } from '../../auth/scopes.decorator.js';
import { HeraldError, RequestValidationError } from '../../common/errors/herald.error.js';
import { validateList } from '../../common/validation/fides-validation.pipe.js';
import { toMessageObject } from '../../notifications/messages.resolver.js';
import { MessagesService } from '../../notifications/outbox/messages.service.js';
import { requesterOf } from '../../rate-limits/client-address.js';
import {
  AuditLogObject,
  ExecutionLogObject,
  IdentityObject,
  MessageObject,
  PrivacyRequestBulkResultObject,
  PrivacyRequestInput,
  PrivacyRequestListArgs,
  PrivacyRequestObject,
  PrivacyRequestPageObject,
  ReviewResultObject,
} from '../dto/privacy-request.graphql.js';
import { resumeEndpoint, type PrivacyRequestView } from './privacy-request.mapper.js';
import { PrivacyRequestsService, type ReviewResult } from './privacy-requests.service.js';

const LOG_PAGE = { page: 1, size: 100 };

@Resolver(() => PrivacyRequestObject)
export class PrivacyRequestsResolver {
  constructor(
    private readonly service: PrivacyRequestsService,
    private readonly messageLog: MessagesService,
    private readonly clients: OauthClientsService,
  ) {}

  @Query(() => PrivacyRequestPageObject, { description: 'Requests, newest first' })
  @Scopes('privacy-request:read')
  async privacyRequests(@Args() args: PrivacyRequestListArgs): Promise<PrivacyRequestPageObject> {
    const page = await this.service.list(
      { requestId: args.requestId, identity: args.identity, statuses: args.statuses, createdGt: args.createdAfter, createdLt: args.createdBefore },
      args,
    );
    return { ...page, items: page.items.map(toObject) };
  }

  @Query(() => PrivacyRequestObject)
  @Scopes('privacy-request:read')
  async privacyRequest(@Args('id', { type: () => ID }) id: string): Promise<PrivacyRequestObject> {
    return toObject(await this.service.get(id));
  }

  @ResolveField(() => IdentityObject, { description: 'The decrypted identity (asked for explicitly)' })
  async identity(@Parent() request: PrivacyRequestObject): Promise<IdentityObject> {
    restricted(request);
    const { identity } = await this.service.get(request.id, { includeIdentities: true });
    return { email: identity?.email ?? null, phoneNumber: identity?.phone_number ?? null };
  }

  @ResolveField(() => [MessageObject], { description: 'Every message sent for the request (recipients masked)' })
  async messages(@Parent() request: PrivacyRequestObject): Promise<MessageObject[]> {
    restricted(request);
    const page = await this.messageLog.list(LOG_PAGE, { privacyRequestId: request.id });
    return page.items.map((m) => toMessageObject(m));
  }

  @ResolveField(() => [ExecutionLogObject])
  async executionLogs(@Parent() request: PrivacyRequestObject): Promise<ExecutionLogObject[]> {
    restricted(request);
    const page = await this.service.executionLogs(request.id, LOG_PAGE);
    return page.items.map((l) => ({
      datasetName: l.datasetName,
      collectionName: l.collectionName,
      actionType: l.actionType,
      status: l.status,
      message: l.message,
      fieldsAffected: (l.fieldsAffected ?? []).map((f) => f.path),
      updatedAt: l.updatedAt,
    }));
  }

  @ResolveField(() => [AuditLogObject], { description: 'The audit trail: approved, denied, email_sent, finished' })
  async auditLogs(@Parent() request: PrivacyRequestObject): Promise<AuditLogObject[]> {
    restricted(request);
    return (await this.service.auditLogs(request.id)).map((l) => ({ action: l.action, userId: l.userId, message: l.message, createdAt: l.createdAt }));
  }

  @Mutation(() => PrivacyRequestBulkResultObject, {
    description: 'Creates up to 50 requests (no token needed: identities are verified when the settings say so)',
  })
  @Public()
  async createPrivacyRequests(
    @Args('inputs', { type: () => [PrivacyRequestInput] }) inputs: PrivacyRequestInput[],
    @Context('req') request: FastifyRequest,
  ): Promise<PrivacyRequestBulkResultObject> {
    const items = validateList(PrivacyRequestInput, inputs, ['inputs'], 50);
    const result = await this.service.create(
      items.map((i) => ({
        identity: { email: i.identity.email ?? null, phone_number: i.identity.phoneNumber ?? null },
        policyKey: i.policyKey,
        requestedAt: i.requestedAt ?? undefined,
        externalId: i.externalId ?? null,
      })),
      await requesterOf(request, this.clients),
    );
    return {
      succeeded: result.succeeded.map(anonymous),
      failed: result.failed.map((f) => ({
        message: f.message,
        policyKey: (f.data.policy_key as string | undefined) ?? null,
        privacyRequestId: (f.data.privacy_request_id as string | undefined) ?? null,
        status: (f.data.status as string | undefined) ?? null,
      })),
    };
  }

  @Mutation(() => PrivacyRequestObject, { description: 'Verifies the identity with the code sent to it' })
  @Public()
  async verifyIdentity(
    @Args('id', { type: () => ID }) id: string,
    @Args('code') code: string,
    @Context('req') request: FastifyRequest,
  ): Promise<PrivacyRequestObject> {
    return anonymous(await this.service.verify(id, code, await requesterOf(request, this.clients)));
  }

  @Mutation(() => ReviewResultObject)
  @Scopes('privacy-request:review')
  async approvePrivacyRequests(@Args('ids', { type: () => [ID] }) ids: string[], @CurrentCaller() caller: Caller): Promise<ReviewResultObject> {
    return toReview(await this.service.approve(limit(ids), caller?.clientId ?? null));
  }

  @Mutation(() => ReviewResultObject)
  @Scopes('privacy-request:review')
  async denyPrivacyRequests(
    @Args('ids', { type: () => [ID] }) ids: string[],
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
    @CurrentCaller() caller: Caller,
  ): Promise<ReviewResultObject> {
    return toReview(await this.service.deny(limit(ids), caller?.clientId ?? null, reason ?? null));
  }

  @Mutation(() => PrivacyRequestObject, { description: 'Resumes a request in error from the step that failed' })
  @Scopes('privacy-request:resume')
  async retryPrivacyRequest(@Args('id', { type: () => ID }) id: string): Promise<PrivacyRequestObject> {
    return toObject(await this.service.retry(id));
  }
}

/** What a data subject (no token) gets back: the request, not its identity, messages or logs. */
const anonymous = (view: PrivacyRequestView): PrivacyRequestObject => ({ ...toObject(view), anonymous: true });

function restricted(request: PrivacyRequestObject): void {
  if (request.anonymous) throw new HeraldError('forbidden', 'Query privacyRequest(id) with a token with privacy-request:read for this field.');
}

/** At most 50 ids, as over REST. */
function limit(ids: string[]): string[] {
  if (ids.length > 50) throw new RequestValidationError([{ loc: ['ids'], msg: 'ensure this value has at most 50 items', type: 'value_error.list.max_items' }]);
  return ids;
}

const toReview = (r: ReviewResult): ReviewResultObject => ({
  succeeded: r.succeeded.map(toObject),
  failed: r.failed.map((f) => ({ message: f.message, privacyRequestId: f.id })),
});

function toObject(view: PrivacyRequestView): PrivacyRequestObject {
  const r = view.request;
  return {
    id: r.id,
    status: r.status,
    policyKey: view.policy.key,
    policyName: view.policy.name,
    externalId: r.externalId,
    requestedAt: r.requestedAt,
    createdAt: r.createdAt,
    identityVerifiedAt: r.identityVerifiedAt,
    reviewedAt: r.reviewedAt,
    reviewedBy: r.reviewedBy,
    startedProcessingAt: r.startedProcessingAt,
    finishedProcessingAt: r.finishedProcessingAt,
    daysLeft: r.dueDate ? Math.ceil((r.dueDate.getTime() - Date.now()) / 86_400_000) : null,
    failedStep: r.status === 'error' ? (r.actionRequiredDetails?.step ?? null) : null,
    failureReason: r.failureReason,
    resumeEndpoint: resumeEndpoint(r),
  };
}
