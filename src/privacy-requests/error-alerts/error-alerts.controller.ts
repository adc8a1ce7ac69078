import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/index.js';
import { notFound, RequestValidationError } from '../../common/errors/herald.error.js';
import { Answers, Refuses } from '../../common/openapi.js';
import { ErrorAlertSettingsRequestDto } from './dto/error-alert-settings.request.dto.js';
import { toErrorAlertSettingsResponse, type ErrorAlertSettingsResponse } from './error-alerts.mapper.js';
import { ErrorAlertsService } from './error-alerts.service.js';
import { ERROR_ALERT_SETTINGS } from './error-alerts.openapi.js';

/** Fides' text when no alerts are configured. */
export const NO_ERROR_ALERTS = 'No privacy request notification info found';

/** Fides' `/privacy-request/notification`: the error alerts of decision D30. */
@ApiTags('Privacy requests')
@Controller('privacy-request/notification')
export class ErrorAlertsController {
  constructor(private readonly alerts: ErrorAlertsService) {}

  @Get()
  @Scopes('privacy-request-notifications:read')
  @ApiOperation({ summary: 'Who is emailed after how many requests in error' })
  @Answers(200, ERROR_ALERT_SETTINGS)
  @Refuses(404, NO_ERROR_ALERTS)
  async get(): Promise<ErrorAlertSettingsResponse> {
    const settings = await this.alerts.find();
    if (!settings) throw notFound(NO_ERROR_ALERTS);
    return toErrorAlertSettingsResponse(settings);
  }

  @Put()
  @Scopes('privacy-request-notifications:create_or_update')
  @ApiOperation({ summary: 'Set who is emailed after how many requests in error; an empty list switches the alerts off' })
  @Answers(200, ERROR_ALERT_SETTINGS)
  async set(@Body() body: ErrorAlertSettingsRequestDto): Promise<ErrorAlertSettingsResponse> {
    const settings = await RequestValidationError.prefixed(
      ['body'],
      () => this.alerts.set({ emailAddresses: body.email_addresses, notifyAfterFailures: body.notify_after_failures }),
      (loc) => loc.map((part) => (part === 'emailAddresses' ? 'email_addresses' : part)),
    );
    return toErrorAlertSettingsResponse(settings);
  }
}
