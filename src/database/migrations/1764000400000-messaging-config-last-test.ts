import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MessagingConfigLastTest1764000400000 implements MigrationInterface {
  name = 'MessagingConfigLastTest1764000400000';

  async up(q: QueryRunner): Promise<void> {
    // Decision D31: the outcome of the last `POST /messaging/test/{service_type}`; null until a config is tested.
    await q.query(`ALTER TABLE "messaging_config" ADD COLUMN "last_test_timestamp" timestamptz, ADD COLUMN "last_test_succeeded" boolean`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messaging_config" DROP COLUMN "last_test_succeeded", DROP COLUMN "last_test_timestamp"`);
  }
}
