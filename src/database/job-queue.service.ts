import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PgBoss } from 'pg-boss';
import { SETTINGS, type Settings } from '../config/settings.js';

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
    });
    this.instance.on('error', (error: Error) => this.logger.error(`queue error: ${error.message}`));
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
