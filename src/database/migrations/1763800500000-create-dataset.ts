import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDataset1763800500000 implements MigrationInterface {
  name = 'CreateDataset1763800500000';

  async up(q: QueryRunner): Promise<void> {
    // A dataset belongs to one connection and goes with it; its fides_key is unique across all connections.
    await q.query(`
      CREATE TABLE "dataset" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "connection_id" uuid NOT NULL CONSTRAINT "FK_dataset_connection" REFERENCES "connection" ("id") ON DELETE CASCADE,
        "fides_key" varchar(255) NOT NULL CONSTRAINT "UQ_dataset_fides_key" UNIQUE,
        "dataset" json NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "IDX_dataset_connection_created_at" ON "dataset" ("connection_id", "created_at" DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "dataset"`);
  }
}
