import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSecret1763800100000 implements MigrationInterface {
  name = 'CreateSecret1763800100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "secret" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "owner_kind" varchar(64) NOT NULL,
        "owner_id" varchar(255) NOT NULL,
        "envelope" text NOT NULL CONSTRAINT "CHK_secret_envelope" CHECK ("envelope" ~ '^v[0-9]+\\.'),
        "key_version" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_secret_owner" UNIQUE ("owner_kind", "owner_id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "secret"`);
  }
}
