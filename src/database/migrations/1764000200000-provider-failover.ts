import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ProviderFailover1764000200000 implements MigrationInterface {
  name = 'ProviderFailover1764000200000';

  async up(q: QueryRunner): Promise<void> {
    // Decision D29: with fallback providers, the attempts of one message may go to different providers. Null for
    // attempts that failed before a provider was chosen, and for those recorded before this migration.
    await q.query(`ALTER TABLE "message_attempt" ADD COLUMN "service_type" varchar(32)`);
    // The circuit breaker of each provider, shared by every Herald process. UNLOGGED: it needs no WAL or replicas,
    // and a crash that empties it only closes the circuits early.
    await q.query(`
      CREATE UNLOGGED TABLE "provider_circuit" (
        "service_type" varchar(32) PRIMARY KEY,
        "consecutive_failures" integer NOT NULL DEFAULT 0,
        "first_failure_at" timestamptz,
        "opened_until" timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "provider_circuit"`);
    await q.query(`ALTER TABLE "message_attempt" DROP COLUMN "service_type"`);
  }
}
