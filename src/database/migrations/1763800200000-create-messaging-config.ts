import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMessagingConfig1763800200000 implements MigrationInterface {
  name = 'CreateMessagingConfig1763800200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "messaging_config" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "key" varchar(255) NOT NULL CONSTRAINT "UQ_messaging_config_key" UNIQUE,
        "name" varchar(255) NOT NULL CONSTRAINT "UQ_messaging_config_name" UNIQUE,
        "service_type" varchar(32) NOT NULL CONSTRAINT "UQ_messaging_config_service_type" UNIQUE
          CONSTRAINT "CHK_messaging_config_service_type" CHECK ("service_type" IN ('MAILGUN', 'TWILIO_TEXT', 'TWILIO_EMAIL')),
        "details" jsonb,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "IDX_messaging_config_created_at" ON "messaging_config" ("created_at" DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "messaging_config"`);
  }
}
