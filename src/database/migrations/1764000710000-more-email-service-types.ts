import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every service type a config may have after this migration (decision D33), AWS_SES included for its own provider. */
const TYPES = ['MAILGUN', 'TWILIO_TEXT', 'TWILIO_EMAIL', 'MAILCHIMP_TRANSACTIONAL', 'SMTP', 'AWS_SES'];

export class MoreEmailServiceTypes1764000710000 implements MigrationInterface {
  name = 'MoreEmailServiceTypes1764000710000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messaging_config" DROP CONSTRAINT "CHK_messaging_config_service_type"`);
    const list = TYPES.map((t) => `'${t}'`).join(', ');
    await q.query(`ALTER TABLE "messaging_config" ADD CONSTRAINT "CHK_messaging_config_service_type" CHECK ("service_type" IN (${list}))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Configs of the new types cannot be kept under the old constraint.
    await q.query(`DELETE FROM "messaging_config" WHERE "service_type" NOT IN ('MAILGUN', 'TWILIO_TEXT', 'TWILIO_EMAIL')`);
    await q.query(`ALTER TABLE "messaging_config" DROP CONSTRAINT "CHK_messaging_config_service_type"`);
    await q.query(
      `ALTER TABLE "messaging_config" ADD CONSTRAINT "CHK_messaging_config_service_type" CHECK ("service_type" IN ('MAILGUN', 'TWILIO_TEXT', 'TWILIO_EMAIL'))`,
    );
  }
}
