import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PgBoss, type Db } from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { SETTINGS, type Settings } from '../config/settings.js';
import { embeddedDatabaseAt } from './embedded/registry.js';

/**
 * A job whose process stops heartbeating for this long is taken to have died and is retried (queues that set it).
 * 10 s is pg-boss's minimum; with the supervision below, a live process re-takes the job within about 20 s.
 */
export const HEARTBEAT_SECONDS = 10;
/** admin_shutdown, crash_shutdown, cannot_connect_now: the embedded server is going or coming; its supervisor reports it. */
const SERVER_GONE = new Set(['57P01', '57P02', '57P03']);
/** How often an instance looks for jobs whose heartbeat stopped or whose time ran out (pg-boss: 60 s). */
const SUPERVISE_SECONDS = 5;

/** pg-boss statements run in the caller's TypeORM transaction: written with it, or not at all. */
export function transactionDb(manager: EntityManager): Db {
  return { executeSql: async (text: string, values?: unknown[]) => ({ rows: (await manager.query(text, values)) as unknown[] }) };
}

/**
 * The durable job queue (pg-boss) living in the same PostgreSQL as the data, so a job can be enqueued in the same
 * transaction as the row it is about and several Herald processes share the work.
 */
@Injectable()
export class JobQueueService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueueService.name);
  private readonly instance: PgBoss;
  private started = false;

  constructor(@Inject(SETTINGS) settings: Settings) {
    // LISTEN/NOTIFY wakes workers the moment a job commits (in any process); polling stays as the floor.
    this.instance = new PgBoss({
      connectionString: settings.databaseUrl,
      max: 10,
      application_name: 'herald-queue',
      useListenNotify: true,
      // Workers read the backlog from this cache to decide whether to fetch again at once (see MessageDeliveryWorker).
      queueCacheIntervalSeconds: 2,
      // Expired heartbeats are found by this pass (one instance at a time): every 5 s, not every minute, so that the
      // work of a killed process comes back within 30 s.
      superviseIntervalSeconds: SUPERVISE_SECONDS,
      monitorIntervalSeconds: SUPERVISE_SECONDS,
    });
    // While the embedded server is down its supervisor says so once; every pg-boss poll failing meanwhile is not news.
    const embedded = embeddedDatabaseAt(settings.databaseUrl);
    this.instance.on('error', (error: Error) => {
      if (embedded && (embedded.state() !== 'running' || SERVER_GONE.has((error as { code?: string }).code ?? ''))) return;
      this.logger.error(`queue error: ${error.message}`);
    });
  }

  async onModuleInit(): Promise<void> {
    await this.instance.start();
    this.started = true;
  }

  /** The queue client, for modules that enqueue or work jobs. */
  get boss(): PgBoss {
    return this.instance;
  }

  async isHealthy(): Promise<boolean> {
    if (!this.started) return false;
    try {
      return (await this.instance.schemaVersion()) !== null;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    // Graceful: workers finish their jobs (or release them when the timeout passes) before the pool closes.
    await this.instance.stop({ graceful: true, timeout: 10_000, close: true });
  }
}
