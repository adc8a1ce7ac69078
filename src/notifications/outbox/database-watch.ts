import type { Logger } from '@nestjs/common';
import type { Job } from 'pg-boss';
import { HEARTBEAT_SECONDS, databaseUnreachable, type JobQueueService } from '../../database/index.js';

/**
 * How long a claimed message waits for a failing database before its send starts. Past half the heartbeat its job may
 * be found stale and run again, so the message is left to that retry instead.
 */
export const SEND_WAIT_MS = (HEARTBEAT_SECONDS * 1000) / 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether the delivery worker's statements reach the database: no send starts while they do not (its outcome could
 * not be recorded). One log line when the database goes, one when it comes back.
 */
export class DatabaseWatch {
  /** Since when the last statement watched found the database unreachable; undefined once one works again. */
  private failingSince: number | undefined;

  constructor(
    private readonly queue: JobQueueService,
    private readonly logger: Logger,
  ) {}

  /** Notes whether the database answered the statement (sends wait while it does not), one line per change. */
  async watched<T>(statement: Promise<T>): Promise<T> {
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

  /**
   * Whether a send may start: not while the database is known to be failing. The message waits a little for it; past
   * that, or when its job was found taken again, it is left to the job's retry.
   */
  async mayStart(job: Job<unknown>): Promise<boolean> {
    const deadline = Date.now() + SEND_WAIT_MS;
    while (this.failingSince !== undefined || this.queue.embeddedServerDown()) {
      if (Date.now() >= deadline) return false;
      await sleep(50);
    }
    return !job.signal?.aborted;
  }
}
