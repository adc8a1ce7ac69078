import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { JobQueueService, databaseUnreachable, transactionDb, preparedQuery } from '../../database/index.js';
import { BatchWriter } from './batch-writer.js';
import type { DatabaseWatch } from './database-watch.js';
import { DELIVERY_QUEUE, type ClaimedMessage, type DeliveryJob } from './delivery-queue.js';
import type { MessageStatus } from './message.entity.js';
import { CIRCUIT, type ProviderCircuits } from './provider-circuits.js';

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

/** The next attempt of a retried message: its job, written with the record of this one. */
export interface NextAttempt {
  delaySeconds: number;
  job: DeliveryJob;
}

/** How an attempt ended, as the worker saw it. */
export interface AttemptEnd {
  outcome: 'sent' | 'retry' | 'failed';
  startedAt: Date;
  serviceType: string | null;
  channel: string | null;
  /** The locale the message's text was rendered in ('' for the base text; absent when it was not rendered). */
  locale?: string;
  providerMessageId?: string | null;
  reason?: string;
  statusCode?: number | null;
  next?: NextAttempt;
  /** What the attempt says of its provider, for its circuit breaker (D29): none when the provider was not to blame. */
  circuit?: 'success' | 'failure';
}

/** An attempt's end: the message's new state and the attempt's record. */
interface AttemptRecord {
  messageId: string;
  status: MessageStatus;
  serviceType: string | null;
  channel: string | null;
  locale: string | null;
  providerMessageId: string | null;
  reason: string | null;
  number: number;
  outcome: 'sent' | 'retry' | 'failed';
  statusCode: number | null;
  startedAt: Date;
  privacyRequestId: string | null;
  actionType: string;
  next?: NextAttempt;
  circuit: 'success' | 'failure' | null;
}

/**
 * How long an attempt's outcome is written again while the database cannot be reached (an embedded server restarts
 * in about a second): a message the provider took is then recorded as sent instead of being sent again by its retry.
 */
export const OUTCOME_RETRY_MS = 30_000;
/**
 * Soon at first, then every second: the outcome lands within a second of the database's return, before the job of a
 * send held that long could run again (found stale by a supervision every 5 s, then retried after 1 s).
 */
const outcomeRetryDelayMs = (retry: number) => Math.min(1_000, 100 * 2 ** (retry - 1));

/** The id of the job of a message's attempt `attempt` (2 and up): the same every time, so it is written once. */
export function retryJobId(messageId: string, attempt: number): string {
  const hex = createHash('sha256').update(`${messageId}:attempt:${attempt}`).digest('hex');
  // A well-formed UUID (version 8, custom): pg-boss's id column is a uuid.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const { failures: OPEN_AT, windowSeconds: WINDOW, openSeconds: OPEN_FOR } = CIRCUIT;

/**
 * The circuit part of the outcome statement (decision D29; $12 is the Clock's now), on the attempts recorded by it
 * (so a repeated write counts nothing twice). Per provider in the batch (`tally`): whether one of its sends
 * succeeded, and the failures after its last success. A success with no failure after it resets a circuit that
 * counts something (`reset`; no write otherwise, the usual case). Failures add to the count when its first
 * failure is within the window and no success came between (else they start a new count); reaching the threshold
 * opens the circuit and starts the count again (`counted`: the latest row, locked, so concurrent writers add up).
 */
const CIRCUIT_WRITE = `
       outcomes AS (
         SELECT i.service_type, i.circuit, i.ord,
           COALESCE(max(i.ord) FILTER (WHERE i.circuit = 'success') OVER (PARTITION BY i.service_type), 0) AS last_success
         FROM input i JOIN recorded r ON r.message_id = i.id AND r.number = i.number
         WHERE i.circuit IS NOT NULL AND i.service_type IS NOT NULL),
       tally AS (
         SELECT service_type, bool_or(circuit = 'success') AS succeeded,
           (count(*) FILTER (WHERE circuit = 'failure' AND ord > last_success))::int AS failures
         FROM outcomes GROUP BY service_type),
       reset AS (
         UPDATE provider_circuit c SET consecutive_failures = 0, first_failure_at = NULL, opened_until = NULL
         FROM tally t WHERE c.service_type = t.service_type AND t.failures = 0 AND (c.consecutive_failures > 0 OR c.opened_until IS NOT NULL)
         RETURNING c.service_type, c.opened_until),
       counted AS (
         INSERT INTO provider_circuit AS c (service_type, consecutive_failures, first_failure_at, opened_until)
         SELECT service_type, CASE WHEN failures >= ${OPEN_AT} THEN 0 ELSE failures END, CASE WHEN failures >= ${OPEN_AT} THEN NULL ELSE $12::timestamptz END,
           CASE WHEN failures >= ${OPEN_AT} THEN $12::timestamptz + interval '${OPEN_FOR} seconds' END
         FROM tally WHERE failures > 0
         ON CONFLICT (service_type) DO UPDATE SET (consecutive_failures, first_failure_at, opened_until) = (
           SELECT CASE WHEN k.n >= ${OPEN_AT} THEN 0 ELSE k.n END, CASE WHEN k.n >= ${OPEN_AT} THEN NULL ELSE k.first END,
             CASE WHEN k.n >= ${OPEN_AT} THEN $12::timestamptz + interval '${OPEN_FOR} seconds' WHEN t.succeeded OR c.opened_until <= $12::timestamptz THEN NULL ELSE c.opened_until END
           FROM tally t CROSS JOIN LATERAL (
             SELECT CASE WHEN x.keep THEN c.consecutive_failures + t.failures ELSE t.failures END AS n,
               CASE WHEN x.keep THEN c.first_failure_at ELSE $12::timestamptz END AS first
             FROM (SELECT NOT t.succeeded AND c.first_failure_at >= $12::timestamptz - interval '${WINDOW} seconds' AS keep) x) k
           WHERE t.service_type = c.service_type)
         RETURNING c.service_type, c.opened_until),
       circuits AS (SELECT * FROM reset UNION ALL SELECT * FROM counted)`;

/**
 * Records the end of each attempt: the message's new state and the attempt's row, with the next attempt's job for a
 * retry and, for a final outcome, whatever the hooks write (a privacy request's wake-up), all in one transaction.
 * Attempts ending together are recorded together: one statement and one commit for many under load. A write the
 * database was not there for is tried again for up to OUTCOME_RETRY_MS (the write may be repeated: it records each
 * attempt once).
 */
export class AttemptRecorder {
  private readonly hooks: FinalOutcomeHook[] = [];
  private readonly batches = new BatchWriter<AttemptRecord>((records) => this.watch.watched(this.writeAttempts(records)), 100, {
    retryable: databaseUnreachable,
    budgetMs: OUTCOME_RETRY_MS,
    delayMs: outcomeRetryDelayMs,
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueueService,
    private readonly watch: DatabaseWatch,
    private readonly circuits: ProviderCircuits,
  ) {}

  /** The hook learns of the messages it wants once they end sent or failed, in the transaction recording it. */
  addHook(hook: FinalOutcomeHook): void {
    this.hooks.push(hook);
  }

  /** Settles once the attempt is recorded; throws only when it could not be. */
  record(message: ClaimedMessage, end: AttemptEnd): Promise<void> {
    return this.batches.add({
      messageId: message.id,
      status: end.outcome === 'retry' ? 'queued' : end.outcome,
      serviceType: end.serviceType,
      channel: end.channel,
      locale: end.locale ?? null,
      providerMessageId: end.providerMessageId ?? null,
      reason: end.reason ?? null,
      number: message.attempts,
      outcome: end.outcome,
      statusCode: end.statusCode ?? null,
      startedAt: end.startedAt,
      privacyRequestId: message.privacy_request_id,
      actionType: message.action_type,
      next: end.next,
      circuit: end.circuit ?? null,
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
   * recorded), its attempt's record (unless already there) and, for the attempts recorded now, their providers'
   * circuits (D29, CIRCUIT_WRITE). Returns the attempts (`id:number`) that changed their message.
   */
  private async writeStates(records: AttemptRecord[], manager?: EntityManager): Promise<Set<string>> {
    const column = <K extends keyof AttemptRecord>(key: K) => records.map((record) => record[key]);
    const rows = await preparedQuery<{ id: string | null; attempts: number | null; circuit: string | null; opened_until: Date | null }>(
      this.dataSource,
      manager,
      'herald_finish_attempts',
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::text[], $7::int[], $8::varchar[], $9::int[], $10::timestamptz[], $11::varchar[], $13::varchar[])
           WITH ORDINALITY AS i (id, status, service_type, channel, provider_message_id, reason, number, outcome, status_code, started_at, circuit, locale, ord)),
       updated AS (
         UPDATE message m SET status = i.status, service_type = COALESCE(i.service_type, m.service_type), channel = COALESCE(i.channel, m.channel),
           locale = COALESCE(i.locale, m.locale), provider_message_id = i.provider_message_id, failure_reason = i.reason,
           sent_at = CASE WHEN i.status = 'sent' THEN now() ELSE m.sent_at END, updated_at = now()
         FROM input i WHERE m.id = i.id AND m.status = 'sending' AND m.attempts = i.number RETURNING m.id, m.attempts),
       recorded AS (
         INSERT INTO message_attempt (message_id, number, outcome, status_code, reason, service_type, started_at)
         SELECT i.id, i.number, i.outcome, i.status_code, i.reason, i.service_type, i.started_at FROM input i JOIN message m ON m.id = i.id
         WHERE NOT EXISTS (SELECT 1 FROM message_attempt a WHERE a.message_id = i.id AND a.number = i.number)
         RETURNING message_id, number),
       ${CIRCUIT_WRITE}
       SELECT id::text, attempts, NULL::varchar AS circuit, NULL::timestamptz AS opened_until FROM updated
       UNION ALL SELECT NULL, NULL, service_type, opened_until FROM circuits`,
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
        column('circuit'),
        this.circuits.now(),
        column('locale'),
      ],
    );
    for (const row of rows) if (row.circuit !== null) this.circuits.learn(row.circuit, row.opened_until);
    return new Set(rows.filter((row) => row.id !== null).map((row) => `${row.id}:${row.attempts}`));
  }
}
