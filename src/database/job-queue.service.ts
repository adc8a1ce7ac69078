import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PgBoss, type Db } from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { SETTINGS, type Settings } from '../config/index.js';
import { embeddedDatabaseAt } from './embedded/registry.js';

/**
 * A job whose process stops heartbeating for this long is taken to have died and is retried (queues that set it).
 * 10 s is pg-boss's minimum; with the supervision below, a live process re-takes the job within about 20 s.
 */
export const HEARTBEAT_SECONDS = 10;
/** How often an instance looks for jobs whose heartbeat stopped or whose time ran out (pg-boss: 60 s). */
const SUPERVISE_SECONDS = 5;
/** connection exceptions (class 08), the server going or coming (57P0x), too many connections (53300). */
const UNREACHABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Network errors of the driver (no SQLSTATE): nobody answered, or the connection broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** pg's own words for a connection that broke or could not be had (it gives them no code). */
const UNREACHABLE_MESSAGE =
  /connection terminated|terminating connection|connection error|not queryable|timeout exceeded when trying to connect|not currently accepting connections/i;

/**
 * Whether a statement failed because the database could not be reached (down, restarting, the network), so that the
 * same statement may work later; not for errors of the statement itself (constraints, syntax).
 */
export function databaseUnreachable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, driverError, errors } = error as { code?: unknown; message?: unknown; driverError?: unknown; errors?: unknown };
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code))) return true;
  if (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message)) return true;
  // TypeORM wraps the driver's error; a refused dual-stack connect is an AggregateError of both attempts.
  if (driverError !== undefined && databaseUnreachable(driverError, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((inner) => databaseUnreachable(inner, depth + 1));
}

/** pg-boss statements run in the caller's TypeORM transaction: written with it, or not at all. */
export function transactionDb(manager: EntityManager): Db {
  return { executeSql: async (text: string, values?: unknown[]) => ({ rows: await manager.query<unknown[]>(text, values) }) };
}

/**
 * The durable job queue (pg-boss) living in the same PostgreSQL as the data, so a job can be enqueued in the same
 * transaction as the row it is about and several Herald processes share the work.
 */
@Injectable()
export class JobQueueService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueueService.name);
  private readonly instance: PgBoss;
  private readonly embedded: ReturnType<typeof embeddedDatabaseAt>;
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
    // While the embedded server is down or coming back its supervisor says so once; every pg-boss poll failing
    // meanwhile is not news.
    const embedded = (this.embedded = embeddedDatabaseAt(settings.databaseUrl));
    this.instance.on('error', (error: Error) => {
      if (embedded && (embedded.state() !== 'running' || databaseUnreachable(error))) return;
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

  /** True while the embedded server this process runs the database on is not accepting connections (down, restarting). */
  embeddedServerDown(): boolean {
    return this.embedded !== undefined && this.embedded.state() !== 'running';
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
