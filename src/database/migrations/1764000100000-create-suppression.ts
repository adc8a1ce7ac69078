import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSuppression1764000100000 implements MigrationInterface {
  name = 'CreateSuppression1764000100000';

  async up(q: QueryRunner): Promise<void> {
    // Decision D28: one row per suppressed recipient, found by a keyed hash of the normalised address (HMAC under the
    // key ring's `suppression-hash` sub-key), never by the address. `recipient` holds the address sealed to its row,
    // read only by `npm run rotate-keys` to recompute the hash under a new key; `recipient_hint` is what is shown.
    await q.query(`
      CREATE TABLE "suppression" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "recipient_hash" varchar(64) NOT NULL CONSTRAINT "UQ_suppression_recipient_hash" UNIQUE,
        "recipient" text NOT NULL,
        "recipient_hint" varchar(255) NOT NULL,
        "channel" varchar(8) NOT NULL CONSTRAINT "CHK_suppression_channel" CHECK ("channel" IN ('email', 'sms')),
        "cause" varchar(16) NOT NULL CONSTRAINT "CHK_suppression_cause" CHECK ("cause" IN ('bounce', 'complaint', 'manual')),
        "message_id" uuid REFERENCES "message" ("id") ON DELETE SET NULL,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "IDX_suppression_created_at" ON "suppression" ("created_at" DESC, "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "suppression"`);
  }
}
