import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRateLimitBucket1763800870000 implements MigrationInterface {
  name = 'CreateRateLimitBucket1763800870000';

  async up(q: QueryRunner): Promise<void> {
    // Decision D18: one row per bucket and subject, shared by every Herald process. `key` is the bucket's name and a
    // keyed hash of the subject (address, identity, client id), never the value. UNLOGGED: counters need no WAL or
    // replicas, and a crash that empties them only forgives the current window.
    await q.query(`
      CREATE UNLOGGED TABLE "rate_limit_bucket" (
        "key" varchar(96) PRIMARY KEY,
        "points" integer NOT NULL,
        "expires_at" timestamptz NOT NULL
      )`);
    // Expired rows are deleted in the background (RateLimitsService.deleteExpired).
    await q.query(`CREATE INDEX "IDX_rate_limit_bucket_expires_at" ON "rate_limit_bucket" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "rate_limit_bucket"`);
  }
}
