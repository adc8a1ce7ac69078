import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { OauthClientsService, CurrentCaller, Public, Scopes, type Caller } from '../../auth/index.js';
import { HeraldError, RequestValidationError } from '../../common/errors/herald.error.js';
import { validateList } from '../../common/validation/fides-validation.pipe.js';
import { MessageObject, MessagesService, toMessageObject } from '../../notifications/index.js';
import { requesterOf } from '../../rate-limits/index.js';
import {
  AuditLogObject,
  ExecutionLogObject,
  IdentityObject,
  PrivacyRequestBulkResultObject,
  PrivacyRequestInput,
  PrivacyRequestListArgs,
  PrivacyRequestObject,
  PrivacyRequestPageObject,
  PrivacyRequestStatusValue,
  ReviewResultObject,
} from '../dto/privacy-request.graphql.js';
import { PrivacyRequestUpdates } from './privacy-request-updates.js';
import {
  createCommandOfInput,
  listParamsOfArgs,
  toAnonymousObject,
  toAuditLogObject,
  toCreatedObject,
  toExecutionLogObject,
  toIdentityObject,
  toPrivacyRequestObject,
  toReviewResultObject,
} from './privacy-request.mapper.js';
import { PrivacyRequestsService } from './privacy-requests.service.js';
import { RequestIntakeService } from './request-intake.service.js';
import { RequestReviewService } from './request-review.service.js';

const LOG_PAGE = { page: 1, size: 100 };

@Resolver(() => PrivacyRequestObject)
export class PrivacyRequestsResolver {
  constructor(
    private readonly service: PrivacyRequestsService,
    private readonly intake: RequestIntakeService,
    private readonly review: RequestReviewService,
    private readonly messageLog: MessagesService,
    private readonly clients: OauthClientsService,
    private readonly updates: PrivacyRequestUpdates,
  ) {}

  @Subscription(() => PrivacyRequestObject, {
    description: "A privacy request's status changed (or it was created): the PrivacyRequest of the query, with the status of the change",
    // The iterator yields the PrivacyRequest itself.
    resolve: (request: PrivacyRequestObject) => request,
  })
  @Scopes('privacy-request:read')
  privacyRequestUpdated(
    @Args('id', { type: () => ID, nullable: true }) id?: string,
    @Args('statuses', { type: () => [PrivacyRequestStatusValue], nullable: true }) statuses?: PrivacyRequestStatusValue[],
  ) {
    return this.updates.open({ id: id ?? undefined, statuses: statuses ?? undefined });
  }

  @Query(() => PrivacyRequestPageObject, { description: 'Requests, newest first' })
  @Scopes('privacy-request:read')
  async privacyRequests(@Args() args: PrivacyRequestListArgs): Promise<PrivacyRequestPageObject> {
    const page = await this.service.list(listParamsOfArgs(args), args);
    return { ...page, items: page.items.map(toPrivacyRequestObject) };
  }

  @Query(() => PrivacyRequestObject)
  @Scopes('privacy-request:read')
  async privacyRequest(@Args('id', { type: () => ID }) id: string): Promise<PrivacyRequestObject> {
    return toPrivacyRequestObject(await this.service.get(id));
  }

  @ResolveField(() => IdentityObject, { description: 'The decrypted identity (asked for explicitly)' })
  async identity(@Parent() request: PrivacyRequestObject): Promise<IdentityObject> {
    restricted(request);
    return toIdentityObject((await this.service.get(request.id, { includeIdentities: true })).identity);
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
    return page.items.map(toExecutionLogObject);
  }

  @ResolveField(() => [AuditLogObject], { description: 'The audit trail: approved, denied, email_sent, finished' })
  async auditLogs(@Parent() request: PrivacyRequestObject): Promise<AuditLogObject[]> {
    restricted(request);
    return (await this.service.auditLogs(request.id)).map(toAuditLogObject);
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
    return toCreatedObject(await this.intake.create(items.map(createCommandOfInput), await requesterOf(request, this.clients)));
  }

  @Mutation(() => PrivacyRequestObject, { description: 'Verifies the identity with the code sent to it' })
  @Public()
  async verifyIdentity(
    @Args('id', { type: () => ID }) id: string,
    @Args('code') code: string,
    @Context('req') request: FastifyRequest,
  ): Promise<PrivacyRequestObject> {
    return toAnonymousObject(await this.intake.verify(id, code, await requesterOf(request, this.clients)));
  }

  @Mutation(() => ReviewResultObject)
  @Scopes('privacy-request:review')
  async approvePrivacyRequests(@Args('ids', { type: () => [ID] }) ids: string[], @CurrentCaller() caller: Caller): Promise<ReviewResultObject> {
    return toReviewResultObject(await this.review.approve(limit(ids), caller?.clientId ?? null));
  }

  @Mutation(() => ReviewResultObject)
  @Scopes('privacy-request:review')
  async denyPrivacyRequests(
    @Args('ids', { type: () => [ID] }) ids: string[],
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
    @CurrentCaller() caller: Caller,
  ): Promise<ReviewResultObject> {
    return toReviewResultObject(await this.review.deny(limit(ids), caller?.clientId ?? null, reason ?? null));
  }

  @Mutation(() => PrivacyRequestObject, { description: 'Resumes a request in error from the step that failed' })
  @Scopes('privacy-request:resume')
  async retryPrivacyRequest(@Args('id', { type: () => ID }) id: string): Promise<PrivacyRequestObject> {
    return toPrivacyRequestObject(await this.review.retry(id));
  }
}

function restricted(request: PrivacyRequestObject): void {
  if (request.anonymous) throw new HeraldError('forbidden', 'Query privacyRequest(id) with a token with privacy-request:read for this field.');
}

/** At most 50 ids, as over REST. */
function limit(ids: string[]): string[] {
  if (ids.length > 50) throw new RequestValidationError([{ loc: ['ids'], msg: 'ensure this value has at most 50 items', type: 'value_error.list.max_items' }]);
  return ids;
}
