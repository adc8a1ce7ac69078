import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes in the order the lists read (issue 20): the message log by status or action type, newest first, and the
 * privacy-request list (`created_at DESC NULLS LAST, id DESC`), all or by status. The new privacy-request indexes
 * lead with what the old single-column ones held, so those go: `status =` (the execution sweep, the list) is served by
 * the (status, …) index, a created_at range or order by the (created_at, id) one. `IDX_message_created_at` stays: it
 * serves the unfiltered message log.
 */
export class ScaleIndexes1764000300000 implements MigrationInterface {
  name = 'ScaleIndexes1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_message_status_created_at" ON "message" ("status", "created_at" DESC, "id" DESC)`);
    await q.query(`CREATE INDEX "IDX_message_action_type_created_at" ON "message" ("action_type", "created_at" DESC, "id" DESC)`);
    await q.query(`CREATE INDEX "IDX_privacy_request_created_at_id" ON "privacy_request" ("created_at" DESC NULLS LAST, "id" DESC)`);
    await q.query(`CREATE INDEX "IDX_privacy_request_status_created_at" ON "privacy_request" ("status", "created_at" DESC NULLS LAST, "id" DESC)`);
    await q.query(`DROP INDEX "IDX_privacy_request_created_at"`);
    await q.query(`DROP INDEX "IDX_privacy_request_status"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_privacy_request_status" ON "privacy_request" ("status")`);
    await q.query(`CREATE INDEX "IDX_privacy_request_created_at" ON "privacy_request" ("created_at" DESC)`);
    await q.query(`DROP INDEX "IDX_privacy_request_status_created_at"`);
    await q.query(`DROP INDEX "IDX_privacy_request_created_at_id"`);
    await q.query(`DROP INDEX "IDX_message_action_type_created_at"`);
    await q.query(`DROP INDEX "IDX_message_status_created_at"`);
  }
}
