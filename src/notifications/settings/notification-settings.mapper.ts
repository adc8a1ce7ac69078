import type { Static } from '../../common/openapi.js';
import type { NOTIFICATION_SETTINGS } from '../notifications.openapi.js';
import type { ConfigPatchDto, NotificationSettingsInput, NotificationSettingsObject } from './notification-settings.dto.js';
import type { NotificationSettings, NotificationSettingsPatch } from './notification-settings.service.js';

// The settings of `/config` and GraphQL `notificationSettings` on the wire, both ways.

export type NotificationSettingsResponse = Static<typeof NOTIFICATION_SETTINGS>;

export const toSettingsResponse = ({ notifications: n, execution: e }: NotificationSettings): NotificationSettingsResponse => ({
  notifications: {
    notification_service_type: n.notification_service_type,
    send_request_receipt_notification: n.send_request_receipt_notification,
    send_request_review_notification: n.send_request_review_notification,
    send_request_completion_notification: n.send_request_completion_notification,
    email_fallback_service_types: n.email_fallback_service_types,
    sms_fallback_service_types: n.sms_fallback_service_types,
  },
  execution: {
    subject_identity_verification_required: e.subject_identity_verification_required,
    require_manual_request_approval: e.require_manual_request_approval,
  },
});

/** The body of `PATCH /config`, already in the settings' own shape. */
export const settingsPatchOfBody = (body: ConfigPatchDto): NotificationSettingsPatch => ({ notifications: body.notifications, execution: body.execution });

const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The GraphQL input: fields left out keep their value. */
export const settingsPatchOfInput = (input: NotificationSettingsInput): NotificationSettingsPatch => ({
  notifications: defined({
    notification_service_type: input.notificationServiceType,
    send_request_receipt_notification: input.sendRequestReceiptNotification,
    send_request_review_notification: input.sendRequestReviewNotification,
    send_request_completion_notification: input.sendRequestCompletionNotification,
    email_fallback_service_types: input.emailFallbackServiceTypes,
    sms_fallback_service_types: input.smsFallbackServiceTypes,
  }),
  execution: defined({
    subject_identity_verification_required: input.subjectIdentityVerificationRequired,
    require_manual_request_approval: input.requireManualRequestApproval,
  }),
});

export const toSettingsObject = ({ notifications: n, execution: e }: NotificationSettings): NotificationSettingsObject => ({
  notificationServiceType: n.notification_service_type,
  sendRequestReceiptNotification: n.send_request_receipt_notification,
  sendRequestReviewNotification: n.send_request_review_notification,
  sendRequestCompletionNotification: n.send_request_completion_notification,
  emailFallbackServiceTypes: n.email_fallback_service_types,
  smsFallbackServiceTypes: n.sms_fallback_service_types,
  subjectIdentityVerificationRequired: e.subject_identity_verification_required,
  requireManualRequestApproval: e.require_manual_request_approval,
});
