import type { TemplateContent } from './messaging-template.entity.js';
import { MessagingActionType } from './messaging-action-type.js';

/**
 * Decision D32: the six message types people may edit, in Fides' order (§4.2 of the reference), with Fides' default
 * labels, the `__VARIABLE__`s each may use, and the built-in wording written in that form (what
 * `GET /messaging/templates/default/{type}` shows and what a new template starts from). The built-in messages
 * themselves are still rendered from message-template-sources.ts; the form here cannot say "one link / several
 * links", so it shows the one-item wording.
 */
export const CUSTOMIZABLE_TYPES = [
  MessagingActionType.SUBJECT_IDENTITY_VERIFICATION,
  MessagingActionType.PRIVACY_REQUEST_RECEIPT,
  MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE,
  MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY,
  MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS,
  MessagingActionType.PRIVACY_REQUEST_COMPLETE_DELETION,
] as const;

export type CustomizableType = (typeof CUSTOMIZABLE_TYPES)[number];

const CUSTOMIZABLE = new Set<string>(CUSTOMIZABLE_TYPES);

export const isCustomizable = (type: string): type is CustomizableType => CUSTOMIZABLE.has(type);

/** Fides' MessagingActionType values: any other value is not a type at all (422); these but the six are 400. */
export const FIDES_ACTION_TYPES = [
  'consent_request',
  'consent_request_confirmation',
  'consent_request_email_fulfillment',
  'message_erasure_fulfillment',
  'privacy_request_error_notification',
  'privacy_request_receipt',
  'privacy_request_complete_access',
  'privacy_request_complete_deletion',
  'privacy_request_complete_consent',
  'privacy_request_review_deny',
  'privacy_request_review_approve',
  'subject_identity_verification',
  'test_message',
  'user_invite',
  'password_reset',
  'manual_task_digest',
  'correspondence',
  'external_user_welcome',
] as const;

interface TypeInfo {
  label: string;
  /** Variable names without the underscores, in the order the README lists them. */
  variables: readonly string[];
  defaults: TemplateContent & { sms: string };
}

const same = (subject: string, text: string): TypeInfo['defaults'] => ({ subject, body: `<p>${text}</p>`, sms: text });

export const TYPE_INFO: Record<CustomizableType, TypeInfo> = {
  [MessagingActionType.SUBJECT_IDENTITY_VERIFICATION]: {
    label: 'Subject identity verification',
    variables: ['CODE', 'MINUTES'],
    defaults: same(
      'Your one-time code',
      'Your privacy request verification code is __CODE__. Please return to the Privacy Center and enter the code to continue. This code will expire in __MINUTES__ minutes',
    ),
  },
  [MessagingActionType.PRIVACY_REQUEST_RECEIPT]: {
    label: 'Privacy request received',
    variables: ['REQUEST_TYPES'],
    defaults: same('Your request has been received', 'Your __REQUEST_TYPES__ request has been received'),
  },
  [MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE]: {
    label: 'Privacy request approved',
    variables: [],
    defaults: same('Your request has been approved', 'Your privacy request has been approved and is currently processing.'),
  },
  [MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY]: {
    label: 'Privacy request denied',
    variables: ['DENIAL_REASON'],
    defaults: same('Your request has been denied', 'Your privacy request has been denied. __DENIAL_REASON__'),
  },
  [MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS]: {
    label: 'Access request completed',
    // LIFETIME is Herald's (decision D8: the link's real lifetime in words); DAYS is Fides' whole days.
    variables: ['DOWNLOAD_LINK', 'DAYS', 'LIFETIME'],
    defaults: {
      subject: 'Your data is ready to be downloaded',
      body: '<p>Your data access has been completed and can be downloaded at <a href="__DOWNLOAD_LINK__">__DOWNLOAD_LINK__</a>. For security purposes, this secret link will expire in __LIFETIME__.</p>',
      sms: 'Your data access has been completed and can be downloaded at __DOWNLOAD_LINK__. For security purposes, this secret link will expire in __LIFETIME__.',
    },
  },
  [MessagingActionType.PRIVACY_REQUEST_COMPLETE_DELETION]: {
    label: 'Erasure request completed',
    variables: [],
    defaults: same('Your data has been deleted', 'Your privacy request for deletion has been completed.'),
  },
};

/** The values a preview uses for the variables it is not given. */
export const SAMPLE_VALUES: Record<string, string> = {
  CODE: '123456',
  MINUTES: '10',
  REQUEST_TYPES: 'access',
  DENIAL_REASON: 'We could not verify your identity.',
  DOWNLOAD_LINK: 'https://privacy.example.com/download/sample',
  DAYS: '5',
  LIFETIME: '5 days',
};
