import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { SETTINGS, type Settings } from '../../config/index.js';
import { ConnectionsService } from '../../connections/index.js';
import { MessageDeliveryWorker, MessageOutcomes, MessagingActionType, NotificationsService } from '../../notifications/index.js';
import { ExecutionQueue } from '../execution/execution-queue.js';
import { RequestRunner } from '../execution/request-runner.js';
import { PoliciesService } from '../policies/policies.service.js';
import { IdentityVault } from '../requests/identity-vault.js';
import { PrivacyRequestEntity } from '../requests/privacy-request.entity.js';
import { batchMessageKey, entriesOfRequests, identitiesFor, insertEntries, requestsOfMessages, type EmailBatchEntry } from './email-batch-entries.js';
import type { EmailBatchRun } from './email-batch.types.js';

/** One batch at a time across every instance: a transaction-scoped advisory lock (key: "herald:email-batch"). */
const BATCH_LOCK = 0x4845_4231;
const BATCH_EMAIL: string = MessagingActionType.MESSAGE_ERASURE_BATCH_FULFILLMENT;
export const NO_ORGANIZATION = 'Cannot send an email to third-party vendor. No organization name found.';

/**
 * Decision D34, one batch run: takes every request waiting in `awaiting_email_send` (oldest first) and, in one
 * transaction under a cluster-wide lock, enqueues one email per `generic_erasure_email` connector listing the
 * identities of the requests it concerns, records who was listed where, and hands every request back to its run: the
 * listed ones wait for their emails (whose final outcome wakes them, in the transaction that records it), the others
 * go on at once. A second instance that runs meanwhile finds the lock taken, or nothing left waiting.
 */
@Injectable()
export class EmailBatchSender {
  private readonly logger = new Logger(EmailBatchSender.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly connections: ConnectionsService,
    private readonly notifications: NotificationsService,
    private readonly messageOutcomes: MessageOutcomes,
    private readonly policies: PoliciesService,
    private readonly vault: IdentityVault,
    private readonly executions: ExecutionQueue,
    private readonly runner: RequestRunner,
    deliveries: MessageDeliveryWorker,
  ) {
    deliveries.onFinalOutcome({
      wants: (outcome) => outcome.actionType === BATCH_EMAIL,
      write: async (outcomes, manager) =>
        this.executions.enqueueMany(
          await requestsOfMessages(
            manager,
            outcomes.map((o) => o.messageId),
          ),
          manager,
        ),
    });
  }

  async send(): Promise<EmailBatchRun> {
    const run = await this.dataSource.transaction(async (m) => {
      const [{ locked }] = await m.query<{ locked: boolean }[]>(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [BATCH_LOCK]);
      if (!locked) return { ran: false, batchId: null, requests: 0, emails: 0 } satisfies EmailBatchRun;
      const requests = await m.find(PrivacyRequestEntity, {
        where: { status: 'awaiting_email_send' },
        order: { awaitingEmailSendAt: 'ASC', createdAt: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
      if (requests.length === 0) return { ran: true, batchId: null, requests: 0, emails: 0 };
      const organization = this.settings.organizationName;
      if (!organization) {
        for (const request of requests) await this.runner.failInTransaction(m, request, 'batch_email_send', NO_ORGANIZATION);
        return { ran: true, batchId: null, requests: requests.length, emails: 0 };
      }
      return this.sendBatch(m, requests, organization);
    });
    if (run.ran && run.requests > 0) this.logger.log({ batchId: run.batchId, requests: run.requests, emails: run.emails }, 'email batch sent to the outbox');
    return run;
  }

  private async sendBatch(m: EntityManager, requests: PrivacyRequestEntity[], organization: string): Promise<EmailBatchRun> {
    const batchId = randomUUID();
    const policyIds = [...new Set(requests.map((r) => r.policyId))];
    const erasing = new Set<string>();
    for (const id of policyIds) if ((await this.policies.findById(id))?.rules.some((r) => r.actionType === 'erasure')) erasing.add(id);
    const identities = new Map(requests.map((r) => [r.id, this.vault.open(r.id, r.identity)]));
    const done = await this.connectorsDone(
      m,
      requests.map((r) => r.id),
    );

    const entries: EmailBatchEntry[] = [];
    let emails = 0;
    for (const { connection, secrets } of await this.connections.erasureEmailConnectors()) {
      const listed: string[] = [];
      const members: string[] = [];
      for (const request of requests) {
        if (!erasing.has(request.policyId) || done.has(`${request.id}:${connection.id}`)) continue;
        const values = identitiesFor(identities.get(request.id)!, secrets.advanced_settings.identity_types);
        if (values.length === 0) continue;
        members.push(request.id);
        for (const value of values) if (!listed.includes(value)) listed.push(value);
      }
      if (members.length === 0) continue;
      const messageKey = batchMessageKey(batchId, connection.id);
      const { messageId } = await this.notifications.notify(
        {
          actionType: MessagingActionType.MESSAGE_ERASURE_BATCH_FULFILLMENT,
          recipient: { email: secrets.recipient_email_address },
          params: { organization, vendor: secrets.third_party_vendor_name, identities: listed },
          privacyRequestId: null,
          idempotencyKey: messageKey,
          serviceType: 'email',
        },
        m,
      );
      emails++;
      for (const privacyRequestId of members) {
        entries.push({
          batchId,
          privacyRequestId,
          connectionId: connection.id,
          connectionKey: connection.key,
          connectionName: connection.name,
          messageId,
          messageKey,
        });
      }
    }
    await insertEntries(m, entries);

    const listedRequests = new Set(entries.map((e) => e.privacyRequestId));
    for (const request of requests) {
      Object.assign(request, { status: 'in_processing', emailBatchId: batchId, awaitingMessages: listedRequests.has(request.id) });
    }
    await m.save(requests);
    // The ones no email listed go on now (their step finds nothing left to send); the others when their emails end.
    await this.executions.enqueueMany(
      requests.filter((r) => !listedRequests.has(r.id)).map((r) => r.id),
      m,
    );
    return { ran: true, batchId, requests: requests.length, emails };
  }

  /** `<request id>:<connection id>` of every connector whose batch email for the request already went out. */
  private async connectorsDone(m: EntityManager, requestIds: string[]): Promise<Set<string>> {
    const entries = await entriesOfRequests(m, requestIds);
    const outcomes = await this.messageOutcomes.outcomesOfKeys([...new Set(entries.map((e) => e.messageKey))], m);
    const sent = new Set(outcomes.filter((o) => o.status === 'sent').map((o) => o.idempotencyKey));
    return new Set(entries.filter((e) => sent.has(e.messageKey)).map((e) => `${e.privacyRequestId}:${e.connectionId}`));
  }

  /**
   * Of the requests waiting for a batch's emails, those whose emails have all ended at least `quietSeconds` ago: their
   * wake-up was lost (the sweep of RequestExecutionWorker calls this; a fresher end has its own wake-up on the way).
   */
  async settled(m: EntityManager, requests: { id: string; emailBatchId: string | null }[], quietSeconds: number): Promise<string[]> {
    const batchOf = new Map(requests.map((r) => [r.id, r.emailBatchId]));
    const entries = (await entriesOfRequests(m, [...batchOf.keys()])).filter((e) => batchOf.get(e.privacyRequestId) === e.batchId);
    const ended = await this.messageOutcomes.endedKeys([...new Set(entries.map((e) => e.messageKey))], quietSeconds);
    return requests.filter((r) => entries.every((e) => e.privacyRequestId !== r.id || ended.has(e.messageKey))).map((r) => r.id);
  }
}
