import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccessPackage1763800900000 implements MigrationInterface {
  name = 'CreateAccessPackage1763800900000';

  async up(q: QueryRunner): Promise<void> {
    // Sealed (AES-256-GCM, bound to the request id) as the files under the data dir were; the files still there are
    // moved in at start-up by AccessPackages, which knows the data dir. No foreign key to privacy_request: the run
    // writes the package while holding that row's FOR UPDATE lock, which a key-share check would wait on.
    await q.query(`
      CREATE TABLE "access_package" (
        "request_id" varchar(64) PRIMARY KEY,
        "sealed" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX "IDX_access_package_expires_at" ON "access_package" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "access_package"`);
  }
}
