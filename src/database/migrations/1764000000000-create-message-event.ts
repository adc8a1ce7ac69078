import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMessageEvent1764000000000 implements MigrationInterface {
  name = 'CreateMessageEvent1764000000000';

  async up(q: QueryRunner): Promise<void> {
    // Decision D27: what the provider said after taking the message. A constant default: no table rewrite.
    await q.query(`
      ALTER TABLE "message" ADD COLUMN "delivery_status" varchar(16) NOT NULL DEFAULT 'unknown'
        CONSTRAINT "CHK_message_delivery_status" CHECK ("delivery_status" IN ('unknown', 'deferred', 'delivered', 'undelivered', 'bounced', 'complained'))`);
    // The list's filter looks for the few messages something happened to; `unknown` ones stay out of the index.
    await q.query(`CREATE INDEX "IDX_message_delivery_status" ON "message" ("delivery_status", "created_at" DESC) WHERE "delivery_status" <> 'unknown'`);
    // Events that carry only the provider's id (a Twilio callback set in its console, mail sent before custom data).
    await q.query(`CREATE INDEX "IDX_message_provider_message_id" ON "message" ("provider_message_id") WHERE "provider_message_id" IS NOT NULL`);
    // The timeline: no recipient, only what happened, when, and the provider's reason (recipient redacted).
    await q.query(`
      CREATE TABLE "message_event" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "message_id" uuid NOT NULL REFERENCES "message" ("id") ON DELETE CASCADE,
        "service_type" varchar(32) NOT NULL,
        "type" varchar(16) NOT NULL
          CONSTRAINT "CHK_message_event_type" CHECK ("type" IN ('deferred', 'delivered', 'undelivered', 'bounced', 'complained')),
        "occurred_at" timestamptz NOT NULL,
        "received_at" timestamptz NOT NULL DEFAULT now(),
        "reason" text,
        "provider_event_id" varchar(255) NOT NULL
      )`);
    // The same event twice is one entry, whatever the replay table has forgotten.
    await q.query(`CREATE UNIQUE INDEX "UQ_message_event_provider_event" ON "message_event" ("message_id", "provider_event_id")`);
    // Decision D26: what the webhooks have already taken (a hash of the provider's event id, or Mailgun's token, whose
    // signature does not cover the event), kept long enough to outlast the providers' retries, then purged.
    await q.query(`
      CREATE TABLE "webhook_replay" (
        "key" varchar(64) PRIMARY KEY,
        "expires_at" timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX "IDX_webhook_replay_expires_at" ON "webhook_replay" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_replay"`);
    await q.query(`DROP TABLE "message_event"`);
    await q.query(`DROP INDEX "IDX_message_provider_message_id"`);
    await q.query(`DROP INDEX "IDX_message_delivery_status"`);
    await q.query(`ALTER TABLE "message" DROP COLUMN "delivery_status"`);
  }
}
