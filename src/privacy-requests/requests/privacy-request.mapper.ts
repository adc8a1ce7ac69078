import { fidesDateTime } from '../../common/datetime.js';
import { toPolicyResponse, type Policy } from '../policies/policies.service.js';
import type { Identity } from './identity-vault.js';
import type { AuditLogEntity, ExecutionLogEntity, PrivacyRequestEntity } from './privacy-request.entity.js';

/** A request with what its response shows. */
export interface PrivacyRequestView {
  request: PrivacyRequestEntity;
  policy: Policy;
  /** Present when asked for (`include_identities`). */
  identity?: Identity;
  /** Present when asked for (`verbose`). */
  executionLogs?: ExecutionLogEntity[];
  auditLogs?: AuditLogEntity[];
}

const DAY_MS = 86_400_000;
const RESUMABLE = new Set(['error']);

export const resumeEndpoint = (r: PrivacyRequestEntity): string | null => (RESUMABLE.has(r.status) ? `/privacy-request/${r.id}/retry` : null);

export function executionLogResponse(log: ExecutionLogEntity) {
  return {
    collection_name: log.collectionName,
    fields_affected: log.fieldsAffected,
    message: log.message,
    action_type: log.actionType,
    status: log.status,
    updated_at: fidesDateTime(log.updatedAt),
    dataset_name: log.datasetName,
  };
}

/** Fides' PrivacyRequestResponse (and its verbose form with `results`). */
export function toPrivacyRequestResponse(view: PrivacyRequestView) {
  const r = view.request;
  const response: Record<string, unknown> = {
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
    days_left: r.dueDate ? Math.ceil((r.dueDate.getTime() - Date.now()) / DAY_MS) : null,
  };
  if (view.executionLogs || view.auditLogs) {
    // Fides groups execution logs by dataset (at most 50 each) and audit logs under `Request <action>`.
    const results: Record<string, unknown[]> = {};
    for (const log of view.executionLogs ?? []) {
      const group = (results[log.datasetName ?? 'Request'] ??= []);
      if (group.length < 50) group.push(executionLogResponse(log));
    }
    for (const log of view.auditLogs ?? []) {
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
    response.results = results;
  }
  return response;
}
