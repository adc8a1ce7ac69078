import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OauthClientsService, CurrentCaller, Public, Scopes, type Caller } from '../../auth/index.js';
import { ESTIMATED_TOTAL_DESCRIPTION } from '../../common/database/page-total.js';
import { HeraldError, RequestValidationError, snakeCaseLoc } from '../../common/errors/herald.error.js';
import { Answers, anyObject, pageOf, RateLimited, Refuses } from '../../common/openapi.js';
import { PageQuery } from '../../common/pagination.js';
import { validateList } from '../../common/validation/fides-validation.pipe.js';
import { requesterOf, type Requester } from '../../rate-limits/index.js';
import { DenyDto, PrivacyRequestCreateDto, PrivacyRequestListQuery, ReviewDto, VerifyIdentityDto } from '../dto/privacy-request-request.dto.js';
import { AccessPackages } from '../execution/access-packages.js';
import {
  createCommandOf,
  listParamsOf,
  toCreatedResponse,
  toExecutionLogResponse,
  toPrivacyRequestResponse,
  toReviewedResponse,
} from './privacy-request.mapper.js';
import { PrivacyRequestsService, privacyRequestNotFound } from './privacy-requests.service.js';
import { EXECUTION_LOG, PRIVACY_REQUEST, PRIVACY_REQUEST_CREATED, PRIVACY_REQUEST_REVIEWED } from './privacy-requests.openapi.js';
import { RequestIntakeService } from './request-intake.service.js';
import { RequestReviewService } from './request-review.service.js';

const MAX_BULK = 50;

/** Fides' privacy-request routes. */
@ApiTags('Privacy requests')
@ApiExtraModels(PrivacyRequestCreateDto)
@Controller('privacy-request')
export class PrivacyRequestsController {
  constructor(
    private readonly requests: PrivacyRequestsService,
    private readonly intake: RequestIntakeService,
    private readonly review: RequestReviewService,
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
  @Answers(200, pageOf(PRIVACY_REQUEST, ESTIMATED_TOTAL_DESCRIPTION))
  @Refuses(400, 'Contradictory filters (both succeeded and failed, or a date range that ends before it starts)')
  async list(@Query() q: PrivacyRequestListQuery) {
    const page = await RequestValidationError.prefixed(['query'], () => this.requests.list(listParamsOf(q), q), snakeCaseLoc);
    return { ...page, items: page.items.map(toPrivacyRequestResponse) };
  }

  @Get(':privacy_request_id/log')
  @Scopes('privacy-request:read')
  @ApiOperation({ summary: "A request's execution logs, oldest first" })
  @Answers(200, pageOf(EXECUTION_LOG))
  async logs(@Param('privacy_request_id') id: string, @Query() q: PageQuery) {
    const page = await this.requests.executionLogs(id, q);
    return { ...page, items: page.items.map(toExecutionLogResponse) };
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
    return toPrivacyRequestResponse(await this.intake.verify(id, body.code, await requesterOf(request, this.clients)));
  }

  @Patch('administrate/approve')
  @Scopes('privacy-request:review')
  @ApiOperation({ summary: 'Approve up to 50 pending requests (each is then run)' })
  @Answers(200, PRIVACY_REQUEST_REVIEWED)
  async approve(@Body() body: ReviewDto, @CurrentCaller() caller: Caller) {
    return toReviewedResponse(await this.review.approve(body.request_ids, reviewerOf(caller)));
  }

  @Patch('administrate/deny')
  @Scopes('privacy-request:review')
  @ApiOperation({ summary: 'Deny up to 50 pending requests, with a reason told to the subject' })
  @Answers(200, PRIVACY_REQUEST_REVIEWED)
  async deny(@Body() body: DenyDto, @CurrentCaller() caller: Caller) {
    return toReviewedResponse(await this.review.deny(body.request_ids, reviewerOf(caller), body.reason ?? null));
  }

  @Post(':privacy_request_id/retry')
  @HttpCode(200)
  @Scopes('privacy-request:resume')
  @ApiOperation({ summary: 'Resume a request in error from the step that failed' })
  @Answers(200, PRIVACY_REQUEST)
  @Refuses(400, 'The request is not in error')
  async retry(@Param('privacy_request_id') id: string) {
    return toPrivacyRequestResponse(await this.review.retry(id));
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
    return toCreatedResponse(await this.intake.create(items.map(createCommandOf), from));
  }
}

/** Fides records the reviewing user; Herald's callers are OAuth clients, so their client id. */
const reviewerOf = (caller: Caller | undefined): string | null => caller?.clientId ?? null;
