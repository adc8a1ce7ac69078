import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Locales (decision D32): the BCP 47 tag a privacy request was made in (canonical, at most 35 characters), and per
 * message the locale asked for (the request's, carried when the message is enqueued) and the one its text was
 * rendered in ('' for the base text; null until rendered).
 */
export class Locales1764000600000 implements MigrationInterface {
  name = 'Locales1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "privacy_request" ADD "locale" varchar(35)`);
    await q.query(`ALTER TABLE "message" ADD "requested_locale" varchar(35), ADD "locale" varchar(35)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "message" DROP COLUMN "locale", DROP COLUMN "requested_locale"`);
    await q.query(`ALTER TABLE "privacy_request" DROP COLUMN "locale"`);
  }
}
