import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobQueueService } from '../../database/index.js';
import { MessageDeliveryWorker, MessageOutcomes } from '../../notifications/index.js';
import { EmailBatchSender } from '../email-batch/email-batch.sender.js';
import { PrivacyRequestEntity } from '../requests/privacy-request.entity.js';
import { EXECUTION_QUEUE, EXECUTION_RETRY_LIMIT, ExecutionQueue, type ExecutionJob } from './execution-queue.js';
import { AWAITED_ACTION_TYPES } from './execution-steps.js';
import { RequestRunner } from './request-runner.js';

/** The messages a run waits for: their outcome wakes the run. */
const AWAITED = new Set(AWAITED_ACTION_TYPES);

/** How often each process looks for runs left waiting on messages that have all ended (and once at start). */
const SWEEP_INTERVAL_MS = 10_000;
/** A message that ended this recently has its own wake-up job on the way: the sweep leaves its request to it. */
const SWEEP_GRACE_SECONDS = 5;

/**
 * Takes run jobs (in every Herald process) and wakes runs when the messages they wait for are sent or have failed:
 * the wake-up job is written in the transaction that records the message's outcome, so no crash can come between
 * the two. A sweep every 10 s wakes any request still waiting on messages that all ended (left by an older Herald,
 * or a job lost by hand), so nothing waits on a process's memory.
 */
@Injectable()
export class RequestExecutionWorker implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RequestExecutionWorker.name);
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueueService,
    private readonly executions: ExecutionQueue,
    private readonly runner: RequestRunner,
    private readonly messageOutcomes: MessageOutcomes,
    private readonly batches: EmailBatchSender,
    deliveries: MessageDeliveryWorker,
  ) {
    deliveries.onFinalOutcome({
      wants: (outcome) => outcome.privacyRequestId !== null && AWAITED.has(outcome.actionType),
      write: (outcomes, manager) => this.executions.enqueueMany([...new Set(outcomes.map((o) => o.privacyRequestId!))], manager),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.queue.boss.work<ExecutionJob>(
      EXECUTION_QUEUE,
      { batchSize: 1, localConcurrency: 4, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 },
      async ([job]) => {
        try {
          await this.runner.run(job.data.privacyRequestId);
        } catch (error) {
          this.logger.error({ err: error, privacyRequestId: job.data.privacyRequestId }, 'privacy request run failed unexpectedly');
          // Retried by pg-boss; on the last attempt the request is put in `error`, to be retried by hand.
          if (job.retryCount >= EXECUTION_RETRY_LIMIT)
            await this.runner.markFailed(job.data.privacyRequestId, 'Internal error while running the request; see the logs');
          throw error;
        }
      },
    );
  }

  /** Once everything is up (migrations included): a sweep at once, then every 10 s. */
  onApplicationBootstrap(): void {
    const sweep = () => {
      this.sweeping ??= this.sweep()
        .then(
          () => undefined,
          (error: unknown) => this.logger.error({ err: error }, 'the sweep for waiting privacy requests failed'),
        )
        .finally(() => (this.sweeping = undefined));
    };
    this.sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    sweep();
  }

  /** Wakes the requests waiting on messages that have all ended a while ago: their wake-up was lost. */
  async sweep(): Promise<string[]> {
    const waiting = await this.dataSource
      .getRepository(PrivacyRequestEntity)
      .find({ where: { status: 'in_processing', awaitingMessages: true }, select: { id: true, step: true, emailBatchId: true } });
    // A request waiting for a batch email (D34) waits on the batch's messages, which belong to no one request.
    const batched = waiting.filter((request) => request.step === 'batch_email_send');
    const ids = [
      ...(await this.messageOutcomes.settled(
        waiting.filter((request) => request.step !== 'batch_email_send').map((request) => request.id),
        AWAITED_ACTION_TYPES,
        SWEEP_GRACE_SECONDS,
      )),
      ...(batched.length > 0 ? await this.batches.settled(this.dataSource.manager, batched, SWEEP_GRACE_SECONDS) : []),
    ];
    if (ids.length > 0) {
      await this.executions.enqueueMany(ids);
      this.logger.warn({ privacyRequestIds: ids }, 'woke privacy requests whose awaited messages had ended without waking them');
    }
    return ids;
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.sweeping;
    await this.queue.boss.offWork(EXECUTION_QUEUE, { wait: true }).catch(() => undefined);
  }
}
