import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { escapeLike } from '../../common/database/postgres-errors.js';
import type { MessageStatus } from './message.entity.js';

/** Where one message stands, as a feature that enqueued it sees it. */
export interface MessageOutcome {
  idempotencyKey: string;
  status: MessageStatus;
  /** The provider's reason (sanitised) when the last attempt failed. */
  reason: string | null;
}

/**
 * What became of the messages a feature enqueued, so that it never reads the `message` table itself: found by the
 * privacy request they belong to and the start of their idempotency keys (the caller's own naming).
 */
@Injectable()
export class MessageOutcomes {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The request's messages whose idempotency key starts with `keyPrefix`, oldest first; in the caller's transaction when `manager` is given. */
  async outcomesFor(privacyRequestId: string, keyPrefix: string, manager?: EntityManager): Promise<MessageOutcome[]> {
    return (manager ?? this.dataSource.manager).query<MessageOutcome[]>(
      `SELECT idempotency_key AS "idempotencyKey", status, failure_reason AS reason FROM message
       WHERE privacy_request_id = $1 AND idempotency_key LIKE $2 ORDER BY created_at`,
      [privacyRequestId, `${escapeLike(keyPrefix)}%`],
    );
  }

  /** The messages with these idempotency keys (messages that belong to no one request, e.g. a batch email, D34). */
  async outcomesOfKeys(idempotencyKeys: string[], manager?: EntityManager): Promise<MessageOutcome[]> {
    if (idempotencyKeys.length === 0) return [];
    return (manager ?? this.dataSource.manager).query<MessageOutcome[]>(
      `SELECT idempotency_key AS "idempotencyKey", status, failure_reason AS reason FROM message WHERE idempotency_key = ANY($1::varchar[]) ORDER BY created_at`,
      [idempotencyKeys],
    );
  }

  /** Of these idempotency keys, those whose message has ended (`sent` or `failed`) at least `quietSeconds` ago. */
  async endedKeys(idempotencyKeys: string[], quietSeconds: number): Promise<Set<string>> {
    if (idempotencyKeys.length === 0) return new Set();
    const rows = await this.dataSource.query<{ key: string }[]>(
      `SELECT idempotency_key AS key FROM message
       WHERE idempotency_key = ANY($1::varchar[]) AND status IN ('sent', 'failed') AND updated_at <= now() - $2 * interval '1 second'`,
      [idempotencyKeys, quietSeconds],
    );
    return new Set(rows.map((row) => row.key));
  }

  /**
   * Of the given privacy requests, those none of whose messages of `actionTypes` is still queued or sending, or ended
   * less than `quietSeconds` ago (a request with no such message counts as settled).
   */
  async settled(privacyRequestIds: string[], actionTypes: readonly string[], quietSeconds: number): Promise<string[]> {
    if (privacyRequestIds.length === 0) return [];
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT r.id FROM unnest($1::varchar[]) AS r (id)
       WHERE NOT EXISTS (
         SELECT 1 FROM message m
         WHERE m.privacy_request_id = r.id AND m.action_type = ANY($2)
           AND (m.status IN ('queued', 'sending') OR m.updated_at > now() - $3 * interval '1 second'))`,
      [privacyRequestIds, [...actionTypes], quietSeconds],
    );
    return rows.map((row) => row.id);
  }
}
