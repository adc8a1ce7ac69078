import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { FieldAffected } from '../execution/erasure-instructions.js';
import type { ExecutionStep } from '../execution/execution-steps.js';

export const PRIVACY_REQUEST_STATUSES = [
  'identity_unverified',
  'requires_input',
  'pending',
  'approved',
  'denied',
  'in_processing',
  'complete',
  'paused',
  /** Decision D34: waiting for the next batch of third-party erasure emails. */
  'awaiting_email_send',
  'canceled',
  'error',
] as const;
export type PrivacyRequestStatus = (typeof PRIVACY_REQUEST_STATUSES)[number];

/** The user id of what Herald does itself in the audit log (an approval without manual review, a finished run). */
export const SYSTEM = 'system';

/** Fides' `action_required_details` of a request in error (a type, not an interface: it is answered as a JSON object). */
export type ActionRequiredDetails = {
  step: ExecutionStep;
  collection: string | null;
  action_needed: null;
};

/** A data subject's request, run against a policy. Its identity is sealed; hashes find it by identity. */
@Entity('privacy_request')
export class PrivacyRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @Column({ name: 'policy_id', type: 'uuid' }) policyId: string;
  @Column({ type: 'varchar', length: 32 }) status: PrivacyRequestStatus;
  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true }) externalId: string | null;
  @Column({ type: 'text' }) identity: string;
  @Column({ name: 'email_hash', type: 'varchar', length: 64, nullable: true }) emailHash: string | null;
  @Column({ name: 'phone_number_hash', type: 'varchar', length: 64, nullable: true }) phoneNumberHash: string | null;
  @Column({ name: 'requested_at', type: 'timestamptz' }) requestedAt: Date;
  @Column({ name: 'due_date', type: 'timestamptz', nullable: true }) dueDate: Date | null;
  @Column({ name: 'identity_verified_at', type: 'timestamptz', nullable: true }) identityVerifiedAt: Date | null;
  @Column({ name: 'verification_code_hash', type: 'varchar', length: 128, nullable: true }) verificationCodeHash: string | null;
  @Column({ name: 'verification_expires_at', type: 'timestamptz', nullable: true }) verificationExpiresAt: Date | null;
  @Column({ name: 'verification_attempts', type: 'integer', default: 0 }) verificationAttempts: number;
  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true }) reviewedAt: Date | null;
  @Column({ name: 'reviewed_by', type: 'varchar', length: 255, nullable: true }) reviewedBy: string | null;
  @Column({ name: 'started_processing_at', type: 'timestamptz', nullable: true }) startedProcessingAt: Date | null;
  @Column({ name: 'finished_processing_at', type: 'timestamptz', nullable: true }) finishedProcessingAt: Date | null;
  @Column({ name: 'paused_at', type: 'timestamptz', nullable: true }) pausedAt: Date | null;
  /** The step the run is at (or failed at); null before the first run. */
  @Column({ type: 'varchar', length: 64, nullable: true }) step: ExecutionStep | null;
  @Column({ name: 'awaiting_messages', type: 'boolean', default: false }) awaitingMessages: boolean;
  @Column({ name: 'run_attempt', type: 'integer', default: 1 }) runAttempt: number;
  @Column({ name: 'action_required_details', type: 'jsonb', nullable: true }) actionRequiredDetails: ActionRequiredDetails | null;
  @Column({ name: 'failure_reason', type: 'text', nullable: true }) failureReason: string | null;
  /** Decision D34: when the request first waited for a batch email. */
  @Column({ name: 'awaiting_email_send_at', type: 'timestamptz', nullable: true }) awaitingEmailSendAt: Date | null;
  /** Decision D34: the batch whose emails listed the request (its run waits for them). */
  @Column({ name: 'email_batch_id', type: 'uuid', nullable: true }) emailBatchId: string | null;
  /** Decision D32: the BCP 47 tag the subject asked in (canonical), carried by every message of the request. */
  @Column({ type: 'varchar', length: 35, nullable: true }) locale: string | null;
  /** When retention erased the identity (HERALD_RETENTION_REQUEST_IDENTITIES_DAYS); `identity` then holds an empty one. */
  @Column({ name: 'identity_erased_at', type: 'timestamptz', nullable: true }) identityErasedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

/** Who did what to a request (Fides' AuditLog): approved, denied, email_sent, finished. */
@Entity('audit_log')
export class AuditLogEntity {
  @Column({ type: 'uuid', primary: true, generated: 'uuid' }) id: string;
  @Column({ name: 'privacy_request_id', type: 'varchar', length: 64 }) privacyRequestId: string;
  @Column({ type: 'varchar', length: 32 }) action: string;
  @Column({ name: 'user_id', type: 'varchar', length: 255, nullable: true }) userId: string | null;
  @Column({ type: 'text', nullable: true }) message: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** What a run did per collection (Fides' ExecutionLog). */
@Entity('execution_log')
export class ExecutionLogEntity {
  @Column({ type: 'uuid', primary: true, generated: 'uuid' }) id: string;
  @Column({ name: 'privacy_request_id', type: 'varchar', length: 64 }) privacyRequestId: string;
  @Column({ name: 'dataset_name', type: 'varchar', length: 255, nullable: true }) datasetName: string | null;
  @Column({ name: 'collection_name', type: 'varchar', length: 255, nullable: true }) collectionName: string | null;
  @Column({ name: 'fields_affected', type: 'jsonb', nullable: true }) fieldsAffected: FieldAffected[] | null;
  @Column({ name: 'action_type', type: 'varchar', length: 16 }) actionType: string;
  @Column({ type: 'varchar', length: 32 }) status: string;
  @Column({ type: 'text', nullable: true }) message: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
