import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/index.js';
import { badRequest, RequestValidationError } from '../common/errors/herald.error.js';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import { Page, PageQuery } from '../common/pagination.js';
import { FidesKeyParam } from '../common/validation/fides-key.pipe.js';
import { EmailConfigRequestDto } from './dto/messaging-config.request.dto.js';
import { MessagingConfigEntity } from './messaging-config.entity.js';
import { MessagingConfigNotFound, WordedAs, type ConfigLookup } from './messaging-config.errors.js';
import { EmailConfigResponse, SecretsUpdatedResponse, secretsUpdated, toEmailConfigCommand, toFidesopsResponse } from './messaging-config.mapper.js';
import { MessagingConfigService } from './messaging-config.service.js';
import { FIDESOPS_TEXTS } from './messaging-config.texts.js';
import { DETAIL_LIST, pageOf, Refuses } from '../common/openapi.js';
import { AnswersSerialized } from '../common/response-serializer.js';
import { EMAIL_CONFIG, SECRETS_UPDATED } from './messaging-config.openapi.js';

/**
 * fidesops' `/email/config` routes, for older clients: the same table seen as Mailgun-only, one config at a time,
 * service type in lower case, scopes `email:*`, fidesops' words.
 */
@ApiTags('Email config (fidesops)')
@Controller('email/config')
@WordedAs(FIDESOPS_TEXTS)
export class EmailConfigController {
  constructor(private readonly configs: MessagingConfigService) {}

  @Post()
  @HttpCode(200)
  @Scopes('email:create_or_update')
  @ApiOperation({ summary: 'Create the Mailgun config (only one email config at a time)' })
  @AnswersSerialized(200, EMAIL_CONFIG)
  @Refuses(400, 'An email config exists already')
  @Refuses(409, 'The key or name belongs to another messaging config')
  create(@Body() body: EmailConfigRequestDto): Promise<EmailConfigResponse> {
    return RequestValidationError.prefixed(['body'], async () => {
      const command = toEmailConfigCommand(body);
      if ((await this.configs.count(MessagingServiceType.MAILGUN)) > 0) {
        throw badRequest(`Only one email config is supported at a time. Config with key ${body.key ?? 'None'} is already configured.`);
      }
      // No Mailgun config exists here, so a taken key belongs to a config this dialect cannot see: never take it over.
      return toFidesopsResponse(await this.configs.createOrUpdate(command, { createOnly: true }));
    });
  }

  @Get()
  @Scopes('email:read')
  @ApiOperation({ summary: 'Email configs, newest first' })
  @AnswersSerialized(200, pageOf(EMAIL_CONFIG))
  async list(@Query() query: PageQuery): Promise<Page<EmailConfigResponse>> {
    const page = await this.configs.list(query, MessagingServiceType.MAILGUN);
    return { ...page, items: page.items.map(toFidesopsResponse) };
  }

  @Get(':config_key')
  @Scopes('email:read')
  @ApiOperation({ summary: 'One email config' })
  @AnswersSerialized(200, EMAIL_CONFIG)
  async get(@FidesKeyParam('config_key') key: string): Promise<EmailConfigResponse> {
    return toFidesopsResponse(await this.mailgun(key));
  }

  @Patch(':config_key')
  @Scopes('email:create_or_update')
  @ApiOperation({ summary: 'Replace the email config (full body)' })
  @AnswersSerialized(200, EMAIL_CONFIG)
  @Refuses(409, 'The new key or name belongs to another messaging config')
  update(@FidesKeyParam('config_key') key: string, @Body() body: EmailConfigRequestDto): Promise<EmailConfigResponse> {
    return RequestValidationError.prefixed(['body'], async () => {
      const command = toEmailConfigCommand(body);
      await this.mailgun(key);
      return toFidesopsResponse(await this.configs.update(key, command));
    });
  }

  @Delete(':config_key')
  @HttpCode(204)
  @Scopes('email:delete')
  @ApiOperation({ summary: 'Delete the email config and its secrets' })
  @ApiNoContentResponse()
  async delete(@FidesKeyParam('config_key') key: string): Promise<void> {
    await this.mailgun(key);
    await this.configs.delete(key);
  }

  @Put(':config_key/secret')
  @Scopes('email:create_or_update')
  @ApiOperation({ summary: 'Replace the Mailgun secrets ({mailgun_api_key})' })
  @ApiBody({ schema: { type: 'object', properties: { mailgun_api_key: { type: 'string' } } } })
  @AnswersSerialized(200, SECRETS_UPDATED)
  @Refuses(400, 'Secrets refused by the Mailgun schema, one line per problem', DETAIL_LIST)
  async setSecrets(@FidesKeyParam('config_key') key: string, @Body() body: unknown): Promise<SecretsUpdatedResponse> {
    await this.mailgun(key, 'secrets');
    await this.configs.setSecrets(key, body);
    return secretsUpdated(FIDESOPS_TEXTS.secretsUpdated(key));
  }

  /** fidesops only knows Mailgun configs: any other type is "not found" here. */
  private async mailgun(key: string, lookup: ConfigLookup = 'config'): Promise<MessagingConfigEntity> {
    const config = await this.configs.find(key);
    if (config?.serviceType !== MessagingServiceType.MAILGUN) throw new MessagingConfigNotFound(key, lookup);
    return config;
  }
}
