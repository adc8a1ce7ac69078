import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HEARTBEAT_SECONDS, JobQueueService, transactionDb } from '../../database/index.js';

export const EXECUTION_QUEUE = 'privacy-request-execution';
/** A run that throws unexpectedly is retried this many times before the request is put in `error`. */
export const EXECUTION_RETRY_LIMIT = 3;

export interface ExecutionJob {
  privacyRequestId: string;
}

/**
 * The queue of privacy-request runs. A job only says "look at this request": the run itself takes the request's row
 * lock and does whatever its stored step says, so duplicate jobs (or several processes) never run a step twice.
 */
@Injectable()
export class ExecutionQueue implements OnModuleInit {
  constructor(private readonly queue: JobQueueService) {}

  async onModuleInit(): Promise<void> {
    const boss = this.queue.boss;
    // The run records `error` itself for known failures; only the unexpected ones are retried. A run whose process
    // died stops heartbeating and is taken again by a live process within about 20 s, not after the 15 minutes.
    const options = { retryLimit: EXECUTION_RETRY_LIMIT, retryDelay: 5, retryBackoff: true, expireInSeconds: 15 * 60, heartbeatSeconds: HEARTBEAT_SECONDS };
    if (await boss.getQueue(EXECUTION_QUEUE)) await boss.updateQueue(EXECUTION_QUEUE, options);
    else await boss.createQueue(EXECUTION_QUEUE, { ...options, notify: true });
  }

  /** Asks for a run of the request; with `manager`, only if that transaction commits. */
  async enqueue(privacyRequestId: string, manager?: EntityManager): Promise<void> {
    await this.enqueueMany([privacyRequestId], manager);
  }

  /** Asks for a run of each request, in one statement; with `manager`, only if that transaction commits. */
  async enqueueMany(privacyRequestIds: string[], manager?: EntityManager): Promise<void> {
    if (privacyRequestIds.length === 0) return;
    const jobs = privacyRequestIds.map((privacyRequestId) => ({ data: { privacyRequestId } satisfies ExecutionJob }));
    await this.queue.boss.insert(EXECUTION_QUEUE, jobs, manager ? { db: transactionDb(manager) } : {});
  }
}
