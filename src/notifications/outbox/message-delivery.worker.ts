import { logDeliveryOutcome } from './delivery-log.js';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'pg-boss';
import { DataSource } from 'typeorm';
import { SETTINGS, type Settings } from '../../config/index.js';
import { HEARTBEAT_SECONDS, JobQueueService, preparedQuery } from '../../database/index.js';
import { DeliveryError } from '../providers/messaging-provider.js';
import { parseRetryAfter, type ObservedResponse } from '../providers/provider-responses.js';
import { AttemptRecorder, OUTCOME_RETRY_MS, type FinalOutcomeHook, type NextAttempt } from './attempt-recorder.js';
import { DatabaseWatch, SEND_WAIT_MS } from './database-watch.js';
import { DELIVERY_QUEUE, type ClaimedMessage, type DeliveryJob } from './delivery-queue.js';
import type { BatchTemplates } from '../templates/message-renderer.js';
import { MessagePreparer, type Send } from './message-preparer.js';
import { ProviderCircuits } from './provider-circuits.js';
import { ProviderSlots } from './provider-slots.js';
import { attemptTimeoutMs, retryDelaySeconds } from './retry-schedule.js';

export type { FinalOutcome, FinalOutcomeHook } from './attempt-recorder.js';

/** When an attempt started, where it went (known once its provider is) and the locale its text was rendered in (D32). */
interface AttemptFacts {
  startedAt: Date;
  route: { serviceType: string | null; channel: string | null };
  locale?: string;
  /** The provider was called: its answer counts for its circuit breaker (D29). False for Herald's own failures. */
  called?: boolean;
}

/** A prepared send, with the locale its text was rendered in when the preparation tells it (decision D32). */
type LocalizedSend = Send & { readonly locale?: string };

/** What a send came to: the provider took it (with its id for the message), or a classified failure. */
type SendResult = { providerMessageId: string | null } | DeliveryError;

/**
 * pg-boss's own retries of a delivery job: only a process that died with it, a batch whose claim failed, an outcome
 * that could not be recorded, or a send held back while the database was failing.
 */
const JOB_RETRY_LIMIT = 10;

/**
 * Delivers queued messages: one pg-boss job per attempt. Each batch of jobs claims its messages in one statement; each
 * message is prepared (MessagePreparer), sent in a provider slot, and its outcome recorded (AttemptRecorder): a
 * retryable failure with attempts left with the next attempt's job (after the backoff, or the provider's
 * Retry-After), the last outcome with whatever the hooks need to learn of it (a privacy request's wake-up). Each failed
 * attempt logs one line. A job runs again only when its process died (its heartbeat stopped), its outcome could not be
 * recorded, or its send was held back while the database was failing: a message already final is left alone.
 */
@Injectable()
export class MessageDeliveryWorker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageDeliveryWorker.name);
  private readonly slots: ProviderSlots;
  private readonly database: DatabaseWatch;
  private readonly attempts: AttemptRecorder;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueueService,
    private readonly preparer: MessagePreparer,
    @Inject(SETTINGS) private readonly settings: Settings,
    circuits: ProviderCircuits,
  ) {
    this.slots = new ProviderSlots(settings.delivery.concurrency);
    this.database = new DatabaseWatch(queue, this.logger);
    this.attempts = new AttemptRecorder(dataSource, queue, this.database, circuits);
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
        const claimed = await this.database.watched(this.claim(jobs.map((job) => job.data.messageId)));
        const templates = this.preparer.templatesFor(claimed.values());
        const ends = await Promise.all(
          jobs.map(async (job) => {
            const message = claimed.get(job.data.messageId);
            // Not claimable: already final (a job run twice), nothing left to do. Two jobs of one message in a batch
            // (one re-taken from a dead process): the first one sends.
            claimed.delete(job.data.messageId);
            if (!message) return 'recorded' as const;
            // Throws only when the attempt's outcome could not be recorded.
            return this.deliverClaimed(message, job, templates).catch(() => 'unrecorded' as const);
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
    this.attempts.addHook(hook);
  }

  /** Marks the messages still to send as `sending` and counts the attempt, in one statement. */
  private async claim(messageIds: string[]): Promise<Map<string, ClaimedMessage>> {
    const rows = await preparedQuery<ClaimedMessage>(
      this.dataSource,
      undefined,
      'herald_claim_messages',
      `UPDATE message SET status = 'sending', attempts = attempts + 1, updated_at = now()
       WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'sending')
       RETURNING id, idempotency_key, action_type, service_type_rule, payload, privacy_request_id, attempts, attempts_before_retry, service_type,
         requested_locale AS locale`,
      [messageIds],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  /**
   * One attempt at one message, recorded with what follows it: `recorded`, or `held` when the database was failing
   * and nothing was sent. Throws only when the record could not be written.
   */
  private async deliverClaimed(message: ClaimedMessage, job: Job<DeliveryJob>, templates: BatchTemplates): Promise<'recorded' | 'held'> {
    const afterTimeout = job.data.afterTimeout === true;
    const observed: ObservedResponse = {};
    const attempt: AttemptFacts = { startedAt: new Date(), route: { serviceType: null, channel: null } };
    let send: Send;
    try {
      send = await this.preparer.prepare(
        message,
        attemptTimeoutMs(this.settings.providers, afterTimeout),
        observed,
        (route) => (attempt.route = route),
        templates,
      );
      attempt.locale = (send as LocalizedSend).locale;
    } catch (thrown) {
      // Nothing went to the provider: no slot needed.
      await this.conclude(message, job.data, attempt, observed, this.deliveryError(thrown, message.id));
      return 'recorded';
    }
    // The slot is held until the outcome is recorded, so at most `concurrency` messages are ever sent and not yet
    // recorded: all that a crash can make Herald send again.
    return this.slots.run(async () => {
      if (!(await this.database.mayStart(job))) return 'held';
      attempt.startedAt = new Date();
      let outcome: SendResult;
      attempt.called = true;
      try {
        outcome = await send();
      } catch (thrown) {
        attempt.called = thrown instanceof DeliveryError;
        outcome = this.deliveryError(thrown, message.id);
      }
      await this.conclude(message, job.data, attempt, observed, outcome);
      return 'recorded' as const;
    });
  }

  /** An attempt's end, as recorded: sent, or a failure retried or final. Throws only when the record could not be written. */
  private async conclude(
    message: ClaimedMessage,
    job: DeliveryJob,
    { startedAt, route, called, locale }: AttemptFacts,
    observed: ObservedResponse,
    outcome: SendResult,
  ): Promise<void> {
    if (!(outcome instanceof DeliveryError)) {
      return this.attempts.record(message, { outcome: 'sent', startedAt, ...route, locale, providerMessageId: outcome.providerMessageId, circuit: 'success' });
    }
    const error = outcome;
    // A message retried by hand (retryMessage) has a fresh budget: its attempts count from there.
    const round = message.attempts - message.attempts_before_retry;
    const retry = error.retryable && round < this.settings.delivery.maxAttempts;
    let next: NextAttempt | undefined;
    if (retry) {
      const retryAfterSeconds = parseRetryAfter(observed.retryAfter);
      const delaySeconds = retryDelaySeconds(round, this.settings.delivery, { status: error.status, retryAfterSeconds });
      // Once an attempt timed out, the provider is slow: every later attempt waits the longer timeout.
      next = { delaySeconds, job: { messageId: message.id, ...(job.afterTimeout === true || error.timedOut ? { afterTimeout: true } : {}) } };
    }
    // One line per failed attempt (warn while retrying, error once failed); never the recipient.
    logDeliveryOutcome(this.logger, {
      messageId: message.id,
      actionType: message.action_type,
      serviceType: route.serviceType,
      attempt: message.attempts,
      failure: error,
      retryInSeconds: next?.delaySeconds,
    });
    await this.attempts.record(message, {
      outcome: retry ? 'retry' : 'failed',
      startedAt,
      ...route,
      locale,
      reason: error.reason,
      statusCode: error.status ?? null,
      next,
      // Only what the provider's failure says of it: a retryable answer or no answer (a refusal of this message is not).
      circuit: called && error.retryable ? 'failure' : undefined,
    });
  }

  private deliveryError(thrown: unknown, messageId: string): DeliveryError {
    if (thrown instanceof DeliveryError) return thrown;
    // Not a provider's answer (a bug, the database): logged in full here, stored without detail, and retried.
    this.logger.error({ err: thrown, messageId }, 'message delivery failed unexpectedly');
    return new DeliveryError(true, undefined, 'Internal error while sending; see the logs');
  }
}
