import {
  alwaysNull,
  anyObject,
  arrayOf,
  boolean,
  bulkResultOf,
  dateTime,
  enumOf,
  integer,
  mapOf,
  model,
  NULL,
  nullable,
  object,
  oneOf,
  string,
} from '../../common/openapi.js';
import { POLICY } from '../policies/policies.openapi.js';
import { PRIVACY_REQUEST_STATUSES } from './privacy-request.entity.js';

const STATUS = enumOf(PRIVACY_REQUEST_STATUSES);

/** Fides' ExecutionLogResponse. */
export const EXECUTION_LOG = model(
  'ExecutionLog',
  object({
    collection_name: nullable(string),
    fields_affected: nullable(arrayOf(anyObject)),
    message: nullable(string),
    action_type: string,
    status: string,
    updated_at: dateTime,
    dataset_name: nullable(string),
  }),
);

/** An audit log line inside a verbose request's `results`. */
const AUDIT_LOG = object({
  collection_name: NULL,
  fields_affected: NULL,
  message: string,
  action_type: NULL,
  status: string,
  updated_at: dateTime,
  user_id: nullable(string),
});

/** Fides' PrivacyRequestResponse; `results` only when asked for (`verbose`). */
export const PRIVACY_REQUEST = model(
  'PrivacyRequest',
  object(
    {
      id: string,
      created_at: dateTime,
      started_processing_at: nullable(dateTime),
      reviewed_at: nullable(dateTime),
      reviewed_by: nullable({ ...string, description: 'The OAuth client that reviewed it' }),
      reviewer: alwaysNull('Always null: Herald has no users'),
      finished_processing_at: nullable(dateTime),
      identity_verified_at: nullable(dateTime),
      paused_at: nullable(dateTime),
      status: STATUS,
      external_id: nullable(string),
      identity: nullable(object({ email: nullable(string), phone_number: nullable(string) })),
      policy: POLICY,
      action_required_details: nullable(anyObject),
      resume_endpoint: nullable(string),
      days_left: nullable(integer),
      results: mapOf(arrayOf(oneOf([EXECUTION_LOG, AUDIT_LOG])), 'Execution logs by dataset (50 each), audit logs under `Request <action>`'),
    },
    ['results'],
  ),
);

/** Creation: each item stored or refused on its own; a refused item is echoed without its identity. */
export const PRIVACY_REQUEST_CREATED = model(
  'PrivacyRequestBulkResult',
  bulkResultOf(
    PRIVACY_REQUEST,
    object({ policy_key: string, requested_at: nullable(dateTime), external_id: nullable(string), privacy_request_id: string, status: STATUS }, [
      'privacy_request_id',
      'status',
    ]),
  ),
);

/** Review: the reviewed requests, and the refused ones (the whole request when it exists). */
export const PRIVACY_REQUEST_REVIEWED = model(
  'PrivacyRequestReviewResult',
  bulkResultOf(PRIVACY_REQUEST, oneOf([PRIVACY_REQUEST, object({ privacy_request_id: string })])),
);

/** `GET /id-verification/config`: must requests be verified, and could a code be sent. */
export const ID_VERIFICATION_CONFIG = model('IdVerificationConfig', object({ identity_verification_required: boolean, valid_email_config_exists: boolean }));
