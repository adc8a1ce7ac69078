import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MessagingServiceType } from '../../common/messaging-service-type.js';
import { ConnectionsService } from '../../connections/index.js';
import { DatasetsService } from '../../datasets/index.js';
import { MessageOutcomes, MessagingActionType, NotificationSettingsService, NotificationsService, type NotifyCommand } from '../../notifications/index.js';
import { PoliciesService, type Policy } from '../policies/policies.service.js';
import { IdentityVault, type Identity } from '../requests/identity-vault.js';
import { AuditLogEntity, ExecutionLogEntity, PrivacyRequestEntity, SYSTEM } from '../requests/privacy-request.entity.js';
import { ErrorAlertsService } from '../error-alerts/error-alerts.service.js';
import { AccessPackageTooLarge, AccessPackages } from './access-packages.js';
import { buildErasureInstructions, hasSomethingToErase, toErasureParams, type ErasureRuleTargets, type FieldAffected } from './erasure-instructions.js';
import { BatchEmailStep } from '../email-batch/batch-email.step.js';
import { FIRST_STEP, messageKeyPrefix, nextStep, type ExecutionStep, type StepOutcome } from './execution-steps.js';

type Outcome = StepOutcome;
/** An email connector and one of its datasets, as their services give them. */
type EmailDataset = {
  connection: Awaited<ReturnType<ConnectionsService['all']>>[number];
  dataset: Awaited<ReturnType<DatasetsService['ofConnections']>>[number]['dataset'];
};

const RUNNABLE = new Set(['pending', 'approved', 'in_processing']);

/** What a step does, by name; their order is EXECUTION_STEPS'. */
type StepWork = (m: EntityManager, request: PrivacyRequestEntity, policy: Policy) => Promise<Outcome>;

/**
 * Runs a privacy request step by step, in the order of EXECUTION_STEPS (access package, erasure instructions, erasure
 * emails, completion notices, finished), under the request's row lock, so that duplicate jobs or several Herald
 * processes never run a step twice. Steps that send messages enqueue them in the same transaction and return; the
 * message outcomes wake the run again (see RequestExecutionWorker), which then moves on, or stops in `error` naming the
 * step to retry from.
 */
@Injectable()
export class RequestRunner {
  private readonly logger = new Logger(RequestRunner.name);
  private readonly steps: Record<ExecutionStep, StepWork> = {
    access: (m, request, policy) => this.access(m, request, policy),
    erasure: (m, request, policy) => this.erasure(m, request, policy),
    erasure_email_post_send: (m, request, policy) => this.erasureEmails(m, request, policy),
    batch_email_send: (m, request, policy) => this.batchEmail.run(m, request, policy),
    completion_notification: (m, request, policy) => this.completion(m, request, policy),
    finished: (m, request) => this.finish(m, request),
  };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: PoliciesService,
    private readonly connections: ConnectionsService,
    private readonly datasets: DatasetsService,
    private readonly notifications: NotificationsService,
    private readonly messageOutcomes: MessageOutcomes,
    private readonly notificationSettings: NotificationSettingsService,
    private readonly vault: IdentityVault,
    private readonly accessPackages: AccessPackages,
    private readonly errorAlerts: ErrorAlertsService,
    private readonly batchEmail: BatchEmailStep,
  ) {}

  async run(requestId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const request = await m.findOne(PrivacyRequestEntity, { where: { id: requestId }, lock: { mode: 'pessimistic_write' } });
      if (!request || !RUNNABLE.has(request.status)) return;
      const policy = await this.policies.findById(request.policyId);
      if (!policy) return this.fail(m, request, FIRST_STEP, `The policy of this request no longer exists.`);
      if (request.status !== 'in_processing') {
        Object.assign(request, { status: 'in_processing', startedProcessingAt: request.startedProcessingAt ?? new Date() });
      }
      request.step ??= FIRST_STEP;
      for (;;) {
        const step: ExecutionStep = request.step;
        const outcome = await this.steps[step](m, request, policy);
        if (outcome === 'wait') break;
        if (typeof outcome === 'object') return this.fail(m, request, step, outcome.error);
        if (step === 'finished') break;
        request.step = nextStep(step);
        request.awaitingMessages = false;
      }
      await m.save(request);
    });
  }

  /** Records an unexpected failure of a run (the job gave up), so the request can be retried from its step. */
  async markFailed(requestId: string, reason: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const request = await m.findOne(PrivacyRequestEntity, { where: { id: requestId }, lock: { mode: 'pessimistic_write' } });
      if (request && RUNNABLE.has(request.status)) await this.fail(m, request, request.step ?? FIRST_STEP, reason);
    });
  }

  /** Puts a request in `error` at `step` with the reason, in the caller's transaction (a batch that cannot be sent, D34). */
  async failInTransaction(m: EntityManager, request: PrivacyRequestEntity, step: ExecutionStep, reason: string): Promise<void> {
    await this.fail(m, request, step, reason);
  }

  /** The access package: what Herald holds about the request (the request and its logs), sealed in the database. */
  private async access(m: EntityManager, request: PrivacyRequestEntity, policy: Policy): Promise<Outcome> {
    if (!policy.rules.some((r) => r.actionType === 'access')) return 'next';
    const [executionLogs, auditLogs] = await Promise.all([
      m.find(ExecutionLogEntity, { where: { privacyRequestId: request.id }, order: { updatedAt: 'ASC' } }),
      m.find(AuditLogEntity, { where: { privacyRequestId: request.id }, order: { createdAt: 'ASC' } }),
    ]);
    try {
      await this.accessPackages.write(request.id, {
        privacy_request: {
          id: request.id,
          policy_key: policy.key,
          requested_at: request.requestedAt,
          created_at: request.createdAt,
          external_id: request.externalId,
        },
        identity: this.vault.open(request.id, request.identity),
        execution_logs: executionLogs.map((l) => ({
          dataset_name: l.datasetName,
          collection_name: l.collectionName,
          action_type: l.actionType,
          status: l.status,
          message: l.message,
          updated_at: l.updatedAt,
        })),
        audit_logs: auditLogs.map((l) => ({ action: l.action, message: l.message, created_at: l.createdAt })),
      });
    } catch (error) {
      // Too large to keep: the request ends in `error` with the reason, not as an internal error after retries.
      if (error instanceof AccessPackageTooLarge) return { error: error.message };
      throw error;
    }
    return 'next';
  }

  /** Per collection of every email connector's datasets: execution logs saying what will be asked of the third party. */
  private async erasure(m: EntityManager, request: PrivacyRequestEntity, policy: Policy): Promise<Outcome> {
    const rules = erasureRules(policy);
    if (rules.length === 0) return 'next';
    const identity = this.vault.open(request.id, request.identity);
    for (const { connection, dataset } of await this.emailDatasets()) {
      const instructions = buildErasureInstructions(dataset, identity, rules);
      for (const collection of dataset.collections) {
        const log = (status: string, message: string, fieldsAffected: FieldAffected[] | null = null) =>
          m.insert(ExecutionLogEntity, {
            privacyRequestId: request.id,
            datasetName: dataset.fides_key,
            collectionName: collection.name,
            actionType: 'erasure',
            status,
            message,
            fieldsAffected,
          });
        if (connection.disabled) {
          await log('skipped', `Skipping collection ${dataset.fides_key}:${collection.name}. ConnectionConfig ${connection.key} is disabled.`);
          continue;
        }
        if (connection.access !== 'write') {
          await log('error', `No values were erased since this connection ${connection.key} has not been given write access`);
          continue;
        }
        const prepared = instructions.find((i) => i.collection === collection.name);
        if (!prepared) {
          await log('complete', 'No values were erased since no primary key was defined for this collection');
          continue;
        }
        await log('in_processing', 'starting');
        await log('complete', 'email prepared', prepared.fieldsAffected);
      }
    }
    return 'next';
  }

  /** One email per email dataset with something to erase, to its connection's `to_email` (decision D9). */
  private async erasureEmails(m: EntityManager, request: PrivacyRequestEntity, policy: Policy): Promise<Outcome> {
    const rules = erasureRules(policy);
    if (rules.length === 0) return 'next';
    const prefix = messageKeyPrefix(request.id, 'erasure_email_post_send');
    if (request.awaitingMessages) {
      return this.outcomeOf(m, request, prefix, async (sent) => {
        for (const key of sent) {
          const dataset = key.slice(prefix.length, key.lastIndexOf(':'));
          await m.insert(AuditLogEntity, {
            privacyRequestId: request.id,
            action: 'email_sent',
            userId: SYSTEM,
            message: `Erasure email instructions dispatched for '${dataset}'`,
          });
        }
      });
    }
    const identity = this.vault.open(request.id, request.identity);
    const alreadySent = await this.sentKeys(m, request.id, prefix);
    const emails: NotifyCommand[] = [];
    for (const { connection, dataset } of await this.emailDatasets()) {
      if (connection.disabled || connection.access !== 'write') continue;
      const instructions = buildErasureInstructions(dataset, identity, rules);
      if (!hasSomethingToErase(instructions)) continue;
      // A dataset whose email went out in an earlier run is not emailed again.
      if ([...alreadySent].some((key) => key.startsWith(`${prefix}${dataset.fides_key}:`))) continue;
      const secrets = await this.connections.getSecrets(connection);
      if (!secrets?.to_email)
        return { error: `The connection ${connection.key} has no to_email secret: the erasure instructions for '${dataset.fides_key}' could not be sent.` };
      emails.push({
        actionType: MessagingActionType.MESSAGE_ERASURE_FULFILLMENT,
        recipient: { email: secrets.to_email },
        params: toErasureParams(dataset.fides_key, instructions) as unknown as Record<string, unknown>,
        privacyRequestId: request.id,
        idempotencyKey: `${prefix}${dataset.fides_key}:${request.runAttempt}`,
        serviceType: 'email',
        // Carried like every message of the request (D32); the instructions to third parties exist in English only.
        locale: request.locale,
      });
    }
    if (emails.length === 0) return 'next';
    // Every dataset's email in one statement, and only once every connection has what it needs.
    await this.notifications.notifyMany(emails, m);
    request.awaitingMessages = true;
    return 'wait';
  }

  /** Completion notices to the subject, on the channel of the notification service type. */
  private async completion(m: EntityManager, request: PrivacyRequestEntity, policy: Policy): Promise<Outcome> {
    const prefix = messageKeyPrefix(request.id, 'completion_notification');
    if (request.awaitingMessages) return this.outcomeOf(m, request, prefix, async () => undefined);
    const current = await this.notificationSettings.current();
    if (!current.notifications.send_request_completion_notification) return 'next';
    const serviceType = current.notifications.notification_service_type;
    if (!serviceType) return { error: 'No notification service type configured.' };
    const identity = this.vault.open(request.id, request.identity);
    const sms = serviceType === MessagingServiceType.TWILIO_TEXT;
    const recipient: Identity = sms ? { phone_number: identity.phone_number } : { email: identity.email };
    if (!(sms ? identity.phone_number : identity.email)) {
      return { error: `Identity ${sms ? 'phone_number' : 'email'} was not found, so request completion ${sms ? 'message' : 'email'} could not be sent.` };
    }
    const sent = await this.sentKeys(m, request.id, prefix);
    const notices: { kind: string; actionType: MessagingActionType; params: Record<string, unknown> }[] = [];
    if (policy.rules.some((r) => r.actionType === 'access')) {
      notices.push({
        kind: 'access',
        actionType: MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS,
        params: { download_links: [await this.accessPackages.link(request.id)], download_link_ttl_seconds: this.accessPackages.ttlSeconds },
      });
    }
    if (policy.rules.some((r) => r.actionType === 'erasure')) {
      notices.push({ kind: 'erasure', actionType: MessagingActionType.PRIVACY_REQUEST_COMPLETE_DELETION, params: {} });
    }
    const commands: NotifyCommand[] = notices
      .filter((notice) => ![...sent].some((key) => key.startsWith(`${prefix}${notice.kind}:`)))
      .map((notice) => ({
        actionType: notice.actionType,
        recipient,
        params: notice.params,
        privacyRequestId: request.id,
        idempotencyKey: `${prefix}${notice.kind}:${request.runAttempt}`,
        locale: request.locale,
      }));
    if (commands.length === 0) return 'next';
    await this.notifications.notifyMany(commands, m);
    request.awaitingMessages = true;
    return 'wait';
  }

  private async finish(m: EntityManager, request: PrivacyRequestEntity): Promise<Outcome> {
    await m.insert(AuditLogEntity, { privacyRequestId: request.id, action: 'finished', userId: SYSTEM, message: '' });
    Object.assign(request, { status: 'complete', finishedProcessingAt: new Date(), awaitingMessages: false });
    return 'next';
  }

  /**
   * The outcome of the messages a step enqueued in this run: wait while any is in flight; `error` with the provider's
   * reason when one failed; otherwise `onSent` (with their idempotency keys) and on to the next step.
   */
  private async outcomeOf(m: EntityManager, request: PrivacyRequestEntity, prefix: string, onSent: (keys: string[]) => Promise<void>): Promise<Outcome> {
    const thisRun = (await this.messageOutcomes.outcomesFor(request.id, prefix, m)).filter((o) => o.idempotencyKey.endsWith(`:${request.runAttempt}`));
    if (thisRun.some((o) => o.status === 'queued' || o.status === 'sending')) return 'wait';
    // What went out is recorded even when another message failed: a retry does not send it again.
    await onSent(thisRun.filter((o) => o.status === 'sent').map((o) => o.idempotencyKey));
    const failed = thisRun.find((o) => o.status === 'failed');
    return failed ? { error: failed.reason ?? 'A message could not be sent.' } : 'next';
  }

  /** The idempotency keys of the step's messages that went out, in this run or an earlier one. */
  private async sentKeys(m: EntityManager, requestId: string, prefix: string): Promise<Set<string>> {
    const outcomes = await this.messageOutcomes.outcomesFor(requestId, prefix, m);
    return new Set(outcomes.filter((o) => o.status === 'sent').map((o) => o.idempotencyKey));
  }

  private async emailDatasets(): Promise<EmailDataset[]> {
    const connections = (await this.connections.all()).filter((c) => c.connectionType === 'email');
    const byId = new Map(connections.map((c) => [c.id, c]));
    const datasets = await this.datasets.ofConnections(connections.map((c) => c.id));
    return datasets.map((d) => ({ connection: byId.get(d.connectionId)!, dataset: d.dataset }));
  }

  private async fail(m: EntityManager, request: PrivacyRequestEntity, step: ExecutionStep, reason: string): Promise<void> {
    Object.assign(request, {
      status: 'error',
      step,
      awaitingMessages: false,
      failureReason: reason,
      actionRequiredDetails: { step, collection: null, action_needed: null },
      finishedProcessingAt: new Date(),
    });
    await m.save(request);
    await m.insert(ExecutionLogEntity, {
      privacyRequestId: request.id,
      actionType: step === 'access' ? 'access' : 'erasure',
      status: 'error',
      message: reason,
    });
    // Decision D30: counted in this transaction, so the count and the alert commit with the error, once.
    await this.errorAlerts.recordError(m);
    this.logger.warn({ privacyRequestId: request.id, step }, 'privacy request stopped in error');
  }
}

function erasureRules(policy: Policy): ErasureRuleTargets[] {
  return policy.rules
    .filter((r) => r.actionType === 'erasure')
    .map((r) => ({ ruleKey: r.key, maskingStrategy: r.maskingStrategy?.strategy ?? 'null_rewrite', dataCategories: r.targets.map((t) => t.dataCategory) }));
}
