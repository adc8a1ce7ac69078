import { Injectable, Logger, OnModuleInit, BeforeApplicationShutdown } from '@nestjs/common';
import { JobQueueService } from '../../database/job-queue.service.js';
import { MessageDeliveryWorker } from '../../notifications/outbox/message-delivery.worker.js';
import { MessagingActionType } from '../../notifications/templates/messaging-action-type.js';
import { EXECUTION_QUEUE, EXECUTION_RETRY_LIMIT, ExecutionQueue, type ExecutionJob } from './execution-queue.js';
import { RequestRunner } from './request-runner.js';

/** The messages a run waits for: their outcome wakes the run. */
const AWAITED = new Set<string>([
  MessagingActionType.MESSAGE_ERASURE_FULFILLMENT,
  MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS,
  MessagingActionType.PRIVACY_REQUEST_COMPLETE_DELETION,
]);

/** Takes run jobs (in every Herald process) and wakes runs when the messages they wait for are sent or have failed. */
@Injectable()
export class RequestExecutionWorker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(RequestExecutionWorker.name);

  constructor(
    private readonly queue: JobQueueService,
    private readonly executions: ExecutionQueue,
    private readonly runner: RequestRunner,
    deliveries: MessageDeliveryWorker,
  ) {
    deliveries.onFinalOutcome(async (outcome) => {
      if (outcome.privacyRequestId && AWAITED.has(outcome.actionType)) await this.executions.enqueue(outcome.privacyRequestId);
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
          if (job.retryCount >= EXECUTION_RETRY_LIMIT) await this.runner.markFailed(job.data.privacyRequestId, 'Internal error while running the request; see the logs');
          throw error;
        }
      },
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.boss.offWork(EXECUTION_QUEUE, { wait: true }).catch(() => undefined);
  }
}
