import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { KeyRing } from '../../common/crypto/index.js';
import { payloadContext } from '../notifications.service.js';

/** Only what is finished: a queued message, or one being sent, keeps everything it has. */
const FINISHED = `('sent', 'failed')`;
// Messages of a request still running are what its next step reads (MessageOutcomes): kept until it stops.
const REQUEST_NOT_RUNNING = `NOT EXISTS (SELECT 1 FROM privacy_request pr WHERE pr.id = m.privacy_request_id AND pr.status IN ('in_processing', 'paused'))`;

/**
 * The outbox's side of retention: one batch per call, each its own statement (and so its own commit), found through an
 * index range and locked with SKIP LOCKED so that a row a worker or a webhook holds is left for the next run instead of
 * waited on. Each returns how many rows it removed; 0 means nothing older is left.
 */
@Injectable()
export class MessageRetention {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: KeyRing,
  ) {}

  /** Sent or failed messages created before the cutoff, one status at a time (the (status, created_at) index); attempts and events go with them. */
  async deleteMessages(before: Date, batchSize: number): Promise<number> {
    let deleted = 0;
    for (const status of ['sent', 'failed']) {
      deleted += await this.count(
        `DELETE FROM message WHERE id IN (
           SELECT m.id FROM message m WHERE m.status = $1 AND m.created_at < $2 AND ${REQUEST_NOT_RUNNING}
           ORDER BY m.created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING 1`,
        [status, before, batchSize - deleted],
      );
      if (deleted >= batchSize) break;
    }
    return deleted;
  }

  /** Attempts of finished messages that ended before the cutoff; the message keeps its status, count and reason. */
  async deleteAttempts(before: Date, batchSize: number): Promise<number> {
    return this.count(
      `DELETE FROM message_attempt WHERE id IN (
         SELECT a.id FROM message_attempt a JOIN message m ON m.id = a.message_id
         WHERE a.finished_at < $1 AND m.status IN ${FINISHED} AND ${REQUEST_NOT_RUNNING}
         ORDER BY a.finished_at LIMIT $2 FOR UPDATE OF a SKIP LOCKED)
       RETURNING 1`,
      [before, batchSize],
    );
  }

  /** Delivery events received before the cutoff; the message keeps the delivery status they gave it. */
  async deleteEvents(before: Date, batchSize: number): Promise<number> {
    return this.count(
      `DELETE FROM message_event WHERE id IN (
         SELECT id FROM message_event WHERE received_at < $1 ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING 1`,
      [before, batchSize],
    );
  }

  /** The rows a DELETE … RETURNING removed (TypeORM answers a DELETE with [rows, count], so it is counted in SQL). */
  private async count(statement: string, values: unknown[]): Promise<number> {
    const [{ n }] = await this.dataSource.query<{ n: number }[]>(`WITH d AS (${statement}) SELECT count(*)::int AS n FROM d`, values);
    return n;
  }

  /**
   * Erases who the finished messages of these requests went to and what they said (their sealed payload: the
   * subject's address, or the identities listed in an erasure email), in the caller's transaction. The message rows
   * stay, with their outcome, for the log.
   */
  async eraseRecipients(privacyRequestIds: string[], manager: EntityManager): Promise<number> {
    if (privacyRequestIds.length === 0) return 0;
    const messages = await manager.query<{ id: string }[]>(`SELECT id FROM message WHERE privacy_request_id = ANY($1::varchar[]) AND status IN ${FINISHED}`, [
      privacyRequestIds,
    ]);
    if (messages.length === 0) return 0;
    const ids = messages.map((m) => m.id);
    const payloads = ids.map((id) => this.keys.seal(JSON.stringify({ recipient: {}, params: {} }), payloadContext(id)));
    await manager.query(
      `UPDATE message SET payload = e.payload, recipient_hint = NULL
       FROM unnest($1::uuid[], $2::text[]) AS e (id, payload) WHERE message.id = e.id`,
      [ids, payloads],
    );
    return ids.length;
  }
}
