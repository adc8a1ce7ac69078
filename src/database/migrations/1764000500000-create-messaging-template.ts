import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMessagingTemplate1764000500000 implements MigrationInterface {
  name = 'CreateMessagingTemplate1764000500000';

  async up(q: QueryRunner): Promise<void> {
    // Decision D32: editable templates. `locale` is a canonical BCP 47 tag, or '' for the base variant (not NULL, so
    // the unique index below treats the base variant as one value). `content` is `{subject, body, sms}`, the body
    // already sanitised. At most one enabled template per type and locale: the one a message uses, found by the
    // partial index in one query.
    await q.query(`
      CREATE TABLE "messaging_template" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "type" varchar(64) NOT NULL,
        "label" varchar(255) NOT NULL,
        "locale" varchar(35) NOT NULL DEFAULT '',
        "content" jsonb NOT NULL,
        "is_enabled" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "uq_messaging_template_type_label" UNIQUE ("type", "label")
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_messaging_template_enabled" ON "messaging_template" ("type", "locale") WHERE "is_enabled"`);
    await q.query(`CREATE INDEX "IDX_messaging_template_created_at" ON "messaging_template" ("created_at" DESC, "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "messaging_template"`);
  }
}
