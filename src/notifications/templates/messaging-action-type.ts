import { registerEnumType } from '@nestjs/graphql';

/** Fides' MessagingActionType values for the messages Herald sends. */
export enum MessagingActionType {
  SUBJECT_IDENTITY_VERIFICATION = 'subject_identity_verification',
  PRIVACY_REQUEST_RECEIPT = 'privacy_request_receipt',
  PRIVACY_REQUEST_REVIEW_APPROVE = 'privacy_request_review_approve',
  PRIVACY_REQUEST_REVIEW_DENY = 'privacy_request_review_deny',
  PRIVACY_REQUEST_COMPLETE_ACCESS = 'privacy_request_complete_access',
  PRIVACY_REQUEST_COMPLETE_DELETION = 'privacy_request_complete_deletion',
  MESSAGE_ERASURE_FULFILLMENT = 'message_erasure_fulfillment',
  /**
   * Decision D34: one email to a `generic_erasure_email` connector's vendor listing the identities of every request
   * of a batch (Fides sends it as `message_erasure_fulfillment` with another template; Herald names it apart, since
   * it belongs to many requests and is worded differently).
   */
  MESSAGE_ERASURE_BATCH_FULFILLMENT = 'message_erasure_batch_fulfillment',
  /** To the operators: requests ended in error (decision D30). Email only. */
  PRIVACY_REQUEST_ERROR_NOTIFICATION = 'privacy_request_error_notification',
  /** Herald's test message (decision D15). */
  TEST_MESSAGE = 'test_message',
}

registerEnumType(MessagingActionType, { name: 'MessagingActionType' });
