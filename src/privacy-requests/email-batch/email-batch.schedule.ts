import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SETTINGS, type Settings } from '../../config/index.js';
import { JobQueueService } from '../../database/index.js';
import { PrivacyRequestEntity } from '../requests/privacy-request.entity.js';
import { EmailBatchSender } from './email-batch.sender.js';
import type { EmailBatchSchedule } from './email-batch.types.js';
import { isoInZone, nextRunAt } from './next-run.js';

/** The queue of batch runs: pg-boss' schedule puts one job per tick in it (once across instances), the trigger one more. */
export const EMAIL_BATCH_QUEUE = 'privacy-request-email-batch';

/**
 * Decision D34: when batches run. pg-boss' `schedule()` (the cron in its time zone, upserted by every instance; its
 * cron pass creates one job per tick for the whole cluster), a `singleton` queue (one run active at a time), and
 * the sender's advisory lock make one batch out of any number of instances. The manual trigger queues a run too, so
 * it survives a restart and runs on whichever instance is free.
 */
@Injectable()
export class EmailBatchScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EmailBatchScheduler.name);

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueueService,
    private readonly sender: EmailBatchSender,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const boss = this.queue.boss;
    const options = { policy: 'singleton', retryLimit: 3, retryDelay: 30, expireInSeconds: 15 * 60 } as const;
    if (await boss.getQueue(EMAIL_BATCH_QUEUE)) await boss.updateQueue(EMAIL_BATCH_QUEUE, { retryLimit: options.retryLimit, retryDelay: options.retryDelay });
    else await boss.createQueue(EMAIL_BATCH_QUEUE, { ...options, notify: true });
    const { emailSendCronExpression: cron, emailSendTimezone: tz } = this.settings.execution;
    // A tick missed while every instance was down still sends that week's batch once.
    await boss.schedule(EMAIL_BATCH_QUEUE, cron, { trigger: 'schedule' }, { tz, missed: 'once' });
    await boss.work(EMAIL_BATCH_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async () => {
      const run = await this.sender.send();
      if (!run.ran) this.logger.log('another instance holds the email batch lock; this run sent nothing');
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.boss.offWork(EMAIL_BATCH_QUEUE, { wait: true }).catch(() => undefined);
  }

  /** The manual trigger: a run as soon as a worker takes it. */
  async trigger(): Promise<void> {
    await this.queue.boss.send(EMAIL_BATCH_QUEUE, { trigger: 'manual' });
  }

  async schedule(now: Date = new Date()): Promise<EmailBatchSchedule> {
    const { emailSendCronExpression: cronExpression, emailSendTimezone: timezone } = this.settings.execution;
    const next = nextRunAt(cronExpression, timezone, now);
    const awaiting = await this.dataSource.getRepository(PrivacyRequestEntity).countBy({ status: 'awaiting_email_send' });
    return { cronExpression, timezone, nextRunAt: next, nextRunLocal: isoInZone(next, timezone), awaiting };
  }
}

/** Fides' answer to the manual trigger. */
export const BATCH_STARTED = 'Email batch job started. This may take a few minutes to complete.';
