import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/index.js';
import { Answers, Refuses } from '../../common/openapi.js';
import {
  MESSAGING_DEFAULT_CONFIG,
  MESSAGING_DEFAULT_STATUS,
  MessagingDefaultService,
  toDefaultResponse,
  toDefaultStatusResponse,
  type MessagingDefaultResponse,
  type MessagingDefaultStatusResponse,
} from '../../messaging-config/index.js';
import { MessagingDefaultStatusQuery } from '../messages.dto.js';
import { NotificationSettingsService } from './notification-settings.service.js';

/**
 * The later Fides routes about the *active* default (decision D31): the config of the effective
 * `notification_service_type`. Here because that setting is notifications'; the other `/messaging/default` routes
 * are in messaging-config.
 */
@ApiTags('Messaging config')
@Controller('messaging/default')
export class ActiveMessagingDefaultController {
  constructor(
    private readonly settings: NotificationSettingsService,
    private readonly defaults: MessagingDefaultService,
  ) {}

  @Get('active')
  @Scopes('messaging:read')
  @ApiOperation({ summary: 'The config of the active notification service type (404 when unset or when no config has that type)' })
  @Answers(200, MESSAGING_DEFAULT_CONFIG)
  @Refuses(404, '`No active default messaging config found.`')
  @Refuses(400, 'The stored notification_service_type is no service type: `Invalid notification_service_type configured.`')
  async active(): Promise<MessagingDefaultResponse> {
    return toDefaultResponse(await this.defaults.active(await this.settings.activeServiceType()));
  }

  @Get('status')
  @Scopes('messaging:read')
  @ApiOperation({ summary: 'Whether the active default could send (on messaging_method, when given), and in words why not' })
  @Answers(200, MESSAGING_DEFAULT_STATUS)
  async status(@Query() query: MessagingDefaultStatusQuery): Promise<MessagingDefaultStatusResponse> {
    return toDefaultStatusResponse(await this.defaults.status(await this.settings.activeServiceType(), query.messaging_method));
  }
}
