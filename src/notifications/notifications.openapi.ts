import { MessagingServiceType, serviceTypesOf } from '../common/messaging-service-type.js';
import { arrayOf, boolean, dateTime, enumOf, integer, model, nullable, object, string } from '../common/openapi.js';
import { DELIVERY_EVENT_TYPES, DELIVERY_STATUSES } from './events/delivery-status.js';

const SERVICE_TYPE = enumOf(Object.values(MessagingServiceType));
const STATUS = enumOf(['queued', 'sending', 'sent', 'failed']);

const MESSAGE_FIELDS = {
  id: string,
  action_type: string,
  service_type: nullable(SERVICE_TYPE),
  channel: nullable(enumOf(['email', 'sms'])),
  status: STATUS,
  delivery_status: { ...enumOf(DELIVERY_STATUSES), description: "Decision D27: what the provider's delivery events said (unknown until one came)" },
  recipient: nullable({ ...string, description: 'Masked: enough to recognise, not to read' }),
  privacy_request_id: nullable(string),
  attempts: integer,
  provider_message_id: nullable(string),
  failure_reason: nullable(string),
  requested_locale: nullable({ ...string, description: "Decision D32: the locale asked for (its privacy request's BCP 47 tag); null for none" }),
  locale: nullable({
    ...string,
    description: 'Decision D32: the locale its text was rendered in (exact, then language, then base: an empty string); null until rendered',
  }),
  created_at: dateTime,
  updated_at: dateTime,
  sent_at: nullable(dateTime),
};

/** A message of the outbox log. */
export const MESSAGE_LOG_ENTRY = model('MessageLogEntry', object(MESSAGE_FIELDS));

/** A message with every delivery attempt and every delivery event (its timeline, decision D27). */
export const MESSAGE_WITH_ATTEMPTS = model(
  'MessageWithAttempts',
  object({
    ...MESSAGE_FIELDS,
    attempt_log: arrayOf(
      object({
        number: integer,
        outcome: enumOf(['sent', 'retry', 'failed']),
        status_code: nullable(integer),
        reason: nullable(string),
        service_type: nullable({ ...SERVICE_TYPE, description: 'The provider this attempt went to (decision D29); null when it failed before one was chosen' }),
        started_at: dateTime,
        finished_at: dateTime,
      }),
    ),
    events: arrayOf(
      object({
        type: enumOf(DELIVERY_EVENT_TYPES),
        service_type: SERVICE_TYPE,
        occurred_at: dateTime,
        received_at: dateTime,
        reason: nullable({ ...string, description: "The provider's words, the recipient redacted" }),
      }),
    ),
  }),
);

/** How a test message went. */
export const TEST_MESSAGE_RESULT = model('TestMessageResult', object({ msg: string, message_id: string, status: STATUS, failure_reason: nullable(string) }));

/** Fides' answer to a successful `POST /messaging/test/{service_type}` (decision D31). */
export const RECORDED_TEST_RESULT = model('MessagingTestSent', object({ details: string }));

/** The effective notification and execution settings. */
export const NOTIFICATION_SETTINGS = model(
  'NotificationSettings',
  object({
    notifications: object({
      notification_service_type: nullable(SERVICE_TYPE),
      send_request_receipt_notification: boolean,
      send_request_review_notification: boolean,
      send_request_completion_notification: boolean,
      email_fallback_service_types: arrayOf(enumOf(serviceTypesOf('email'))),
      sms_fallback_service_types: arrayOf(enumOf(serviceTypesOf('sms'))),
    }),
    execution: object({ subject_identity_verification_required: boolean, require_manual_request_approval: boolean }),
  }),
);
