import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBody, ApiBodyOptions, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Answers, arrayOf, DETAIL, enumOf, NULL, object, oneOf, RateLimited, Refuses, string, VALIDATION_ERROR } from '../common/openapi.js';
import { HeraldError, RequestValidationError, invalid } from '../common/errors/herald.error.js';
import { clientAddress, RateLimitsService, type Charge } from '../rate-limits/index.js';
import { OauthClientsService } from './oauth-clients.service.js';
import { SCOPE_REGISTRY } from './scope-registry.js';
import { Public, Scopes } from './scopes.decorator.js';

const SCOPE_LIST_BODY: ApiBodyOptions = { schema: { type: 'array', items: { type: 'string', enum: [...SCOPE_REGISTRY] } } };

@ApiTags('OAuth')
@Controller('oauth')
export class OauthController {
  constructor(
    private readonly clients: OauthClientsService,
    private readonly rateLimits: RateLimitsService,
  ) {}

  @Post('token')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Access token for a client (client credentials: form fields or HTTP Basic)' })
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { client_id: { type: 'string' }, client_secret: { type: 'string' }, grant_type: { type: 'string', enum: ['client_credentials'] } },
    },
  })
  @Answers(200, object({ access_token: string }))
  @Refuses(401, 'Unknown client, or wrong secret')
  @RateLimited('too many failed token requests for this client id, or from this address (even a right secret waits)')
  async token(@Body() body: unknown, @Req() request: FastifyRequest): Promise<{ access_token: string }> {
    const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const grantType = field(form.grant_type);
    if (grantType !== undefined && grantType !== 'client_credentials') {
      throw invalid(['body', 'grant_type'], "unexpected value; permitted: 'client_credentials'", 'value_error.const');
    }
    const basic = basicCredentials(request.headers.authorization);
    const clientId = field(form.client_id) ?? basic?.id;
    const clientSecret = field(form.client_secret) ?? basic?.secret;
    // D18: only failures count, but a caller over a limit is refused before its secret is looked at.
    const charges: Charge[] = [{ limit: 'tokenFailuresPerAddress', subject: clientAddress(request.ip) }];
    if (clientId !== undefined) charges.push({ limit: 'tokenFailuresPerClient', subject: clientId });
    const accessToken = await this.rateLimits.countFailures(charges, () => this.clients.issueToken(clientId, clientSecret), isAuthenticationFailure);
    return { access_token: accessToken };
  }

  @Post('client')
  @HttpCode(200)
  @Scopes('client:create')
  @ApiOperation({ summary: 'Create a client with the given scopes (bare JSON array); its secret is shown only here' })
  @ApiBody({ ...SCOPE_LIST_BODY, required: false })
  @Answers(200, object({ client_id: string, client_secret: string }))
  @Refuses(422, 'Not a list of strings (a `loc` for each problem), or an unknown scope (`{"detail": "..."}`)', oneOf([VALIDATION_ERROR, DETAIL]))
  create(@Body() body: unknown) {
    return this.clients.create(body === undefined || body === null ? [] : scopeList(body));
  }

  @Delete('client/:client_id')
  @HttpCode(200)
  @Scopes('client:delete')
  @ApiOperation({ summary: 'Delete a client; its tokens stop working' })
  @Answers(200, NULL)
  async delete(@Param('client_id') clientId: string): Promise<null> {
    await this.clients.delete(clientId);
    return null;
  }

  @Get('client/:client_id/scope')
  @Scopes('client:read')
  @ApiOperation({ summary: "A client's scopes ([] for an unknown client)" })
  @Answers(200, arrayOf(string))
  scopes(@Param('client_id') clientId: string): Promise<string[]> {
    return this.clients.scopesOf(clientId);
  }

  @Put('client/:client_id/scope')
  @Scopes('client:update')
  @ApiOperation({ summary: "Replace a client's scopes (bare JSON array); tokens with a removed scope stop working" })
  @ApiBody(SCOPE_LIST_BODY)
  @Answers(200, NULL)
  @Refuses(422, 'Not a list of strings (a `loc` for each problem), or an unknown scope (`{"detail": "..."}`)', oneOf([VALIDATION_ERROR, DETAIL]))
  async setScopes(@Param('client_id') clientId: string, @Body() body: unknown): Promise<null> {
    await this.clients.setScopes(clientId, scopeList(body));
    return null;
  }

  @Get('scope')
  @Scopes('scope:read')
  @ApiOperation({ summary: 'Every scope, in registry order' })
  @Answers(200, arrayOf(enumOf(SCOPE_REGISTRY)))
  registry(): string[] {
    return [...SCOPE_REGISTRY];
  }
}

const isAuthenticationFailure = (error: unknown) => error instanceof HeraldError && error.kind === 'unauthenticated';

function field(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** A bare JSON array of strings, as Fides takes scopes (an object such as `{"scopes": [...]}` is a 422 there too). */
function scopeList(body: unknown): string[] {
  if (!Array.isArray(body)) throw invalid(['body'], 'value is not a valid list', 'type_error.list');
  const issues = body.flatMap((item, i) => (typeof item === 'string' ? [] : [{ loc: ['body', i], msg: 'str type expected', type: 'type_error.str' }]));
  if (issues.length > 0) throw new RequestValidationError(issues);
  return body as string[];
}
