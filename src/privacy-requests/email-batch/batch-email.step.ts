import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConnectionsService } from '../../connections/index.js';
import { MessageOutcomes } from '../../notifications/index.js';
import type { StepOutcome } from '../execution/execution-steps.js';
import type { Policy } from '../policies/policies.service.js';
import { IdentityVault } from '../requests/identity-vault.js';
import { ExecutionLogEntity, type PrivacyRequestEntity } from '../requests/privacy-request.entity.js';
import { entriesOfRequests, identitiesFor } from './email-batch-entries.js';

/** Fides' execution-log entry of a request parked for the batch. */
export const PENDING_DATASET = 'Pending batch email send';
export const PENDING_MESSAGE = 'Privacy request paused pending batch email send job';

const IN_FLIGHT = new Set(['queued', 'sending']);

/**
 * The run's `batch_email_send` step (decision D34). First pass: when an enabled `generic_erasure_email` connector
 * with write access lists one of the request's identities and has not yet had its email for this request, the request
 * is parked in `awaiting_email_send` until the next batch (EmailBatchSender). Once a batch has listed it: waits for
 * the batch's emails, logs each that went out, and stops in `error` when one failed for good.
 */
@Injectable()
export class BatchEmailStep {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly messageOutcomes: MessageOutcomes,
    private readonly vault: IdentityVault,
  ) {}

  async run(m: EntityManager, request: PrivacyRequestEntity, policy: Policy): Promise<StepOutcome> {
    if (!policy.rules.some((r) => r.actionType === 'erasure')) return 'next';
    if (request.awaitingMessages && request.emailBatchId) return this.outcomeOfBatch(m, request, request.emailBatchId);

    const connectors = await this.connections.erasureEmailConnectors();
    if (connectors.length === 0) return 'next';
    const done = await this.connectorsDone(m, request.id);
    const identity = this.vault.open(request.id, request.identity);
    const pending = connectors.filter(({ connection }) => !done.has(connection.id));
    const needing = pending.filter(({ secrets }) => identitiesFor(identity, secrets.advanced_settings.identity_types).length > 0);
    if (needing.length === 0) {
      for (const { connection } of pending) {
        await this.log(m, request.id, connection.key, 'skipped', `Erasure email skipped for '${connection.name}'`);
      }
      return 'next';
    }
    const first = request.awaitingEmailSendAt === null;
    Object.assign(request, { status: 'awaiting_email_send', awaitingEmailSendAt: request.awaitingEmailSendAt ?? new Date(), emailBatchId: null });
    if (first) await this.log(m, request.id, PENDING_DATASET, 'pending', PENDING_MESSAGE);
    return 'wait';
  }

  private async outcomeOfBatch(m: EntityManager, request: PrivacyRequestEntity, batchId: string): Promise<StepOutcome> {
    const entries = (await entriesOfRequests(m, [request.id])).filter((e) => e.batchId === batchId);
    const outcomes = new Map(
      (
        await this.messageOutcomes.outcomesOfKeys(
          entries.map((e) => e.messageKey),
          m,
        )
      ).map((o) => [o.idempotencyKey, o]),
    );
    if (entries.some((e) => IN_FLIGHT.has(outcomes.get(e.messageKey)?.status ?? 'queued'))) return 'wait';
    for (const entry of entries) {
      if (outcomes.get(entry.messageKey)?.status === 'sent') {
        await this.log(m, request.id, entry.connectionKey, 'complete', `Erasure email instructions dispatched for '${entry.connectionName}'`);
      }
    }
    const failed = entries.find((e) => outcomes.get(e.messageKey)?.status === 'failed');
    if (failed) {
      const reason = outcomes.get(failed.messageKey)?.reason ?? 'the email could not be sent';
      return { error: `Batch erasure email ${batchId} for connector ${failed.connectionKey} failed: ${reason}` };
    }
    return 'next';
  }

  /** The connectors whose batch email listing this request went out (in any batch). */
  private async connectorsDone(m: EntityManager, requestId: string): Promise<Set<string>> {
    const entries = await entriesOfRequests(m, [requestId]);
    const sent = new Set(
      (
        await this.messageOutcomes.outcomesOfKeys(
          entries.map((e) => e.messageKey),
          m,
        )
      )
        .filter((o) => o.status === 'sent')
        .map((o) => o.idempotencyKey),
    );
    return new Set(entries.filter((e) => sent.has(e.messageKey)).map((e) => e.connectionId));
  }

  private log(m: EntityManager, privacyRequestId: string, datasetName: string, status: string, message: string) {
    return m.insert(ExecutionLogEntity, { privacyRequestId, datasetName, collectionName: null, actionType: 'erasure', status, message });
  }
}
