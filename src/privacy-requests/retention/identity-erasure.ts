import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MessageRetention } from '../../notifications/index.js';
import { IdentityVault } from '../requests/identity-vault.js';

/** Statuses a request never leaves: its identity has done its work. `error` is not one (a retry resumes it). */
export const FINISHED_REQUEST_STATUSES = ['complete', 'denied', 'canceled'] as const;

/**
 * Erases the identities of finished requests unchanged since the cutoff, one batch per call in its own transaction:
 * the sealed identity becomes an empty one (so every reader still opens it), the lookup hashes and any verification
 * code go, the finished messages of the request lose their sealed recipient and parameters (erasure emails list the
 * identity), and its access package is deleted. The request row, its logs and its messages' outcomes stay.
 */
@Injectable()
export class IdentityErasure {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vault: IdentityVault,
    private readonly messages: MessageRetention,
  ) {}

  async eraseBatch(before: Date, batchSize: number): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      // The partial index IDX_privacy_request_identity_retention holds exactly the candidates, oldest first.
      const rows = await m.query<{ id: string }[]>(
        `SELECT id FROM privacy_request
         WHERE identity_erased_at IS NULL AND status IN ('complete', 'denied', 'canceled') AND updated_at < $1
         ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [before, batchSize],
      );
      if (rows.length === 0) return 0;
      const ids = rows.map((r) => r.id);
      const empty = ids.map((id) => this.vault.seal(id, {}));
      // updated_at stays: it says when the request last changed, not when retention passed by.
      await m.query(
        `UPDATE privacy_request SET identity = e.identity, email_hash = NULL, phone_number_hash = NULL,
           verification_code_hash = NULL, identity_erased_at = now()
         FROM unnest($1::varchar[], $2::text[]) AS e (id, identity) WHERE privacy_request.id = e.id`,
        [ids, empty],
      );
      await this.messages.eraseRecipients(ids, m);
      await m.query('DELETE FROM access_package WHERE request_id = ANY($1::varchar[])', [ids]);
      return ids.length;
    });
  }
}
