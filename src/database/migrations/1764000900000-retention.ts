import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (issue 20 item 2): the indexes the purge's range scans read, so each batch finds its rows without scanning
 * the table (messages use IDX_message_status_created_at), the mark of a request whose identity was erased, and the log
 * of purge runs.
 */
export class Retention1764000900000 implements MigrationInterface {
  name = 'Retention1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_message_attempt_finished_at" ON "message_attempt" ("finished_at")`);
    await q.query(`CREATE INDEX "IDX_message_event_received_at" ON "message_event" ("received_at")`);
    await q.query(`ALTER TABLE "privacy_request" ADD COLUMN "identity_erased_at" timestamptz`);
    // Only the finished requests still holding an identity: the index shrinks as the purge does its work.
    await q.query(`
      CREATE INDEX "IDX_privacy_request_identity_retention" ON "privacy_request" ("updated_at")
        WHERE "identity_erased_at" IS NULL AND "status" IN ('complete', 'denied', 'canceled')`);
    await q.query(`
      CREATE TABLE "retention_purge" (
        "id" bigserial PRIMARY KEY,
        "trigger" varchar(16) NOT NULL CONSTRAINT "CHK_retention_purge_trigger" CHECK ("trigger" IN ('schedule', 'manual')),
        "started_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz,
        "messages" integer NOT NULL DEFAULT 0,
        "attempts" integer NOT NULL DEFAULT 0,
        "events" integer NOT NULL DEFAULT 0,
        "request_identities" integer NOT NULL DEFAULT 0
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "retention_purge"`);
    await q.query(`DROP INDEX "IDX_privacy_request_identity_retention"`);
    await q.query(`ALTER TABLE "privacy_request" DROP COLUMN "identity_erased_at"`);
    await q.query(`DROP INDEX "IDX_message_event_received_at"`);
    await q.query(`DROP INDEX "IDX_message_attempt_finished_at"`);
  }
}
