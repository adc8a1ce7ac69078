import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateConnection1763800400000 implements MigrationInterface {
  name = 'CreateConnection1763800400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "connection" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "key" varchar(255) NOT NULL CONSTRAINT "UQ_connection_key" UNIQUE,
        "name" varchar(255) NOT NULL CONSTRAINT "UQ_connection_name" UNIQUE,
        "description" text,
        "connection_type" varchar(32) NOT NULL CONSTRAINT "CHK_connection_type" CHECK ("connection_type" IN ('email')),
        "access" varchar(8) NOT NULL CONSTRAINT "CHK_connection_access" CHECK ("access" IN ('read', 'write')),
        "disabled" boolean NOT NULL DEFAULT false,
        "disabled_at" timestamptz,
        "last_test_timestamp" timestamptz,
        "last_test_succeeded" boolean,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "connection"`);
  }
}
