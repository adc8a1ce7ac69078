import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePolicy1763800600000 implements MigrationInterface {
  name = 'CreatePolicy1763800600000';

  async up(q: QueryRunner): Promise<void> {
    // Keys and names are unique per table, as Fides; rules and targets go with their policy.
    await q.query(`
      CREATE TABLE "policy" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "key" varchar(255) NOT NULL CONSTRAINT "UQ_policy_key" UNIQUE,
        "name" varchar(255) NOT NULL CONSTRAINT "UQ_policy_name" UNIQUE,
        "execution_timeframe" integer,
        "drp_action" varchar(32),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE "rule" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "policy_id" uuid NOT NULL CONSTRAINT "FK_rule_policy" REFERENCES "policy" ("id") ON DELETE CASCADE,
        "key" varchar(255) NOT NULL CONSTRAINT "UQ_rule_key" UNIQUE,
        "name" varchar(255) NOT NULL CONSTRAINT "UQ_rule_name" UNIQUE,
        "action_type" varchar(16) NOT NULL CONSTRAINT "CHK_rule_action_type" CHECK ("action_type" IN ('access', 'erasure')),
        "masking_strategy" jsonb,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "CHK_rule_masking_strategy" CHECK (("action_type" = 'erasure') = ("masking_strategy" IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX "IDX_rule_policy_created_at" ON "rule" ("policy_id", "created_at")`);
    await q.query(`
      CREATE TABLE "rule_target" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "rule_id" uuid NOT NULL CONSTRAINT "FK_rule_target_rule" REFERENCES "rule" ("id") ON DELETE CASCADE,
        "key" varchar(255) NOT NULL CONSTRAINT "UQ_rule_target_key" UNIQUE,
        "name" varchar(255) CONSTRAINT "UQ_rule_target_name" UNIQUE,
        "data_category" varchar(255) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_rule_target_rule_data_category" UNIQUE ("rule_id", "data_category")
      )`);
    // Fides' default policies, so a privacy request can be made on a new database without any set-up.
    await q.query(`
      WITH p AS (
        INSERT INTO "policy" ("key", "name", "execution_timeframe") VALUES ('default_access_policy', 'Default Access Policy', 45) RETURNING "id"
      ), r AS (
        INSERT INTO "rule" ("policy_id", "key", "name", "action_type")
        SELECT "id", 'default_access_policy_rule', 'Default Access Rule', 'access' FROM p RETURNING "id"
      )
      INSERT INTO "rule_target" ("rule_id", "key", "data_category") SELECT "id", 'default_access_policy_rule_target', 'user' FROM r`);
    await q.query(`
      WITH p AS (
        INSERT INTO "policy" ("key", "name", "execution_timeframe") VALUES ('default_erasure_policy', 'Default Erasure Policy', 45) RETURNING "id"
      ), r AS (
        INSERT INTO "rule" ("policy_id", "key", "name", "action_type", "masking_strategy")
        SELECT "id", 'default_erasure_policy_rule', 'Default Erasure Rule', 'erasure', '{"strategy": "null_rewrite", "configuration": {}}'::jsonb FROM p RETURNING "id"
      )
      INSERT INTO "rule_target" ("rule_id", "key", "data_category") SELECT "id", 'default_erasure_policy_rule_target', 'user' FROM r`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "rule_target"`);
    await q.query(`DROP TABLE "rule"`);
    await q.query(`DROP TABLE "policy"`);
  }
}
