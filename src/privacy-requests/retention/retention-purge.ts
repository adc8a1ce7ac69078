import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SETTINGS, type Settings } from '../../config/index.js';
import { JobQueueService } from '../../database/index.js';
import { MessageRetention } from '../../notifications/index.js';
import { IdentityErasure } from './identity-erasure.js';

/** The scheduled job of the purge (HERALD_RETENTION_CRON): pg-boss makes one job per tick for the whole cluster. */
export const RETENTION_QUEUE = 'retention-purge';
/** Held for the length of a run, so a scheduled run and `POST /retention/purge` never overlap, on any instance. */
export const RETENTION_LOCK = 'herald-retention-purge';
/** A purge of a large backlog runs long: the job must not be expired (and failed) by pg-boss meanwhile. */
const JOB_EXPIRE_SECONDS = 12 * 3600;

export interface PurgeRun {
  trigger: 'schedule' | 'manual';
  startedAt: Date;
  finishedAt: Date;
  messages: number;
  attempts: number;
  events: number;
  requestIdentities: number;
}

/**
 * Retention (issue 20 item 2): deletes finished messages, attempts and delivery events older than their periods and
 * erases the identities of finished requests, in batches of HERALD_RETENTION_BATCH_SIZE rows, each committed on its
 * own (MessageRetention, IdentityErasure). Never touches a queued message or one being sent. Each run is logged in
 * `retention_purge`.
 */
@Injectable()
export class RetentionPurge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionPurge.name);
  private stopping = false;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueueService,
    private readonly messages: MessageRetention,
    private readonly identities: IdentityErasure,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const boss = this.queue.boss;
    if (!(await boss.getQueue(RETENTION_QUEUE))) await boss.createQueue(RETENTION_QUEUE, { retryLimit: 0, expireInSeconds: JOB_EXPIRE_SECONDS, notify: true });
    // Idempotent: every instance upserts the same schedule, and pg-boss creates one job per tick.
    await boss.schedule(RETENTION_QUEUE, this.settings.retention.cron, {}, { tz: 'UTC' });
    await boss.work(RETENTION_QUEUE, { batchSize: 1, pollingIntervalSeconds: 30 }, async () => {
      await this.run('schedule');
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.queue.boss.offWork(RETENTION_QUEUE, { wait: true }).catch(() => undefined);
  }

  /** One purge to the end; undefined when another run (on any instance) holds the lock. */
  async run(trigger: PurgeRun['trigger']): Promise<PurgeRun | undefined> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [RETENTION_LOCK])) as { locked: boolean }[];
      if (!locked) return undefined;
      try {
        return await this.purge(trigger);
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [RETENTION_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async purge(trigger: PurgeRun['trigger']): Promise<PurgeRun> {
    const { retention } = this.settings;
    const [{ now }] = await this.dataSource.query<{ now: Date }[]>('SELECT now() AS now');
    const before = (days: number) => new Date(now.getTime() - days * 86_400_000);
    const [{ id }] = await this.dataSource.query<{ id: string }[]>(`INSERT INTO retention_purge (trigger, started_at) VALUES ($1, $2) RETURNING id`, [
      trigger,
      now,
    ]);
    // Deletions first: the identities' erasure then rewrites only the messages that are kept.
    const events = await this.drain(retention.eventsDays, (cutoff, n) => this.messages.deleteEvents(cutoff, n), before);
    const attempts = await this.drain(retention.attemptsDays, (cutoff, n) => this.messages.deleteAttempts(cutoff, n), before);
    const messages = await this.drain(retention.messagesDays, (cutoff, n) => this.messages.deleteMessages(cutoff, n), before);
    const requestIdentities = await this.drain(retention.requestIdentitiesDays, (cutoff, n) => this.identities.eraseBatch(cutoff, n), before);
    const [{ finished_at: finishedAt }] = await this.dataSource.query<{ finished_at: Date }[]>(
      // In a WITH: TypeORM answers a bare UPDATE with [rows, count].
      `WITH u AS (UPDATE retention_purge SET finished_at = now(), messages = $2, attempts = $3, events = $4, request_identities = $5
         WHERE id = $1 RETURNING finished_at) SELECT finished_at FROM u`,
      [id, messages, attempts, events, requestIdentities],
    );
    const run: PurgeRun = { trigger, startedAt: now, finishedAt, messages, attempts, events, requestIdentities };
    if (messages + attempts + events + requestIdentities > 0) {
      this.logger.log({ trigger, messages, attempts, events, requestIdentities }, 'retention purge finished');
    }
    return run;
  }

  /**
   * Batches until one comes back short (nothing older left) or the process is stopping; 0 days keeps everything. After
   * each batch it rests as long as the batch took, so the purge has at most about half of the database's time and the
   * outbox keeps its pace (bench/retention.bench.mjs).
   */
  private async drain(days: number, batch: (cutoff: Date, size: number) => Promise<number>, before: (days: number) => Date): Promise<number> {
    if (days <= 0) return 0;
    const cutoff = before(days);
    const size = this.settings.retention.batchSize;
    let total = 0;
    while (!this.stopping) {
      const started = performance.now();
      const n = await batch(cutoff, size);
      total += n;
      if (n < size) break;
      await new Promise((resolve) => setTimeout(resolve, performance.now() - started));
    }
    return total;
  }
}
