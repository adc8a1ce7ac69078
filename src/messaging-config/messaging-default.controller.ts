import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/index.js';
import { RequestValidationError } from '../common/errors/herald.error.js';
import type { MessagingServiceType } from '../common/messaging-service-type.js';
import { Refuses } from '../common/openapi.js';
import { AnswersSerialized } from '../common/response-serializer.js';
import { ApiServiceTypeParam, ServiceTypeParam } from '../common/validation/service-type.pipe.js';
import { MessagingDefaultRequestDto } from './dto/messaging-default.request.dto.js';
import { type MessagingDefaultResponse, type SecretsUpdatedResponse, secretsUpdated, toDefaultResponse } from './messaging-config.mapper.js';
import { MESSAGING_DEFAULT_CONFIG, SECRETS_UPDATED } from './messaging-config.openapi.js';
import { FIDES_TEXTS } from './messaging-config.texts.js';
import { MessagingDefaultService } from './messaging-default.service.js';

/**
 * The later Fides routes keyed by service type (decision D31), in the later shapes. `/messaging/default/active` and
 * `/status` (which need the notification setting) are in notifications; Fastify matches those static paths first.
 */
@ApiTags('Messaging config')
@Controller('messaging/default')
export class MessagingDefaultController {
  constructor(private readonly defaults: MessagingDefaultService) {}

  @Put()
  @Scopes('messaging:create_or_update')
  @ApiOperation({ summary: 'Create or update the config of a service type (an existing one keeps its key and name; this never changes which type is active)' })
  @AnswersSerialized(200, MESSAGING_DEFAULT_CONFIG)
  @Refuses(409, 'The default key or name belongs to a config of another type')
  async put(@Body() body: MessagingDefaultRequestDto): Promise<MessagingDefaultResponse> {
    return toDefaultResponse(await RequestValidationError.prefixed(['body'], () => this.defaults.put(body.service_type, body.details)));
  }

  @Get(':service_type')
  @Scopes('messaging:read')
  @ApiOperation({ summary: 'The config of a service type (any case)' })
  @ApiServiceTypeParam()
  @AnswersSerialized(200, MESSAGING_DEFAULT_CONFIG)
  @Refuses(404, "No config of that type: `No default messaging config found of type '<type>'`")
  async get(@ServiceTypeParam('service_type') serviceType: MessagingServiceType): Promise<MessagingDefaultResponse> {
    return toDefaultResponse(await this.defaults.get(serviceType));
  }

  @Put(':service_type/secret')
  @Scopes('messaging:create_or_update')
  @ApiOperation({ summary: "Replace the secrets of a service type's config (422 with a list of problems, each located within the secrets)" })
  @ApiBody({ schema: { type: 'object', additionalProperties: true, example: { mailgun_api_key: 'key-...' } } })
  @ApiServiceTypeParam()
  @AnswersSerialized(200, SECRETS_UPDATED)
  @Refuses(404, "No config of that type: `No default messaging config found of type '<type>'`")
  async setSecrets(@ServiceTypeParam('service_type') serviceType: MessagingServiceType, @Body() body: unknown): Promise<SecretsUpdatedResponse> {
    const config = await this.defaults.setSecrets(serviceType, body);
    return secretsUpdated(FIDES_TEXTS.secretsUpdated(config.key));
  }
}
