import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePrivacyRequestErrorAlert1764000150000 implements MigrationInterface {
  name = 'CreatePrivacyRequestErrorAlert1764000150000';

  async up(q: QueryRunner): Promise<void> {
    // Decision D30: who is alerted after how many requests in error, and the durable count since the last alert. One
    // row (Fides uses only the first of its table); an empty address list means "not configured". The row stays when
    // the alerts are switched off, so `alerts_sent` (part of each alert's idempotency key) never counts again from 0.
    // The addresses are the operators' own, answered by GET as in Fides, and kept as plain as a config's details.
    await q.query(`
      CREATE TABLE "privacy_request_error_alert" (
        "id" smallint PRIMARY KEY DEFAULT 1 CONSTRAINT "CHK_privacy_request_error_alert_single" CHECK ("id" = 1),
        "email_addresses" text[] NOT NULL DEFAULT '{}',
        "notify_after_failures" integer NOT NULL CONSTRAINT "CHK_privacy_request_error_alert_threshold" CHECK ("notify_after_failures" >= 1),
        "failures_since_alert" integer NOT NULL DEFAULT 0,
        "alerts_sent" integer NOT NULL DEFAULT 0,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "privacy_request_error_alert"`);
  }
}
