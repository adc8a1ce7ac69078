import { fidesDateTime } from '../../common/datetime.js';
import type { Static } from '../../common/openapi.js';
import type {
  AuditLogObject,
  ExecutionLogObject,
  IdentityObject,
  PrivacyRequestBulkResultObject,
  PrivacyRequestInput,
  PrivacyRequestListArgs,
  PrivacyRequestObject,
  ReviewResultObject,
} from '../dto/privacy-request.graphql.js';
import { canonicalOrNull } from '../dto/locale.validator.js';
import type { PrivacyRequestCreateDto, PrivacyRequestListQuery } from '../dto/privacy-request-request.dto.js';
import { toPolicyResponse } from '../policies/policy.mapper.js';
import type { Identity } from './identity-vault.js';
import type { AuditLogEntity, ExecutionLogEntity, PrivacyRequestEntity } from './privacy-request.entity.js';
import type { CreatePrivacyRequestCommand, CreateResult, ListPrivacyRequestsParams, PrivacyRequestView, ReviewResult } from './privacy-request.types.js';
import type { EXECUTION_LOG, ID_VERIFICATION_CONFIG, PRIVACY_REQUEST, PRIVACY_REQUEST_CREATED, PRIVACY_REQUEST_REVIEWED } from './privacy-requests.openapi.js';

// Privacy requests on the wire, both ways: REST in Fides' shapes (the schemas of privacy-requests.openapi.ts are the
// one source of them), GraphQL in its objects.

export type PrivacyRequestResponse = Static<typeof PRIVACY_REQUEST>;
export type ExecutionLogResponse = Static<typeof EXECUTION_LOG>;
type Results = NonNullable<PrivacyRequestResponse['results']>;

const DAY_MS = 86_400_000;
const RESUMABLE = new Set(['error']);
const date = (value: string | null | undefined) => (value ? new Date(value) : undefined);
const daysLeft = (r: PrivacyRequestEntity) => (r.dueDate ? Math.ceil((r.dueDate.getTime() - Date.now()) / DAY_MS) : null);

export const resumeEndpoint = (r: PrivacyRequestEntity): string | null => (RESUMABLE.has(r.status) ? `/privacy-request/${r.id}/retry` : null);

// REST in.

export const createCommandOf = (dto: PrivacyRequestCreateDto): CreatePrivacyRequestCommand => ({
  identity: { email: dto.identity.email ?? null, phone_number: dto.identity.phone_number ?? null },
  policyKey: dto.policy_key,
  requestedAt: date(dto.requested_at),
  externalId: dto.external_id ?? null,
  startedProcessingAt: date(dto.started_processing_at) ?? null,
  finishedProcessingAt: date(dto.finished_processing_at) ?? null,
  locale: canonicalOrNull(dto.locale),
});

export const listParamsOf = (q: PrivacyRequestListQuery): ListPrivacyRequestsParams => ({
  requestId: q.request_id,
  externalId: q.external_id,
  identity: q.identity,
  statuses: q.status,
  createdLt: date(q.created_lt),
  createdGt: date(q.created_gt),
  startedLt: date(q.started_lt),
  startedGt: date(q.started_gt),
  completedLt: date(q.completed_lt),
  completedGt: date(q.completed_gt),
  erroredLt: date(q.errored_lt),
  erroredGt: date(q.errored_gt),
  sortField: q.sort_field,
  sortDirection: q.sort_direction,
  includeIdentities: q.include_identities,
  verbose: q.verbose,
});

// REST out.

export const toExecutionLogResponse = (log: ExecutionLogEntity): ExecutionLogResponse => ({
  collection_name: log.collectionName,
  fields_affected: log.fieldsAffected,
  message: log.message,
  action_type: log.actionType,
  status: log.status,
  updated_at: fidesDateTime(log.updatedAt),
  dataset_name: log.datasetName,
});

/** Fides' PrivacyRequestResponse (and its verbose form with `results`). */
export function toPrivacyRequestResponse(view: PrivacyRequestView): PrivacyRequestResponse {
  const r = view.request;
  const response: PrivacyRequestResponse = {
    id: r.id,
    created_at: fidesDateTime(r.createdAt),
    started_processing_at: fidesDateTime(r.startedProcessingAt),
    reviewed_at: fidesDateTime(r.reviewedAt),
    reviewed_by: r.reviewedBy,
    reviewer: null,
    finished_processing_at: fidesDateTime(r.finishedProcessingAt),
    identity_verified_at: fidesDateTime(r.identityVerifiedAt),
    paused_at: fidesDateTime(r.pausedAt),
    status: r.status,
    external_id: r.externalId,
    identity: view.identity ? { email: view.identity.email ?? null, phone_number: view.identity.phone_number ?? null } : null,
    policy: toPolicyResponse(view.policy),
    action_required_details: r.actionRequiredDetails,
    resume_endpoint: resumeEndpoint(r),
    days_left: daysLeft(r),
  };
  if (view.executionLogs || view.auditLogs) response.results = toResults(view.executionLogs ?? [], view.auditLogs ?? []);
  return response;
}

/** Fides groups execution logs by dataset (at most 50 each) and audit logs under `Request <action>`. */
function toResults(executionLogs: ExecutionLogEntity[], auditLogs: AuditLogEntity[]): Results {
  const results: Results = {};
  for (const log of executionLogs) {
    const group = (results[log.datasetName ?? 'Request'] ??= []);
    if (group.length < 50) group.push(toExecutionLogResponse(log));
  }
  for (const log of auditLogs) {
    (results[`Request ${log.action}`] ??= []).push({
      collection_name: null,
      fields_affected: null,
      message: log.message ?? '',
      action_type: null,
      status: log.action,
      updated_at: fidesDateTime(log.createdAt),
      user_id: log.userId,
    });
  }
  return results;
}

/** A refused item is echoed without its identity (and with the request, when one was stored). */
export const toCreatedResponse = (result: CreateResult): Static<typeof PRIVACY_REQUEST_CREATED> => ({
  succeeded: result.succeeded.map(toPrivacyRequestResponse),
  failed: result.failed.map((f) => ({
    message: f.message,
    data: {
      policy_key: f.command.policyKey,
      requested_at: f.command.requestedAt?.toISOString() ?? null,
      external_id: f.command.externalId ?? null,
      ...(f.request && { privacy_request_id: f.request.id, status: f.request.status }),
    },
  })),
});

export const toReviewedResponse = (result: ReviewResult): Static<typeof PRIVACY_REQUEST_REVIEWED> => ({
  succeeded: result.succeeded.map(toPrivacyRequestResponse),
  failed: result.failed.map((f) => ({ message: f.message, data: f.view ? toPrivacyRequestResponse(f.view) : { privacy_request_id: f.id } })),
});

export const toIdVerificationResponse = (required: boolean, canSend: boolean): Static<typeof ID_VERIFICATION_CONFIG> => ({
  identity_verification_required: required,
  valid_email_config_exists: canSend,
});

// GraphQL in.

export const createCommandOfInput = (i: PrivacyRequestInput): CreatePrivacyRequestCommand => ({
  identity: { email: i.identity.email ?? null, phone_number: i.identity.phoneNumber ?? null },
  policyKey: i.policyKey,
  requestedAt: i.requestedAt ?? undefined,
  externalId: i.externalId ?? null,
  locale: canonicalOrNull(i.locale),
});

export const listParamsOfArgs = (args: PrivacyRequestListArgs): ListPrivacyRequestsParams => ({
  requestId: args.requestId,
  identity: args.identity,
  statuses: args.statuses,
  createdGt: args.createdAfter,
  createdLt: args.createdBefore,
});

// GraphQL out.

export function toPrivacyRequestObject(view: PrivacyRequestView): PrivacyRequestObject {
  const r = view.request;
  return {
    id: r.id,
    status: r.status,
    policyKey: view.policy.key,
    policyName: view.policy.name,
    externalId: r.externalId,
    requestedAt: r.requestedAt,
    createdAt: r.createdAt,
    identityVerifiedAt: r.identityVerifiedAt,
    reviewedAt: r.reviewedAt,
    reviewedBy: r.reviewedBy,
    startedProcessingAt: r.startedProcessingAt,
    finishedProcessingAt: r.finishedProcessingAt,
    daysLeft: daysLeft(r),
    failedStep: r.status === 'error' ? (r.actionRequiredDetails?.step ?? null) : null,
    failureReason: r.failureReason,
    resumeEndpoint: resumeEndpoint(r),
    locale: r.locale,
  };
}

/** What a data subject (no token) gets back: the request, not its identity, messages or logs. */
export const toAnonymousObject = (view: PrivacyRequestView): PrivacyRequestObject => ({ ...toPrivacyRequestObject(view), anonymous: true });

export const toCreatedObject = (result: CreateResult): PrivacyRequestBulkResultObject => ({
  succeeded: result.succeeded.map(toAnonymousObject),
  failed: result.failed.map((f) => ({
    message: f.message,
    policyKey: f.command.policyKey ?? null,
    privacyRequestId: f.request?.id ?? null,
    status: f.request?.status ?? null,
  })),
});

export const toReviewResultObject = (result: ReviewResult): ReviewResultObject => ({
  succeeded: result.succeeded.map(toPrivacyRequestObject),
  failed: result.failed.map((f) => ({ message: f.message, privacyRequestId: f.id })),
});

export const toIdentityObject = (identity: Identity | undefined): IdentityObject => ({
  email: identity?.email ?? null,
  phoneNumber: identity?.phone_number ?? null,
});

export const toExecutionLogObject = (l: ExecutionLogEntity): ExecutionLogObject => ({
  datasetName: l.datasetName,
  collectionName: l.collectionName,
  actionType: l.actionType,
  status: l.status,
  message: l.message,
  fieldsAffected: (l.fieldsAffected ?? []).map((f) => f.path),
  updatedAt: l.updatedAt,
});

export const toAuditLogObject = (l: AuditLogEntity): AuditLogObject => ({ action: l.action, userId: l.userId, message: l.message, createdAt: l.createdAt });
