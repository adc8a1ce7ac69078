import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../../auth/index.js';
import { RequestValidationError } from '../../common/errors/herald.error.js';
import { ErrorAlertSettingsInput, ErrorAlertSettingsObject } from './dto/error-alert-settings.graphql.js';
import { toErrorAlertSettingsObject } from './error-alerts.graphql-mapper.js';
import { ErrorAlertsService } from './error-alerts.service.js';

/** Decision D30 over GraphQL: the same service as `/privacy-request/notification`. */
@Resolver(() => ErrorAlertSettingsObject)
export class ErrorAlertsResolver {
  constructor(private readonly alerts: ErrorAlertsService) {}

  @Query(() => ErrorAlertSettingsObject, { nullable: true, description: 'Error alerts: who is emailed after how many requests in error; null when none' })
  @Scopes('privacy-request-notifications:read')
  async privacyRequestNotificationSettings(): Promise<ErrorAlertSettingsObject | null> {
    const settings = await this.alerts.find();
    return settings && toErrorAlertSettingsObject(settings);
  }

  @Mutation(() => ErrorAlertSettingsObject, { description: 'Sets the error alerts; an empty list switches them off' })
  @Scopes('privacy-request-notifications:create_or_update')
  async setPrivacyRequestNotificationSettings(@Args('input') input: ErrorAlertSettingsInput): Promise<ErrorAlertSettingsObject> {
    return toErrorAlertSettingsObject(await RequestValidationError.prefixed(['input'], () => this.alerts.set(input)));
  }
}
