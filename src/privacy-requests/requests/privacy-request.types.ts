import type { Policy } from '../policies/policy.types.js';
import type { Identity } from './identity-vault.js';
import type { AuditLogEntity, ExecutionLogEntity, PrivacyRequestEntity, PrivacyRequestStatus } from './privacy-request.entity.js';

// The requests services' commands and results, on their own so that the mappers and the services can both use them.

/** A request with what its answer shows. */
export interface PrivacyRequestView {
  request: PrivacyRequestEntity;
  policy: Policy;
  /** Present when asked for (`include_identities`). */
  identity?: Identity;
  /** Present when asked for (`verbose`). */
  executionLogs?: ExecutionLogEntity[];
  auditLogs?: AuditLogEntity[];
}

/** One request to create, validated by the transport. */
export interface CreatePrivacyRequestCommand {
  identity: Identity;
  policyKey: string;
  requestedAt?: Date;
  externalId?: string | null;
  startedProcessingAt?: Date | null;
  finishedProcessingAt?: Date | null;
  /** Decision D32: a canonical BCP 47 tag (validated by the transport), or none. */
  locale?: string | null;
}

/** A command that did not give a request the subject can go on with: why, and the request when one was stored. */
export interface CreateFailure {
  message: string;
  command: CreatePrivacyRequestCommand;
  /** Stored but left unverified (its code could not be sent). */
  request?: { id: string; status: PrivacyRequestStatus };
}

export interface CreateResult {
  succeeded: PrivacyRequestView[];
  failed: CreateFailure[];
}

export interface ReviewResult {
  succeeded: PrivacyRequestView[];
  /** `view` when the request exists (Fides answers the whole request as `data`). */
  failed: { message: string; id: string; view?: PrivacyRequestView }[];
}

/** Which requests to list, and in what order (every bound exclusive, at millisecond precision). */
export interface ListPrivacyRequestsParams {
  /** A prefix of the id, any case. */
  requestId?: string;
  /** A prefix of the external id. */
  externalId?: string;
  /** An email or phone number, matched exactly. */
  identity?: string;
  statuses?: PrivacyRequestStatus[];
  createdLt?: Date;
  createdGt?: Date;
  startedLt?: Date;
  startedGt?: Date;
  completedLt?: Date;
  completedGt?: Date;
  erroredLt?: Date;
  erroredGt?: Date;
  /** A column of the request (Fides' names); an unknown one is a 422 at `sortField`. */
  sortField?: string;
  sortDirection?: 'asc' | 'desc';
  includeIdentities?: boolean;
  verbose?: boolean;
}
