import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOauthClient1763800000000 implements MigrationInterface {
  name = 'CreateOauthClient1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "oauth_client" (
        "id" varchar(64) PRIMARY KEY,
        "hashed_secret" varchar(255) NOT NULL,
        "salt" varchar(64) NOT NULL,
        "scopes" text[] NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "oauth_client"`);
  }
}
