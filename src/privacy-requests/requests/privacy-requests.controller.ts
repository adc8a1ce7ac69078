import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OauthClientsService, type Caller } from '../../auth/oauth-clients.service.js';
import { CurrentCaller, Public, Scopes } from '../../auth/scopes.decorator.js';
import { HeraldError } from '../../common/errors/herald.error.js';
import { PageQuery } from '../../common/pagination.js';
import { validateList } from '../../common/validation/fides-validation.pipe.js';
import { AccessPackages } from '../execution/access-packages.js';
import { DenyDto, PrivacyRequestCreateDto, PrivacyRequestListQuery, ReviewDto, VerifyIdentityDto } from '../dto/privacy-request-request.dto.js';
import { executionLogResponse, toPrivacyRequestResponse } from './privacy-request.mapper.js';
import { PrivacyRequestsService, privacyRequestNotFound, type CreateRequestInput, type ReviewResult } from './privacy-requests.service.js';
import { Answers, anyObject, pageOf, RateLimited, Refuses } from '../../common/openapi.js';
import { requesterOf, type Requester } from '../../rate-limits/client-address.js';
import { EXECUTION_LOG, PRIVACY_REQUEST, PRIVACY_REQUEST_CREATED, PRIVACY_REQUEST_REVIEWED } from './privacy-requests.openapi.js';

const MAX_BULK = 50;
const date = (value: string | null | undefined) => (value ? new Date(value) : undefined);

function toCreateInput(dto: PrivacyRequestCreateDto): CreateRequestInput {
  return {
    identity: { email: dto.identity.email ?? null, phone_number: dto.identity.phone_number ?? null },
    policyKey: dto.policy_key,
    requestedAt: date(dto.requested_at),
    externalId: dto.external_id ?? null,
    startedProcessingAt: date(dto.started_processing_at) ?? null,
    finishedProcessingAt: date(dto.finished_processing_at) ?? null,
  };
}

const toReviewResponse = (r: ReviewResult) => ({
  succeeded: r.succeeded.map(toPrivacyRequestResponse),
  failed: r.failed.map((f) => ({ message: f.message, data: f.view ? toPrivacyRequestResponse(f.view) : { privacy_request_id: f.id } })),
});

/** Fides' privacy-request routes. */
@ApiTags('Privacy requests')
@ApiExtraModels(PrivacyRequestCreateDto)
@Controller('privacy-request')
export class PrivacyRequestsController {
  constructor(
    private readonly requests: PrivacyRequestsService,
    private readonly accessPackages: AccessPackages,
    private readonly clients: OauthClientsService,
  ) {}

  @Post()
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Create up to 50 requests (no token: the identity is verified when the settings say so)' })
  @ApiBody({ schema: { type: 'array', maxItems: MAX_BULK, items: { $ref: getSchemaPath(PrivacyRequestCreateDto) } } })
  @Answers(200, PRIVACY_REQUEST_CREATED)
  @RateLimited('too many requests created from this address, or for one of these identities, or too many codes sent to one')
  async create(@Body() body: unknown, @Req() request: FastifyRequest) {
    return this.createMany(body, await requesterOf(request, this.clients));
  }

  @Post('authenticated')
  @HttpCode(200)
  @Scopes('privacy-request:create')
  @ApiOperation({ summary: 'Create up to 50 requests for trusted callers (no verification code, no receipt)' })
  @ApiBody({ schema: { type: 'array', maxItems: MAX_BULK, items: { $ref: getSchemaPath(PrivacyRequestCreateDto) } } })
  @Answers(200, PRIVACY_REQUEST_CREATED)
  async createAuthenticated(@Body() body: unknown) {
    return this.createMany(body, 'authenticated');
  }

  @Get()
  @Scopes('privacy-request:read')
  @ApiOperation({ summary: 'Requests, filtered and sorted (newest first by default)' })
  @Answers(200, pageOf(PRIVACY_REQUEST))
  @Refuses(400, 'Contradictory filters (both succeeded and failed, or a date range that ends before it starts)')
  async list(@Query() q: PrivacyRequestListQuery) {
    const page = await this.requests.list(
      {
        requestId: q.request_id,
        externalId: q.external_id,
        identity: q.identity,
        statuses: q.status,
        createdLt: date(q.created_lt),
        createdGt: date(q.created_gt),
        startedLt: date(q.started_lt),
        startedGt: date(q.started_gt),
        completedLt: date(q.completed_lt),
        completedGt: date(q.completed_gt),
        erroredLt: date(q.errored_lt),
        erroredGt: date(q.errored_gt),
        sortField: q.sort_field,
        sortDirection: q.sort_direction,
        includeIdentities: q.include_identities,
        verbose: q.verbose,
      },
      q,
    );
    return { ...page, items: page.items.map(toPrivacyRequestResponse) };
  }

  @Get(':privacy_request_id/log')
  @Scopes('privacy-request:read')
  @ApiOperation({ summary: "A request's execution logs, oldest first" })
  @Answers(200, pageOf(EXECUTION_LOG))
  async logs(@Param('privacy_request_id') id: string, @Query() q: PageQuery) {
    const page = await this.requests.executionLogs(id, q);
    return { ...page, items: page.items.map(executionLogResponse) };
  }

  @Post(':privacy_request_id/verify')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Verify the identity with the code sent to it' })
  @Answers(200, PRIVACY_REQUEST)
  @Refuses(400, 'The request is not awaiting verification, or its code expired')
  @Refuses(403, 'Wrong code, or too many attempts')
  @RateLimited('too many verification attempts from this address, or for the identity of this request')
  async verify(@Param('privacy_request_id') id: string, @Body() body: VerifyIdentityDto, @Req() request: FastifyRequest) {
    return toPrivacyRequestResponse(await this.requests.verify(id, body.code, await requesterOf(request, this.clients)));
  }

  @Patch('administrate/approve')
  @Scopes('privacy-request:review')
  @ApiOperation({ summary: 'Approve up to 50 pending requests (each is then run)' })
  @Answers(200, PRIVACY_REQUEST_REVIEWED)
  async approve(@Body() body: ReviewDto, @CurrentCaller() caller: Caller) {
    return toReviewResponse(await this.requests.approve(body.request_ids, reviewerOf(caller)));
  }

  @Patch('administrate/deny')
  @Scopes('privacy-request:review')
  @ApiOperation({ summary: 'Deny up to 50 pending requests, with a reason told to the subject' })
  @Answers(200, PRIVACY_REQUEST_REVIEWED)
  async deny(@Body() body: DenyDto, @CurrentCaller() caller: Caller) {
    return toReviewResponse(await this.requests.deny(body.request_ids, reviewerOf(caller), body.reason ?? null));
  }

  @Post(':privacy_request_id/retry')
  @HttpCode(200)
  @Scopes('privacy-request:resume')
  @ApiOperation({ summary: 'Resume a request in error from the step that failed' })
  @Answers(200, PRIVACY_REQUEST)
  @Refuses(400, 'The request is not in error')
  async retry(@Param('privacy_request_id') id: string) {
    return toPrivacyRequestResponse(await this.requests.retry(id));
  }

  @Get(':privacy_request_id/access-package')
  @Public()
  @ApiOperation({ summary: 'The access package, through the signed link of the completion notice (401 bad token, 410 expired)' })
  @ApiQuery({ name: 'token', required: true })
  @Answers(200, { ...anyObject, description: 'The data found, by dataset and collection (a JSON attachment)' })
  @Refuses(401, 'The link is not valid')
  @Refuses(410, 'The link has expired')
  async accessPackage(@Param('privacy_request_id') id: string, @Query('token') token: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const check = await this.accessPackages.check(id, token);
    if (check === 'invalid') throw new HeraldError('unauthenticated', 'The download link is not valid.');
    if (check === 'expired') throw new HeraldError('gone', 'The download link has expired.');
    const content = await this.accessPackages.read(id);
    if (content === undefined) throw privacyRequestNotFound(id);
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${id}.json"`);
    reply.header('cache-control', 'no-store');
    return content;
  }

  private async createMany(body: unknown, from: 'authenticated' | Requester) {
    const items = validateList(PrivacyRequestCreateDto, body, ['body'], MAX_BULK);
    const result = await this.requests.create(items.map(toCreateInput), from);
    return { succeeded: result.succeeded.map(toPrivacyRequestResponse), failed: result.failed };
  }
}

/** Fides records the reviewing user; Herald's callers are OAuth clients, so their client id. */
const reviewerOf = (caller: Caller | undefined): string | null => caller?.clientId ?? null;
