import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/index.js';
import { RequestValidationError } from '../common/errors/herald.error.js';
import { Page, PageQuery } from '../common/pagination.js';
import { FidesKeyParam } from '../common/validation/fides-key.pipe.js';
import { MessagingConfigRequestDto } from './dto/messaging-config.request.dto.js';
import { MessagingConfigResponse, SecretsUpdatedResponse, secretsUpdated, toConfigCommand, toFidesResponse } from './messaging-config.mapper.js';
import { MessagingConfigService } from './messaging-config.service.js';
import { FIDES_TEXTS } from './messaging-config.texts.js';
import { DETAIL_LIST, pageOf, Refuses } from '../common/openapi.js';
import { AnswersSerialized } from '../common/response-serializer.js';
import { MESSAGING_CONFIG, SECRETS_UPDATED } from './messaging-config.openapi.js';

const SECRETS_EXAMPLE = {
  description:
    'MAILGUN {mailgun_api_key, mailgun_webhook_signing_key?}; TWILIO_TEXT {twilio_account_sid, twilio_auth_token, twilio_messaging_service_sid?, twilio_sender_phone_number?}; ' +
    'TWILIO_EMAIL {twilio_api_key, twilio_email_webhook_public_key?}; MAILCHIMP_TRANSACTIONAL {mailchimp_transactional_api_key, mailchimp_transactional_webhook_key?}; ' +
    'SMTP {smtp_username, smtp_password}; AWS_SES {auth_method, aws_access_key_id?, aws_secret_access_key?, aws_assume_role_arn?, aws_sns_topic_arn?}',
  schema: { type: 'object', additionalProperties: { type: 'string' }, example: { mailgun_api_key: 'key-...' } },
} as const;

/**
 * Fides' `/messaging/config` routes: Fides' words, which are `MessagingConfigNotFound`'s own (no rewording interceptor:
 * it cost every request an Observable pipeline); validation problems of the body under `body`.
 */
@ApiTags('Messaging config')
@Controller('messaging/config')
export class MessagingConfigController {
  constructor(private readonly configs: MessagingConfigService) {}

  @Post()
  @HttpCode(200)
  @Scopes('messaging:create_or_update')
  @ApiOperation({ summary: 'Create a config (a body key naming an existing config updates it, as in Fides)' })
  @AnswersSerialized(200, MESSAGING_CONFIG)
  @Refuses(409, 'A config of that name, or of that service type, exists')
  async create(@Body() body: MessagingConfigRequestDto): Promise<MessagingConfigResponse> {
    return toFidesResponse(await RequestValidationError.prefixed(['body'], () => this.configs.createOrUpdate(toConfigCommand(body))));
  }

  @Get()
  @Scopes('messaging:read')
  @ApiOperation({ summary: 'Configs, newest first' })
  @AnswersSerialized(200, pageOf(MESSAGING_CONFIG))
  async list(@Query() query: PageQuery): Promise<Page<MessagingConfigResponse>> {
    const page = await this.configs.list(query);
    return { ...page, items: page.items.map(toFidesResponse) };
  }

  @Get(':config_key')
  @Scopes('messaging:read')
  @ApiOperation({ summary: 'One config' })
  @AnswersSerialized(200, MESSAGING_CONFIG)
  async get(@FidesKeyParam('config_key') key: string): Promise<MessagingConfigResponse> {
    return toFidesResponse(await this.configs.get(key));
  }

  @Patch(':config_key')
  @Scopes('messaging:create_or_update')
  @ApiOperation({ summary: 'Replace a config (full body); a different body key renames it' })
  @AnswersSerialized(200, MESSAGING_CONFIG)
  @Refuses(409, 'The new key, name or service type belongs to another config')
  async update(@FidesKeyParam('config_key') key: string, @Body() body: MessagingConfigRequestDto): Promise<MessagingConfigResponse> {
    return toFidesResponse(await RequestValidationError.prefixed(['body'], () => this.configs.update(key, toConfigCommand(body))));
  }

  @Delete(':config_key')
  @HttpCode(204)
  @Scopes('messaging:delete')
  @ApiOperation({ summary: 'Delete a config and its secrets' })
  @ApiNoContentResponse()
  async delete(@FidesKeyParam('config_key') key: string): Promise<void> {
    await this.configs.delete(key);
  }

  @Put(':config_key/secret')
  @Scopes('messaging:create_or_update')
  @ApiOperation({ summary: "Replace a config's secrets, validated for its service type (400 with a list of problems)" })
  @ApiBody(SECRETS_EXAMPLE)
  @AnswersSerialized(200, SECRETS_UPDATED)
  @Refuses(400, "Secrets refused by the service type's schema, one line per problem", DETAIL_LIST)
  async setSecrets(@FidesKeyParam('config_key') key: string, @Body() body: unknown): Promise<SecretsUpdatedResponse> {
    await this.configs.setSecrets(key, body);
    return secretsUpdated(FIDES_TEXTS.secretsUpdated(key));
  }
}
