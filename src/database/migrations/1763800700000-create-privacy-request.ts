import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePrivacyRequest1763800700000 implements MigrationInterface {
  name = 'CreatePrivacyRequest1763800700000';

  async up(q: QueryRunner): Promise<void> {
    // Identities are sealed (AES-256-GCM) in `identity`; keyed hashes let a request be found by identity.
    await q.query(`
      CREATE TABLE "privacy_request" (
        "id" varchar(64) PRIMARY KEY,
        "policy_id" uuid NOT NULL CONSTRAINT "FK_privacy_request_policy" REFERENCES "policy" ("id"),
        "status" varchar(32) NOT NULL CONSTRAINT "CHK_privacy_request_status" CHECK ("status" IN
          ('identity_unverified', 'requires_input', 'pending', 'approved', 'denied', 'in_processing', 'complete', 'paused', 'canceled', 'error')),
        "external_id" varchar(255),
        "identity" text NOT NULL,
        "email_hash" varchar(64),
        "phone_number_hash" varchar(64),
        "requested_at" timestamptz NOT NULL,
        "due_date" timestamptz,
        "identity_verified_at" timestamptz,
        "verification_code_hash" varchar(128),
        "verification_expires_at" timestamptz,
        "verification_attempts" integer NOT NULL DEFAULT 0,
        "reviewed_at" timestamptz,
        "reviewed_by" varchar(255),
        "started_processing_at" timestamptz,
        "finished_processing_at" timestamptz,
        "paused_at" timestamptz,
        "step" varchar(64),
        "awaiting_messages" boolean NOT NULL DEFAULT false,
        "run_attempt" integer NOT NULL DEFAULT 1,
        "action_required_details" jsonb,
        "failure_reason" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "IDX_privacy_request_created_at" ON "privacy_request" ("created_at" DESC)`);
    await q.query(`CREATE INDEX "IDX_privacy_request_status" ON "privacy_request" ("status")`);
    await q.query(`CREATE INDEX "IDX_privacy_request_email_hash" ON "privacy_request" ("email_hash")`);
    await q.query(`CREATE INDEX "IDX_privacy_request_phone_number_hash" ON "privacy_request" ("phone_number_hash")`);
    await q.query(`
      CREATE TABLE "audit_log" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "privacy_request_id" varchar(64) NOT NULL REFERENCES "privacy_request" ("id") ON DELETE CASCADE,
        "action" varchar(32) NOT NULL,
        "user_id" varchar(255),
        "message" text,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "IDX_audit_log_request" ON "audit_log" ("privacy_request_id", "created_at")`);
    await q.query(`
      CREATE TABLE "execution_log" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "privacy_request_id" varchar(64) NOT NULL REFERENCES "privacy_request" ("id") ON DELETE CASCADE,
        "dataset_name" varchar(255),
        "collection_name" varchar(255),
        "fields_affected" jsonb,
        "action_type" varchar(16) NOT NULL,
        "status" varchar(32) NOT NULL,
        "message" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "IDX_execution_log_request" ON "execution_log" ("privacy_request_id", "updated_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "execution_log"`);
    await q.query(`DROP TABLE "audit_log"`);
    await q.query(`DROP TABLE "privacy_request"`);
  }
}
