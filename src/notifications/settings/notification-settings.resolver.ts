import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Scopes } from '../../auth/scopes.decorator.js';
import { NotificationSettingsInput, NotificationSettingsObject } from './notification-settings.dto.js';
import { NotificationSettingsService, type NotificationSettings } from './notification-settings.service.js';

@Resolver(() => NotificationSettingsObject)
export class NotificationSettingsResolver {
  constructor(private readonly settings: NotificationSettingsService) {}

  @Query(() => NotificationSettingsObject)
  @Scopes('config:read')
  async notificationSettings(): Promise<NotificationSettingsObject> {
    return toObject(await this.settings.current());
  }

  @Mutation(() => NotificationSettingsObject, { description: 'Stores overrides; fields left out keep their value' })
  @Scopes('config:update')
  async updateNotificationSettings(@Args('input') input: NotificationSettingsInput): Promise<NotificationSettingsObject> {
    const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
    return toObject(
      await this.settings.update({
        notifications: defined({
          notification_service_type: input.notificationServiceType,
          send_request_receipt_notification: input.sendRequestReceiptNotification,
          send_request_review_notification: input.sendRequestReviewNotification,
          send_request_completion_notification: input.sendRequestCompletionNotification,
        }),
        execution: defined({
          subject_identity_verification_required: input.subjectIdentityVerificationRequired,
          require_manual_request_approval: input.requireManualRequestApproval,
        }),
      }),
    );
  }
}

function toObject(s: NotificationSettings): NotificationSettingsObject {
  return {
    notificationServiceType: s.notifications.notification_service_type,
    sendRequestReceiptNotification: s.notifications.send_request_receipt_notification,
    sendRequestReviewNotification: s.notifications.send_request_review_notification,
    sendRequestCompletionNotification: s.notifications.send_request_completion_notification,
    subjectIdentityVerificationRequired: s.execution.subject_identity_verification_required,
    requireManualRequestApproval: s.execution.require_manual_request_approval,
  };
}
