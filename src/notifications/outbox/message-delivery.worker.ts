import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { Job } from 'pg-boss';
import { DataSource, EntityManager } from 'typeorm';
import { KeyRing } from '../../common/crypto/index.js';
import { MessagingServiceType } from '../../common/messaging-service-type.js';
import { SETTINGS, type Settings } from '../../config/settings.js';
import { HEARTBEAT_SECONDS, JobQueueService, databaseUnreachable, transactionDb } from '../../database/job-queue.service.js';
import { preparedQuery } from '../../database/prepared-query.js';
import { MessagingConfigService } from '../../messaging-config/messaging-config.service.js';
import { payloadContext } from '../notifications.service.js';
import { DeliveryError, type OutgoingMessage } from '../providers/messaging-provider.js';
import { MessagingProviderRegistry } from '../providers/messaging-provider.registry.js';
import { observeResponses, parseRetryAfter, type ObservedResponse } from '../providers/provider-responses.js';
import { NotificationSettingsService } from '../settings/notification-settings.service.js';
import { renderEmail, renderSms } from '../templates/message-templates.js';
import type { MessagingActionType } from '../templates/messaging-action-type.js';
import { BatchWriter } from './batch-writer.js';
import { DELIVERY_QUEUE, type DeliveryJob } from './delivery-queue.js';
import type { MessageStatus, ServiceTypeRule } from './message.entity.js';
import type { Recipient } from './recipient.js';
import { ProviderSlots } from './provider-slots.js';
import { attemptTimeoutMs, retryDelaySeconds } from './retry-schedule.js';
import { SendingContextCache, type SendingContext } from './sending-context.cache.js';

interface ClaimedMessage {
  id: string;
  idempotency_key: string;
  action_type: MessagingActionType;
  service_type_rule: ServiceTypeRule;
  payload: string;
  privacy_request_id: string | null;
  attempts: number;
}

/** An attempt's end: the message's new state and the attempt's record. */
interface AttemptRecord {
  messageId: string;
  status: MessageStatus;
  serviceType: string | null;
  channel: string | null;
  providerMessageId: string | null;
  reason: string | null;
  number: number;
  outcome: 'sent' | 'retry' | 'failed';
  statusCode: number | null;
  startedAt: Date;
  privacyRequestId: string | null;
  actionType: string;
  /** For a retry: the job of the next attempt, written with this record. */
  next?: { delaySeconds: number; job: DeliveryJob };
}

/** When an attempt started and where it went (known once its provider is). */
interface AttemptFacts {
  startedAt: Date;
  route: { serviceType: string | null; channel: string | null };
}

/** What became of a message once it will not be tried again. */
export interface FinalOutcome {
  messageId: string;
  privacyRequestId: string | null;
  actionType: string;
  status: Extract<MessageStatus, 'sent' | 'failed'>;
  reason: string | null;
}

/** A feature that must learn of some final outcomes durably: its writes commit with the outcomes, or neither does. */
export interface FinalOutcomeHook {
  /** Whether this outcome concerns the hook (decided without I/O; outcomes nobody wants cost no transaction). */
  wants(outcome: FinalOutcome): boolean;
  /** Runs inside the transaction that records the outcomes it wants. */
  write(outcomes: FinalOutcome[], manager: EntityManager): Promise<void>;
}

const EMAIL_TYPES = new Set([MessagingServiceType.MAILGUN, MessagingServiceType.TWILIO_EMAIL]);
/**
 * pg-boss's own retries of a delivery job: only a process that died with it, a batch whose claim failed, an outcome
 * that could not be recorded, or a send held back while the database was failing.
 */
const JOB_RETRY_LIMIT = 10;
/**
 * How long an attempt's outcome is written again while the database cannot be reached (an embedded server restarts
 * in about a second): a message the provider took is then recorded as sent instead of being sent again by its retry.
 */
const OUTCOME_RETRY_MS = 30_000;
/**
 * Soon at first, then every second: the outcome lands within a second of the database's return, before the job of a
 * send held that long could run again (found stale by a supervision every 5 s, then retried after 1 s).
 */
const outcomeRetryDelayMs = (retry: number) => Math.min(1_000, 100 * 2 ** (retry - 1));
/**
 * How long a claimed message waits for a failing database before its send starts. Past half the heartbeat its job may
 * be found stale and run again, so the message is left to that retry instead.
 */
const SEND_WAIT_MS = (HEARTBEAT_SECONDS * 1000) / 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The id of the job of a message's attempt `attempt` (2 and up): the same every time, so it is written once. */
export function retryJobId(messageId: string, attempt: number): string {
  const hex = createHash('sha256').update(`${messageId}:attempt:${attempt}`).digest('hex');
  // A well-formed UUID (version 8, custom): pg-boss's id column is a uuid.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Delivers queued messages: one pg-boss job per attempt. A retryable failure with attempts left writes the attempt's
 * record and the next attempt's job (after the backoff, or the provider's Retry-After) together; the last outcome is
 * written with whatever the hooks need to learn of it (a privacy request's wake-up). Each failed attempt logs one
 * line. A job runs again only when its process died (its heartbeat stopped), its outcome could not be recorded, or
 * its send was held back while the database was failing: a message already final is left alone.
 */
@Injectable()
export class MessageDeliveryWorker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageDeliveryWorker.name);
  private readonly hooks: FinalOutcomeHook[] = [];
  private readonly slots: ProviderSlots;
  // Attempts ending together are recorded together: one statement and one commit for many under load. A write the
  // database was not there for is tried again (writeAttempts may be repeated: it records each attempt once).
  private readonly attemptLog = new BatchWriter<AttemptRecord>((records) => this.watched(this.writeAttempts(records)), 100, {
    retryable: databaseUnreachable,
    budgetMs: OUTCOME_RETRY_MS,
    delayMs: outcomeRetryDelayMs,
  });
  /** Since when the last statement of this worker found the database unreachable; undefined once one works again. */
  private failingSince: number | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueueService,
    private readonly configs: MessagingConfigService,
    private readonly providers: MessagingProviderRegistry,
    private readonly notificationSettings: NotificationSettingsService,
    private readonly contexts: SendingContextCache,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly keys: KeyRing,
  ) {
    this.slots = new ProviderSlots(settings.delivery.concurrency);
  }

  async onModuleInit(): Promise<void> {
    const { concurrency } = this.settings.delivery;
    // Jobs in hand: twice the provider slots, so a slot freed by one send starts the next at once while the fetch,
    // claim and bookkeeping of other jobs go on beside the provider calls. Four loops with larger batches took less CPU
    // per message than eight or two in the delivery benchmark.
    const loops = Math.min(4, 2 * concurrency);
    const batchSize = Math.ceil((2 * concurrency) / loops);
    const options = {
      // Failed attempts are retried by Herald (a new job each, see conclude); pg-boss retries a job only when its
      // process died with it (no heartbeat for HEARTBEAT_SECONDS) or the database failed it (JOB_RETRY_LIMIT), soon,
      // then backing off.
      retryLimit: JOB_RETRY_LIMIT,
      retryDelay: 1,
      retryBackoff: true,
      retryDelayMax: 30,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      // The bound for a live process whose job hangs. A job may wait for a slot behind another send, and a slot is
      // held until the outcome is recorded: two of the longest timeouts and outcome retries, and the wait for the
      // database before a send.
      expireInSeconds: Math.ceil((2 * (this.settings.providers.timeoutMaxMs + OUTCOME_RETRY_MS) + SEND_WAIT_MS) / 1000) + 60,
    };
    const boss = this.queue.boss;
    if (await boss.getQueue(DELIVERY_QUEUE)) await boss.updateQueue(DELIVERY_QUEUE, options);
    else await boss.createQueue(DELIVERY_QUEUE, { ...options, notify: true });
    // Fetch loops each take a batch and claim it in one statement; each message then waits for a provider slot (at
    // most `concurrency` sends at once, each from its call until its outcome is recorded), so a batch's slowest send
    // holds no slot idle. A job's outcome is its own (perJobResults): one failure does not re-run its batch. While
    // fetches come back full they repeat at once; otherwise new jobs wake the loops through LISTEN/NOTIFY, and polling
    // every 2 s finds the retries that become due (pg-boss would poll a notify-enabled queue only every 30 s).
    await boss.work<DeliveryJob>(
      DELIVERY_QUEUE,
      {
        batchSize,
        localConcurrency: loops,
        perJobResults: true,
        burstWhenBatchFull: true,
        pollingIntervalSeconds: 2,
        notifyPollingIntervalSeconds: 2,
      },
      async (jobs) => {
        const claimed = await this.watched(this.claim(jobs.map((job) => job.data.messageId)));
        const ends = await Promise.all(
          jobs.map(async (job) => {
            const message = claimed.get(job.data.messageId);
            // Not claimable: already final (a job run twice), nothing left to do. Two jobs of one message in a batch
            // (one re-taken from a dead process): the first one sends.
            claimed.delete(job.data.messageId);
            if (!message) return 'recorded' as const;
            // Throws only when the attempt's outcome could not be recorded.
            return this.deliverClaimed(message, job).catch(() => 'unrecorded' as const);
          }),
        );
        // Held back or not recorded: pg-boss runs the job again (the message is still `sending`: claimed again).
        const unrecorded = jobs.filter((_, i) => ends[i] === 'unrecorded').map((job) => job.data.messageId);
        if (unrecorded.length > 0) this.logger.warn({ messageIds: unrecorded }, 'delivery outcomes could not be recorded; their jobs will run again');
        return jobs.map((job, i) => ({ id: job.id, status: ends[i] === 'recorded' ? ('completed' as const) : ('failed' as const) }));
      },
    );
  }

  /** Stops taking jobs and waits for the ones in hand, while the database is still there. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.boss.offWork(DELIVERY_QUEUE, { wait: true }).catch(() => undefined);
  }

  /** The hook learns of the messages it wants once they end sent or failed, in the transaction recording it. */
  onFinalOutcome(hook: FinalOutcomeHook): void {
    this.hooks.push(hook);
  }

  /** Marks the messages still to send as `sending` and counts the attempt, in one statement. */
  private async claim(messageIds: string[]): Promise<Map<string, ClaimedMessage>> {
    const rows = await preparedQuery<ClaimedMessage>(
      this.dataSource,
      undefined,
      'herald_claim_messages',
      `UPDATE message SET status = 'sending', attempts = attempts + 1, updated_at = now()
       WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'sending')
       RETURNING id, idempotency_key, action_type, service_type_rule, payload, privacy_request_id, attempts`,
      [messageIds],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  /**
   * One attempt at one message, recorded with what follows it: `recorded`, or `held` when the database was failing
   * and nothing was sent. Throws only when the record could not be written.
   */
  private async deliverClaimed(message: ClaimedMessage, job: Job<DeliveryJob>): Promise<'recorded' | 'held'> {
    const afterTimeout = job.data.afterTimeout === true;
    const observed: ObservedResponse = {};
    const attempt: AttemptFacts = { startedAt: new Date(), route: { serviceType: null, channel: null } };
    let send: () => Promise<{ providerMessageId: string | null }>;
    try {
      send = await this.prepare(message, attemptTimeoutMs(this.settings.providers, afterTimeout), observed, (route) => (attempt.route = route));
    } catch (thrown) {
      // Nothing went to the provider: no slot needed.
      await this.conclude(message, job.data, attempt, observed, this.deliveryError(thrown, message.id));
      return 'recorded';
    }
    // The slot is held until the outcome is recorded, so at most `concurrency` messages are ever sent and not yet
    // recorded: all that a crash can make Herald send again.
    return this.slots.run(async () => {
      if (!(await this.mayStart(job))) return 'held';
      attempt.startedAt = new Date();
      let outcome: { providerMessageId: string | null } | DeliveryError;
      try {
        outcome = await send();
      } catch (thrown) {
        outcome = this.deliveryError(thrown, message.id);
      }
      await this.conclude(message, job.data, attempt, observed, outcome);
      return 'recorded' as const;
    });
  }

  /**
   * Whether a send may start: not while the database is known to be failing (its outcome could not be recorded). The
   * message waits a little for it; past that, or when its job was found taken again, it is left to the job's retry.
   */
  private async mayStart(job: Job<DeliveryJob>): Promise<boolean> {
    const deadline = Date.now() + SEND_WAIT_MS;
    while (this.failingSince !== undefined || this.queue.embeddedServerDown()) {
      if (Date.now() >= deadline) return false;
      await sleep(50);
    }
    return !job.signal?.aborted;
  }

  /** Notes whether the database answered a statement of this worker (sends wait while it does not), one line per change. */
  private async watched<T>(statement: Promise<T>): Promise<T> {
    try {
      const result = await statement;
      if (this.failingSince !== undefined) {
        this.logger.warn({ downSeconds: Number(((Date.now() - this.failingSince) / 1000).toFixed(1)) }, 'the database answers again: deliveries resume');
        this.failingSince = undefined;
      }
      return result;
    } catch (error) {
      if (this.failingSince === undefined && databaseUnreachable(error)) {
        this.failingSince = Date.now();
        this.logger.warn(
          { reason: error instanceof Error ? error.message : String(error) },
          'the database cannot be reached: new sends wait, delivery outcomes are written again',
        );
      }
      throw error;
    }
  }

  /** An attempt's end, as recorded: sent, or a failure retried or final. Throws only when the record could not be written. */
  private async conclude(
    message: ClaimedMessage,
    job: DeliveryJob,
    { startedAt, route }: AttemptFacts,
    observed: ObservedResponse,
    outcome: { providerMessageId: string | null } | DeliveryError,
  ): Promise<void> {
    if (!(outcome instanceof DeliveryError)) {
      return this.finish(message, startedAt, 'sent', { ...route, providerMessageId: outcome.providerMessageId });
    }
    const error = outcome;
    const retry = error.retryable && message.attempts < this.settings.delivery.maxAttempts;
    let next: AttemptRecord['next'];
    if (retry) {
      const retryAfterSeconds = parseRetryAfter(observed.retryAfter);
      const delaySeconds = retryDelaySeconds(message.attempts, this.settings.delivery, { status: error.status, retryAfterSeconds });
      // Once an attempt timed out, the provider is slow: every later attempt waits the longer timeout.
      next = { delaySeconds, job: { messageId: message.id, ...(job.afterTimeout === true || error.timedOut ? { afterTimeout: true } : {}) } };
    }
    // The reason is the sanitised one (no recipient, no secret); the recipient itself is never logged.
    this.logger.warn(
      {
        messageId: message.id,
        serviceType: route.serviceType,
        attempt: message.attempts,
        status: error.status ?? null,
        reason: error.reason,
        ...(error.timedOut ? { timedOut: true } : {}),
        nextAttemptAt: next ? new Date(Date.now() + next.delaySeconds * 1000).toISOString() : null,
      },
      next ? 'message delivery attempt failed; retrying' : 'message delivery failed',
    );
    await this.finish(message, startedAt, retry ? 'retry' : 'failed', { ...route, reason: error.reason, statusCode: error.status ?? null, next });
  }

  /** Opens and renders the message and finds its provider: the send, ready to go. Throws a DeliveryError when it cannot be sent. */
  private async prepare(
    message: ClaimedMessage,
    timeoutMs: number,
    observed: ObservedResponse,
    routed: (r: { serviceType: string; channel: string }) => void,
  ): Promise<() => Promise<{ providerMessageId: string | null }>> {
    const { recipient, params } = JSON.parse(this.keys.open(message.payload, payloadContext(message.id))) as {
      recipient: Recipient;
      params: Record<string, unknown>;
    };
    const { serviceType, config, secrets } = await this.sendingContext(message.service_type_rule);
    const provider = this.providers.get(serviceType);
    routed({ serviceType, channel: provider.channel });

    const base = { messageId: message.id, idempotencyKey: message.idempotency_key };
    let outgoing: OutgoingMessage;
    if (provider.channel === 'email') {
      if (!recipient.email) throw new DeliveryError(false, undefined, 'No email identity supplied.');
      outgoing = { ...base, channel: 'email', to: recipient.email.trim(), ...this.render(() => renderEmail(message.action_type, params as never)) };
    } else {
      if (!recipient.phone_number) throw new DeliveryError(false, undefined, 'No phone identity supplied.');
      outgoing = { ...base, channel: 'sms', to: recipient.phone_number.trim(), body: this.render(() => renderSms(message.action_type, params as never)) };
    }
    return () => observeResponses(observed, () => provider.send(outgoing, { details: config.details, secrets, timeoutMs }));
  }

  private async sendingContext(rule: ServiceTypeRule): Promise<SendingContext> {
    const cached = this.contexts.get(rule);
    if (cached) return cached;
    const serviceType = await this.serviceTypeFor(rule);
    const config = await this.configs.findByServiceType(serviceType);
    if (!config) throw new DeliveryError(false, undefined, `No messaging config found for service_type ${serviceType}.`);
    const secrets = await this.configs.getSecrets(config);
    if (!secrets) throw new DeliveryError(false, undefined, `Messaging secrets not found for config with key: ${config.key}`);
    const context = { serviceType, config, secrets };
    this.contexts.set(rule, context);
    return context;
  }

  private render<T>(render: () => T): T {
    try {
      return render();
    } catch (error) {
      throw new DeliveryError(false, undefined, error instanceof Error ? error.message : 'The message could not be rendered.');
    }
  }

  /** Decision D9 for `email`: the notification type when it is an email type, else Twilio email, else Mailgun. */
  private async serviceTypeFor(rule: ServiceTypeRule): Promise<MessagingServiceType> {
    if (rule !== 'notification' && rule !== 'email') return rule as MessagingServiceType;
    const configured = (await this.notificationSettings.current()).notifications.notification_service_type;
    if (rule === 'notification') {
      if (!configured) throw new DeliveryError(false, undefined, 'No notification service type configured.');
      return configured;
    }
    if (configured && EMAIL_TYPES.has(configured)) return configured;
    for (const candidate of [MessagingServiceType.TWILIO_EMAIL, MessagingServiceType.MAILGUN]) {
      if (await this.configs.findByServiceType(candidate)) return candidate;
    }
    throw new DeliveryError(false, undefined, 'No notification service type configured.');
  }

  private deliveryError(thrown: unknown, messageId: string): DeliveryError {
    if (thrown instanceof DeliveryError) return thrown;
    // Not a provider's answer (a bug, the database): logged in full here, stored without detail, and retried.
    this.logger.error({ err: thrown, messageId }, 'message delivery failed unexpectedly');
    return new DeliveryError(true, undefined, 'Internal error while sending; see the logs');
  }

  private async finish(
    message: ClaimedMessage,
    startedAt: Date,
    outcome: 'sent' | 'retry' | 'failed',
    facts: {
      serviceType: string | null;
      channel: string | null;
      providerMessageId?: string | null;
      reason?: string;
      statusCode?: number | null;
      next?: AttemptRecord['next'];
    },
  ): Promise<void> {
    await this.attemptLog.add({
      messageId: message.id,
      status: outcome === 'retry' ? 'queued' : outcome,
      serviceType: facts.serviceType,
      channel: facts.channel,
      providerMessageId: facts.providerMessageId ?? null,
      reason: facts.reason ?? null,
      number: message.attempts,
      outcome,
      statusCode: facts.statusCode ?? null,
      startedAt,
      privacyRequestId: message.privacy_request_id,
      actionType: message.action_type,
      next: facts.next,
    });
  }

  /**
   * Each message's new state and its attempt's record, in one statement; with them, in one transaction, the jobs of
   * the next attempts and what the hooks write for the final outcomes they want. Under load most batches need
   * neither: one statement, no transaction. Safe to run again after a failure whose commit may have happened: only
   * a message still in the attempt recorded changes (and only it gets a next job or a hook's write), and an attempt
   * already recorded is not recorded twice.
   */
  private async writeAttempts(records: AttemptRecord[]): Promise<void> {
    const finals = (current: (record: AttemptRecord) => boolean): FinalOutcome[] =>
      records
        .filter((record) => record.outcome !== 'retry' && current(record))
        .map((record) => ({
          messageId: record.messageId,
          privacyRequestId: record.privacyRequestId,
          actionType: record.actionType,
          status: record.outcome as FinalOutcome['status'],
          reason: record.reason,
        }));
    const hooked = (outcomes: FinalOutcome[]) =>
      this.hooks.map((hook) => ({ hook, outcomes: outcomes.filter((outcome) => hook.wants(outcome)) })).filter((h) => h.outcomes.length > 0);
    if (records.every((record) => record.next === undefined) && hooked(finals(() => true)).length === 0) {
      await this.writeStates(records);
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      const changed = await this.writeStates(records, manager);
      const current = (record: AttemptRecord) => changed.has(`${record.messageId}:${record.number}`);
      const retries = records.filter((record) => record.next !== undefined && current(record));
      if (retries.length > 0) {
        const jobs = retries.map(({ messageId, number, next }) => ({ id: retryJobId(messageId, number + 1), data: next!.job, startAfter: next!.delaySeconds }));
        await this.queue.boss.insert(DELIVERY_QUEUE, jobs, { db: transactionDb(manager) });
      }
      for (const { hook, outcomes } of hooked(finals(current))) await hook.write(outcomes, manager);
    });
  }

  /**
   * One statement, so atomic without a transaction: each message's new state (when it is still in the attempt being
   * recorded) and its attempt's record (unless already there). Returns the attempts (`id:number`) that changed their
   * message.
   */
  private async writeStates(records: AttemptRecord[], manager?: EntityManager): Promise<Set<string>> {
    const column = <K extends keyof AttemptRecord>(key: K) => records.map((record) => record[key]);
    const rows = await preparedQuery<{ id: string; attempts: number }>(
      this.dataSource,
      manager,
      'herald_finish_attempts',
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::text[], $7::int[], $8::varchar[], $9::int[], $10::timestamptz[])
           AS i (id, status, service_type, channel, provider_message_id, reason, number, outcome, status_code, started_at)),
       updated AS (
         UPDATE message m SET status = i.status, service_type = COALESCE(i.service_type, m.service_type), channel = COALESCE(i.channel, m.channel),
           provider_message_id = i.provider_message_id, failure_reason = i.reason,
           sent_at = CASE WHEN i.status = 'sent' THEN now() ELSE m.sent_at END, updated_at = now()
         FROM input i WHERE m.id = i.id AND m.status = 'sending' AND m.attempts = i.number RETURNING m.id, m.attempts),
       recorded AS (
         INSERT INTO message_attempt (message_id, number, outcome, status_code, reason, started_at)
         SELECT i.id, i.number, i.outcome, i.status_code, i.reason, i.started_at FROM input i JOIN message m ON m.id = i.id
         WHERE NOT EXISTS (SELECT 1 FROM message_attempt a WHERE a.message_id = i.id AND a.number = i.number))
       SELECT id, attempts FROM updated`,
      [
        column('messageId'),
        column('status'),
        column('serviceType'),
        column('channel'),
        column('providerMessageId'),
        column('reason'),
        column('number'),
        column('outcome'),
        column('statusCode'),
        column('startedAt'),
      ],
    );
    return new Set(rows.map((row) => `${row.id}:${row.attempts}`));
  }
}
