import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotifications1763800300000 implements MigrationInterface {
  name = 'CreateNotifications1763800300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "message" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "idempotency_key" varchar(255) NOT NULL CONSTRAINT "UQ_message_idempotency_key" UNIQUE,
        "action_type" varchar(64) NOT NULL,
        "service_type_rule" varchar(32) NOT NULL,
        "service_type" varchar(32),
        "channel" varchar(8),
        "status" varchar(16) NOT NULL DEFAULT 'queued'
          CONSTRAINT "CHK_message_status" CHECK ("status" IN ('queued', 'sending', 'sent', 'failed')),
        "recipient_hint" varchar(255),
        "payload" text NOT NULL,
        "privacy_request_id" varchar(255),
        "attempts" integer NOT NULL DEFAULT 0,
        "provider_message_id" varchar(255),
        "failure_reason" text,
        "sent_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "IDX_message_created_at" ON "message" ("created_at" DESC)`);
    await q.query(`CREATE INDEX "IDX_message_privacy_request" ON "message" ("privacy_request_id")`);
    await q.query(`
      CREATE TABLE "message_attempt" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "message_id" uuid NOT NULL REFERENCES "message" ("id") ON DELETE CASCADE,
        "number" integer NOT NULL,
        "outcome" varchar(16) NOT NULL CONSTRAINT "CHK_message_attempt_outcome" CHECK ("outcome" IN ('sent', 'retry', 'failed')),
        "status_code" integer,
        "reason" text,
        "started_at" timestamptz NOT NULL,
        "finished_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "IDX_message_attempt_message" ON "message_attempt" ("message_id", "number")`);
    await q.query(`
      CREATE TABLE "application_config" (
        "id" smallint PRIMARY KEY DEFAULT 1 CONSTRAINT "CHK_application_config_single" CHECK ("id" = 1),
        "config" jsonb NOT NULL DEFAULT '{}',
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "application_config"`);
    await q.query(`DROP TABLE "message_attempt"`);
    await q.query(`DROP TABLE "message"`);
  }
}
