import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobQueueService } from '../../database/job-queue.service.js';

export const EXECUTION_QUEUE = 'privacy-request-execution';

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
    // A run that throws unexpectedly is retried a few times; the run records `error` itself for known failures.
    const options = { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 15 * 60 };
    if (await boss.getQueue(EXECUTION_QUEUE)) await boss.updateQueue(EXECUTION_QUEUE, options);
    else await boss.createQueue(EXECUTION_QUEUE, { ...options, notify: true });
  }

  /** Asks for a run of the request; with `manager`, only if that transaction commits. */
  async enqueue(privacyRequestId: string, manager?: EntityManager): Promise<void> {
    const job: ExecutionJob = { privacyRequestId };
    await this.queue.boss.send(EXECUTION_QUEUE, job, manager ? { db: { executeSql: async (text: string, values?: unknown[]) => ({ rows: (await manager.query(text, values)) as unknown[] }) } } : {});
  }
}
