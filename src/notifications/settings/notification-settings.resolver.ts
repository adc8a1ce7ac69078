import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../../auth/index.js';
import { RequestValidationError, camelCaseLoc } from '../../common/errors/herald.error.js';
import { MessagingDefaultService, MessagingConfigObject, toMessagingConfigObject } from '../../messaging-config/index.js';
import { MessagingDefaultStatusObject, MessagingMethodArg, NotificationSettingsInput, NotificationSettingsObject } from './notification-settings.dto.js';
import { settingsPatchOfInput, toSettingsObject } from './notification-settings.mapper.js';
import { NotificationSettingsService } from './notification-settings.service.js';

@Resolver(() => NotificationSettingsObject)
export class NotificationSettingsResolver {
  constructor(
    private readonly settings: NotificationSettingsService,
    private readonly defaults: MessagingDefaultService,
  ) {}

  @Query(() => MessagingDefaultStatusObject, { description: 'Whether the active default messaging config could send (on messagingMethod, when given)' })
  @Scopes('messaging:read')
  async messagingDefaultStatus(
    @Args('messagingMethod', { type: () => MessagingMethodArg, nullable: true }) method?: MessagingMethodArg,
  ): Promise<MessagingDefaultStatusObject> {
    const status = await this.defaults.status(await this.settings.activeServiceType(), method ?? undefined);
    return { configStatus: status.configured ? 'configured' : 'not configured', configured: status.configured, detail: status.detail };
  }

  @Query(() => MessagingConfigObject, { description: 'The config of the active notification service type (GET /messaging/default/active)' })
  @Scopes('messaging:read')
  async activeMessagingDefault(): Promise<MessagingConfigObject> {
    return toMessagingConfigObject(await this.defaults.active(await this.settings.activeServiceType()));
  }

  @Query(() => NotificationSettingsObject)
  @Scopes('config:read')
  async notificationSettings(): Promise<NotificationSettingsObject> {
    return toSettingsObject(await this.settings.current());
  }

  @Mutation(() => NotificationSettingsObject, { description: 'Stores overrides; fields left out keep their value' })
  @Scopes('config:update')
  async updateNotificationSettings(@Args('input') input: NotificationSettingsInput): Promise<NotificationSettingsObject> {
    // The service locates problems in Fides' nested shape (`notifications.email_fallback_service_types`); the input is flat.
    const patch = settingsPatchOfInput(input);
    return toSettingsObject(
      await RequestValidationError.prefixed(
        ['input'],
        () => this.settings.update(patch),
        (loc) => camelCaseLoc(loc.slice(1)),
      ),
    );
  }
}
