import { Body, Controller, Delete, Get, HttpCode, Patch, Put, Query } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import { Scopes } from '../auth/index.js';
import { RequestValidationError } from '../common/errors/herald.error.js';
import type { Page } from '../common/pagination.js';
import { validateList } from '../common/validation/fides-validation.pipe.js';
import { FidesKeyParam } from '../common/validation/fides-key.pipe.js';
import { EmailSecretsDto } from './connection-secrets.js';
import { ErasureEmailSecretsDto } from './erasure-email-secrets.js';
import {
  ConnectionBulkResponse,
  ConnectionResponse,
  TestStatusMessage,
  toBulkResponse,
  toConnectionFilter,
  toConnectionResponse,
  toTestStatusMessage,
  toUpsertCommand,
} from './connection.mapper.js';
import { ConnectionsService, MAX_BULK_CONNECTIONS } from './connections.service.js';
import { ConnectionListQuery, ConnectionRequestDto, VerifyQuery } from './dto/connection.request.dto.js';
import { Answers, pageOf } from '../common/openapi.js';
import { CONNECTION, CONNECTION_BULK_RESULT, TEST_STATUS_MESSAGE } from './connections.openapi.js';

/** Fides' `/connection` routes, for email connectors. */
@ApiTags('Connections')
@ApiExtraModels(ConnectionRequestDto, EmailSecretsDto, ErasureEmailSecretsDto)
@Controller('connection')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Patch()
  @Scopes('connection:create_or_update')
  @ApiOperation({ summary: 'Create or update up to 50 connections; each item succeeds or fails on its own' })
  @ApiBody({ schema: { type: 'array', maxItems: MAX_BULK_CONNECTIONS, items: { $ref: getSchemaPath(ConnectionRequestDto) } } })
  @Answers(200, CONNECTION_BULK_RESULT)
  upsert(@Body() body: unknown): Promise<ConnectionBulkResponse> {
    return RequestValidationError.prefixed(['body'], async () => {
      const items = validateList(ConnectionRequestDto, body, [], MAX_BULK_CONNECTIONS);
      return toBulkResponse(await this.connections.upsertMany(items.map(toUpsertCommand)));
    });
  }

  @Get()
  @Scopes('connection:read')
  @ApiOperation({ summary: 'Connections by name, filtered' })
  @Answers(200, pageOf(CONNECTION))
  async list(@Query() query: ConnectionListQuery): Promise<Page<ConnectionResponse>> {
    const page = await this.connections.list(toConnectionFilter(query), query);
    return { ...page, items: page.items.map(toConnectionResponse) };
  }

  @Get(':connection_key')
  @Scopes('connection:read')
  @ApiOperation({ summary: 'One connection' })
  @Answers(200, CONNECTION)
  async get(@FidesKeyParam('connection_key') key: string): Promise<ConnectionResponse> {
    return toConnectionResponse(await this.connections.get(key));
  }

  @Delete(':connection_key')
  @HttpCode(204)
  @Scopes('connection:delete')
  @ApiOperation({ summary: 'Delete a connection with its datasets and secrets' })
  @ApiNoContentResponse()
  async delete(@FidesKeyParam('connection_key') key: string): Promise<void> {
    await this.connections.delete(key);
  }

  @Put(':connection_key/secret')
  @Scopes('connection:create_or_update')
  @ApiOperation({
    summary: 'Replace the secrets; with verify (default) send a test email to test_email (test_email_address for generic_erasure_email)',
  })
  @ApiQuery({ name: 'verify', required: false, type: Boolean })
  @ApiBody({
    description: "The connection type's secrets: EmailSecretsDto for `email`, ErasureEmailSecretsDto for `generic_erasure_email`",
    schema: { oneOf: [{ $ref: getSchemaPath(EmailSecretsDto) }, { $ref: getSchemaPath(ErasureEmailSecretsDto) }] },
  })
  @Answers(200, TEST_STATUS_MESSAGE)
  async setSecrets(@FidesKeyParam('connection_key') key: string, @Query() query: VerifyQuery, @Body() body: unknown): Promise<TestStatusMessage> {
    // Fides locates problems of these secrets relative to them, without `body`.
    const result = await this.connections.setSecrets(key, { secrets: body, verify: query.verify });
    return toTestStatusMessage(`Secrets updated for ConnectionConfig with key: ${key}.`, result);
  }

  @Get(':connection_key/test')
  @Scopes('connection:read')
  @ApiOperation({ summary: 'Send a test email with the stored secrets' })
  @Answers(200, TEST_STATUS_MESSAGE)
  async test(@FidesKeyParam('connection_key') key: string): Promise<TestStatusMessage> {
    return toTestStatusMessage(`Test completed for ConnectionConfig with key: ${key}.`, await this.connections.testStored(key));
  }
}
