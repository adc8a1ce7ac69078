import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = ['identity_unverified', 'requires_input', 'pending', 'approved', 'denied', 'in_processing', 'complete', 'paused', 'canceled', 'error'];
const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

export class BatchedErasureEmails1764000800000 implements MigrationInterface {
  name = 'BatchedErasureEmails1764000800000';

  async up(q: QueryRunner): Promise<void> {
    // Decision D34: the generic_erasure_email connection type, and requests parked until the next batch.
    await q.query(`ALTER TABLE "connection" DROP CONSTRAINT "CHK_connection_type"`);
    await q.query(`ALTER TABLE "connection" ADD CONSTRAINT "CHK_connection_type" CHECK ("connection_type" IN ('email', 'generic_erasure_email'))`);
    await q.query(`ALTER TABLE "privacy_request" DROP CONSTRAINT "CHK_privacy_request_status"`);
    await q.query(
      `ALTER TABLE "privacy_request" ADD CONSTRAINT "CHK_privacy_request_status" CHECK ("status" IN (${quoted([...STATUSES, 'awaiting_email_send'])}))`,
    );
    await q.query(`ALTER TABLE "privacy_request" ADD "awaiting_email_send_at" timestamptz, ADD "email_batch_id" uuid`);
    // The batch looks for its waiting requests, oldest first.
    await q.query(
      `CREATE INDEX "IDX_privacy_request_awaiting_email_send" ON "privacy_request" ("awaiting_email_send_at") WHERE "status" = 'awaiting_email_send'`,
    );
    // One row per request listed in one connector's email of one batch: the email's message wakes these requests,
    // and a request whose email for a connector went out is not listed for it again.
    await q.query(`
      CREATE TABLE "email_batch_entry" (
        "batch_id" uuid NOT NULL,
        "privacy_request_id" varchar(64) NOT NULL REFERENCES "privacy_request" ("id") ON DELETE CASCADE,
        "connection_id" uuid NOT NULL,
        "connection_key" varchar(255) NOT NULL,
        "connection_name" varchar(255) NOT NULL,
        "message_id" uuid NOT NULL,
        "message_key" varchar(255) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("batch_id", "privacy_request_id", "connection_id")
      )`);
    await q.query(`CREATE INDEX "IDX_email_batch_entry_message" ON "email_batch_entry" ("message_id")`);
    await q.query(`CREATE INDEX "IDX_email_batch_entry_request" ON "email_batch_entry" ("privacy_request_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "email_batch_entry"`);
    await q.query(`DROP INDEX "IDX_privacy_request_awaiting_email_send"`);
    await q.query(`ALTER TABLE "privacy_request" DROP COLUMN "awaiting_email_send_at", DROP COLUMN "email_batch_id"`);
    await q.query(`ALTER TABLE "privacy_request" DROP CONSTRAINT "CHK_privacy_request_status"`);
    await q.query(`ALTER TABLE "privacy_request" ADD CONSTRAINT "CHK_privacy_request_status" CHECK ("status" IN (${quoted(STATUSES)}))`);
    await q.query(`DELETE FROM "connection" WHERE "connection_type" <> 'email'`);
    await q.query(`ALTER TABLE "connection" DROP CONSTRAINT "CHK_connection_type"`);
    await q.query(`ALTER TABLE "connection" ADD CONSTRAINT "CHK_connection_type" CHECK ("connection_type" IN ('email'))`);
  }
}
