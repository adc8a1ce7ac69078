import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live updates (GraphQL subscriptions, issue 21): statement-level triggers announce every committed change of a
 * message's state and of a privacy request's status on `herald_message` / `herald_privacy_request`, whoever made it
 * (a worker, the webhook intake, a retry, another instance). One NOTIFY per statement and per chunk of rows, never one
 * per row, and only ids with their new status: every instance loads the rows itself. NOTIFY payloads stop at 8000
 * bytes: a message entry is at most 57 bytes (100 a chunk), a request's at most 98 (50 a chunk).
 * `attempts_before_retry`: retryMessage gives a failed message a fresh budget of attempts while its attempts keep
 * their numbers (the attempt log and the retry jobs' ids are keyed by them).
 */
export class LiveUpdates1764001000000 implements MigrationInterface {
  name = 'LiveUpdates1764001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "message" ADD COLUMN "attempts_before_retry" integer NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE FUNCTION herald_notify_message_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('herald_message', string_agg(c.entry, ','))
        FROM (SELECT n.id::text || '|' || n.status || '|' || n.delivery_status AS entry, (row_number() OVER () - 1) / 100 AS chunk FROM new_rows n) c
        GROUP BY c.chunk;
        RETURN NULL;
      END $$`);
    // Only a change of what a subscriber sees (status, delivery status, a new attempt): key rotation, retention
    // and other rewrites of a row announce nothing.
    await q.query(`
      CREATE FUNCTION herald_notify_message_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('herald_message', string_agg(c.entry, ','))
        FROM (
          SELECT n.id::text || '|' || n.status || '|' || n.delivery_status AS entry, (row_number() OVER () - 1) / 100 AS chunk
          FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE (n.status, n.delivery_status, n.attempts) IS DISTINCT FROM (o.status, o.delivery_status, o.attempts)) c
        GROUP BY c.chunk;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER "message_inserted_notify" AFTER INSERT ON "message" REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION herald_notify_message_inserted()`);
    await q.query(`
      CREATE TRIGGER "message_updated_notify" AFTER UPDATE ON "message" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION herald_notify_message_updated()`);
    await q.query(`
      CREATE FUNCTION herald_notify_privacy_request_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('herald_privacy_request', string_agg(c.entry, ','))
        FROM (SELECT n.id || '|' || n.status AS entry, (row_number() OVER () - 1) / 50 AS chunk FROM new_rows n) c
        GROUP BY c.chunk;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION herald_notify_privacy_request_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('herald_privacy_request', string_agg(c.entry, ','))
        FROM (
          SELECT n.id || '|' || n.status AS entry, (row_number() OVER () - 1) / 50 AS chunk
          FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.status IS DISTINCT FROM o.status) c
        GROUP BY c.chunk;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER "privacy_request_inserted_notify" AFTER INSERT ON "privacy_request" REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION herald_notify_privacy_request_inserted()`);
    await q.query(`
      CREATE TRIGGER "privacy_request_updated_notify" AFTER UPDATE ON "privacy_request" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION herald_notify_privacy_request_updated()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "privacy_request_updated_notify" ON "privacy_request"`);
    await q.query(`DROP TRIGGER "privacy_request_inserted_notify" ON "privacy_request"`);
    await q.query(`DROP TRIGGER "message_updated_notify" ON "message"`);
    await q.query(`DROP TRIGGER "message_inserted_notify" ON "message"`);
    await q.query(`DROP FUNCTION herald_notify_privacy_request_updated()`);
    await q.query(`DROP FUNCTION herald_notify_privacy_request_inserted()`);
    await q.query(`DROP FUNCTION herald_notify_message_updated()`);
    await q.query(`DROP FUNCTION herald_notify_message_inserted()`);
    await q.query(`ALTER TABLE "message" DROP COLUMN "attempts_before_retry"`);
  }
}
