import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/index.js';
import { RequestValidationError } from '../../common/errors/herald.error.js';
import { Answers, Refuses, VALIDATION_ERROR } from '../../common/openapi.js';
import { NOTIFICATION_SETTINGS } from '../notifications.openapi.js';
import { ConfigPatchDto } from './notification-settings.dto.js';
import { settingsPatchOfBody, toSettingsResponse, type NotificationSettingsResponse } from './notification-settings.mapper.js';
import { NotificationSettingsService } from './notification-settings.service.js';

/** Fides' later application-config routes, for the notification and execution switches (decision D16). */
@ApiTags('Application config')
@Controller('config')
export class ConfigController {
  constructor(private readonly settings: NotificationSettingsService) {}

  @Get()
  @Scopes('config:read')
  @ApiOperation({ summary: 'The effective notification and execution settings' })
  @Answers(200, NOTIFICATION_SETTINGS)
  async get(): Promise<NotificationSettingsResponse> {
    return toSettingsResponse(await this.settings.current());
  }

  @Patch()
  @Scopes('config:update')
  @ApiOperation({ summary: 'Override some settings at run time (stored in the database, shared by every process)' })
  @Answers(200, NOTIFICATION_SETTINGS)
  @Refuses(422, 'An unknown key or value, or a fallback chain naming a type of the other channel; nothing is stored', VALIDATION_ERROR)
  async update(@Body() body: ConfigPatchDto): Promise<NotificationSettingsResponse> {
    return toSettingsResponse(await RequestValidationError.prefixed(['body'], () => this.settings.update(settingsPatchOfBody(body))));
  }
}
