import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { badRequest, notFound } from '../../common/errors/herald.error.js';
import { JobQueueService, transactionDb } from '../../database/index.js';
import { retryJobId } from './attempt-recorder.js';
import { DELIVERY_QUEUE } from './delivery-queue.js';
import { MessageEntity } from './message.entity.js';
import { isUuid } from '../../common/uuid.js';

/**
 * An operator's retry of a failed message: queued again with a fresh budget of attempts (its attempts keep their
 * numbers; `attempts_before_retry` marks where the new round starts), same recipient and content, and its next
 * attempt's job, in one transaction. The worker treats it as any queued message: a suppressed recipient fails again.
 */
@Injectable()
export class MessageRetry {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueueService,
  ) {}

  /**
   * The message as the retry left it (queued), read in the retry's transaction: a worker may claim it as soon as it
   * commits, so a later read could already say sending. Throws not found for an unknown id and bad request
   * (BAD_USER_INPUT) unless the message is failed.
   */
  async retry(id: string): Promise<MessageEntity> {
    if (!isUuid(id)) throw notFound(`No message found with id ${id}`);
    return this.dataSource.transaction(async (manager) => {
      // One statement, so a concurrent retry of the same message waits for this one and then finds it queued.
      const rows = await manager.query<{ status: string; attempts: number | null }[]>(
        `WITH target AS (SELECT id, status FROM message WHERE id = $1 FOR UPDATE),
         retried AS (
           UPDATE message m SET status = 'queued', attempts_before_retry = m.attempts, failure_reason = NULL, updated_at = now()
           FROM target t WHERE m.id = t.id AND t.status = 'failed' RETURNING m.attempts)
         SELECT t.status, r.attempts FROM target t LEFT JOIN retried r ON true`,
        [id],
      );
      if (rows.length === 0) throw notFound(`No message found with id ${id}`);
      const { status, attempts } = rows[0];
      if (attempts === null) throw badRequest(`Message ${id} is ${status}: only a failed message can be retried`);
      await this.queue.boss.insert(DELIVERY_QUEUE, [{ id: retryJobId(id, attempts + 1), data: { messageId: id } }], { db: transactionDb(manager) });
      return manager.findOneByOrFail(MessageEntity, { id });
    });
  }
}
