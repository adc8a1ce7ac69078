import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { KeyRing } from '../../src/common/crypto/index.js';
import { JobQueueService } from '../../src/database/job-queue.service.js';
import { payloadContext } from '../../src/notifications/notifications.service.js';
import { IdentityVault } from '../../src/privacy-requests/requests/identity-vault.js';
import { RETENTION_LOCK, RETENTION_QUEUE } from '../../src/privacy-requests/retention/retention-purge.js';
import { waitFor } from '../support/privacy-request-world.js';
import { TestApp, bearer, createTestApp } from '../support/test-app.js';

// Periods in days; every seeded row sits well inside or well outside its period, so the test does not race the clock.
const RETENTION = {
  HERALD_RETENTION_MESSAGES_DAYS: '30',
  HERALD_RETENTION_ATTEMPTS_DAYS: '10',
  HERALD_RETENTION_EVENTS_DAYS: '5',
  HERALD_RETENTION_REQUEST_IDENTITIES_DAYS: '20',
  // Small, so that each kind takes several batches.
  HERALD_RETENTION_BATCH_SIZE: '3',
  HERALD_RETENTION_CRON: '7 3 * * *',
};
const SUBJECT = 'retained.subject@example.com';

describe('retention: the purge of old messages, attempts, events and finished requests’ identities', () => {
  let first: TestApp;
  let second: TestApp;
  const dirs: string[] = [];
  let seq = 0;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) dirs.push(await mkdtemp(join(tmpdir(), 'herald-retention-')));
    first = await createTestApp({ ...RETENTION, HERALD_DATA_DIR: dirs[0] });
    second = await createTestApp({ ...RETENTION, HERALD_DATA_DIR: dirs[1] }, undefined, first.databaseUrl);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const keys = () => first.app.get(KeyRing);
  const count = async (sql: string, values: unknown[] = []) => (await first.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, values)).rows[0].n;

  /** A message `ageDays` old in `status`, sealed as notify seals it; with attempts and events of the given ages. */
  async function message(
    ageDays: number,
    status: string,
    extra: { attemptAges?: number[]; eventAges?: number[]; requestId?: string; email?: string } = {},
  ): Promise<string> {
    const id = crypto.randomUUID();
    const payload = keys().seal(JSON.stringify({ recipient: { email: extra.email ?? 'someone@example.com' }, params: {} }), payloadContext(id));
    await first.db.query(
      `INSERT INTO message (id, idempotency_key, action_type, service_type_rule, status, recipient_hint, payload, privacy_request_id, attempts, created_at, updated_at)
       VALUES ($1, $2, 'privacy_request_receipt', 'notification', $3, 's***@example.com', $4, $5, 1, now() - make_interval(days => $6), now() - make_interval(days => $6))`,
      [id, `retention-${++seq}`, status, payload, extra.requestId ?? null, ageDays],
    );
    for (const [n, age] of (extra.attemptAges ?? []).entries()) {
      await first.db.query(
        `INSERT INTO message_attempt (message_id, number, outcome, started_at, finished_at)
         VALUES ($1, $2, 'sent', now() - make_interval(days => $3), now() - make_interval(days => $3))`,
        [id, n + 1, age],
      );
    }
    for (const [n, age] of (extra.eventAges ?? []).entries()) {
      await first.db.query(
        `INSERT INTO message_event (message_id, service_type, type, occurred_at, received_at, provider_event_id)
         VALUES ($1, 'MAILGUN', 'delivered', now() - make_interval(days => $2), now() - make_interval(days => $2), $3)`,
        [id, age, `event-${id}-${n}`],
      );
    }
    return id;
  }

  /** A privacy request in `status`, last changed `ageDays` ago, with the subject's identity sealed and hashed. */
  async function request(status: string, ageDays: number): Promise<string> {
    const id = `pri_${crypto.randomUUID()}`;
    const vault = first.app.get(IdentityVault);
    await first.db.query(
      `INSERT INTO privacy_request (id, policy_id, status, identity, email_hash, requested_at, created_at, updated_at, finished_processing_at)
       SELECT $1, id, $2, $3, $4, now() - make_interval(days => $5), now() - make_interval(days => $5), now() - make_interval(days => $5),
              now() - make_interval(days => $5)
       FROM policy WHERE key = 'default_access_policy'`,
      [id, status, vault.seal(id, { email: SUBJECT }), vault.hash('email', SUBJECT), ageDays],
    );
    await first.db.query(`INSERT INTO access_package (request_id, sealed, expires_at) VALUES ($1, 'sealed-package', now() + interval '1 day')`, [id]);
    return id;
  }

  const purgeNow = async (t: TestApp, status: number) =>
    t
      .http()
      .post('/api/v1/retention/purge')
      .set(bearer(await t.rootToken()))
      .expect(status);

  it('removes exactly what is older than each period, in batches, and never a pending message', async () => {
    const oldSent = await Promise.all(Array.from({ length: 7 }, () => message(40, 'sent', { attemptAges: [40, 40], eventAges: [39] })));
    const oldFailed = await Promise.all(Array.from({ length: 2 }, () => message(40, 'failed', { attemptAges: [40] })));
    // Still to be sent, however old: kept with their attempts.
    const oldQueued = await message(40, 'queued', { attemptAges: [39] });
    const oldSending = await message(40, 'sending');
    // Young enough to keep; their attempts and events go by their own periods.
    const young = await Promise.all(Array.from({ length: 4 }, () => message(20, 'sent', { attemptAges: [15, 2], eventAges: [8, 1] })));

    const finishedOld = await request('complete', 25);
    const deniedOld = await request('denied', 25);
    const runningOld = await request('in_processing', 25);
    const erroredOld = await request('error', 25);
    const finishedRecently = await request('complete', 5);
    // The finished request's erasure email, still within the message period: its payload names the subject.
    const erasureEmail = await message(3, 'sent', { requestId: finishedOld, email: SUBJECT });
    // A message of a running request past every period: its request's next step still reads it.
    const runningMessage = await message(40, 'sent', { requestId: runningOld, attemptAges: [40] });

    const res = await purgeNow(second, 200);
    expect(res.body).toEqual({
      trigger: 'manual',
      started_at: expect.any(String),
      finished_at: expect.any(String),
      // Several batches of 3 each. Attempts and events go by their own periods first, old messages' included: 16 old
      // messages' attempts and 4 young ones'; 7 old messages' events and 4 young ones'.
      messages: 9,
      attempts: 20,
      events: 11,
      request_identities: 2,
    });

    // Messages: the nine old finished ones are gone, with their attempts and events (cascade).
    expect(await count('message WHERE id = ANY($1::uuid[])', [[...oldSent, ...oldFailed]])).toBe(0);
    expect(await count('message_attempt WHERE message_id = ANY($1::uuid[])', [[...oldSent, ...oldFailed]])).toBe(0);
    expect(await count('message_event WHERE message_id = ANY($1::uuid[])', [oldSent])).toBe(0);
    // Pending and in-flight messages stay, with their attempt; so does the running request's message.
    expect((await first.db.query('SELECT id, status FROM message WHERE id = ANY($1::uuid[]) ORDER BY status', [[oldQueued, oldSending]])).rows).toEqual([
      { id: oldQueued, status: 'queued' },
      { id: oldSending, status: 'sending' },
    ]);
    expect(await count('message_attempt WHERE message_id = $1', [oldQueued])).toBe(1);
    expect(await count('message_attempt WHERE message_id = $1', [runningMessage])).toBe(1);
    // Young messages: kept, less their attempts over 10 days and events over 5 days.
    expect(await count('message WHERE id = ANY($1::uuid[])', [young])).toBe(4);
    expect(
      (
        await first.db.query(
          `SELECT DISTINCT round(extract(epoch from now() - finished_at) / 86400)::int AS age FROM message_attempt WHERE message_id = ANY($1::uuid[])`,
          [young],
        )
      ).rows,
    ).toEqual([{ age: 2 }]);
    expect(
      (
        await first.db.query(
          `SELECT DISTINCT round(extract(epoch from now() - received_at) / 86400)::int AS age FROM message_event WHERE message_id = ANY($1::uuid[])`,
          [young],
        )
      ).rows,
    ).toEqual([{ age: 1 }]);
    // The delivery status the deleted events gave stays on the message.
    expect(await count(`message WHERE id = ANY($1::uuid[]) AND status = 'sent'`, [young])).toBe(4);

    // Identities: erased for the finished requests past 20 days, kept for the running, errored and recent ones.
    const requests = await first.db.query(
      'SELECT id, identity, email_hash, identity_erased_at IS NOT NULL AS erased, status FROM privacy_request WHERE id = ANY($1::varchar[])',
      [[finishedOld, deniedOld, runningOld, erroredOld, finishedRecently]],
    );
    const byId = new Map(requests.rows.map((r) => [r.id as string, r]));
    const vault = first.app.get(IdentityVault);
    for (const id of [finishedOld, deniedOld]) {
      const row = byId.get(id)!;
      expect(row).toMatchObject({ erased: true, email_hash: null });
      expect(vault.open(id, row.identity)).toEqual({ email: null, phone_number: null });
    }
    expect(byId.get(finishedOld)!.status).toBe('complete');
    for (const id of [runningOld, erroredOld, finishedRecently]) {
      const row = byId.get(id)!;
      expect(row).toMatchObject({ erased: false, email_hash: vault.hash('email', SUBJECT) });
      expect(vault.open(id, row.identity)).toEqual({ email: SUBJECT, phone_number: null });
    }
    // The finished request's message keeps its outcome but no longer holds the subject's address; its package is gone.
    const email = (await first.db.query('SELECT status, payload, recipient_hint FROM message WHERE id = $1', [erasureEmail])).rows[0];
    expect(email).toMatchObject({ status: 'sent', recipient_hint: null });
    expect(JSON.parse(keys().open(email.payload, payloadContext(erasureEmail)))).toEqual({ recipient: {}, params: {} });
    expect(
      (
        await first.db.query('SELECT request_id FROM access_package WHERE request_id = ANY($1::varchar[]) ORDER BY request_id', [
          [finishedOld, deniedOld, runningOld],
        ])
      ).rows,
    ).toEqual([{ request_id: runningOld }]);
    // The request can no longer be found by the erased identity.
    const found = await first
      .http()
      .get(`/api/v1/privacy-request?identity=${encodeURIComponent(SUBJECT)}`)
      .set(bearer(await first.rootToken()))
      .expect(200);
    expect((found.body.items as { id: string }[]).map((i) => i.id).sort()).toEqual([runningOld, erroredOld, finishedRecently].sort());

    // A second run finds nothing left.
    expect((await purgeNow(first, 200)).body).toMatchObject({ messages: 0, attempts: 0, events: 0, request_identities: 0 });
  });

  it('runs the scheduled job once across two instances, and never beside another run', async () => {
    const boss = first.app.get(JobQueueService).boss;
    expect((await boss.getSchedules(RETENTION_QUEUE)).map((s) => s.cron)).toEqual(['7 3 * * *']);
    const old = await Promise.all(Array.from({ length: 5 }, () => message(45, 'sent')));
    const runsBefore = await count(`retention_purge WHERE trigger = 'schedule'`);

    // The job the schedule creates, sent now rather than waiting for the next tick; both instances work the queue.
    await boss.send(RETENTION_QUEUE, {});
    const run = await waitFor('the scheduled purge to finish', async () => {
      const rows = (await first.db.query(`SELECT * FROM retention_purge WHERE trigger = 'schedule' AND finished_at IS NOT NULL`)).rows;
      return rows.length > runsBefore && rows;
    });
    expect(run).toHaveLength(runsBefore + 1);
    expect(run[run.length - 1]).toMatchObject({ messages: 5 });
    expect(await count('message WHERE id = ANY($1::uuid[])', [old])).toBe(0);

    // While a run holds the lock (here, this test's own session), a manual run is refused and deletes nothing.
    const held = await message(45, 'sent');
    const locker = new pg.Client({ connectionString: first.databaseUrl });
    await locker.connect();
    try {
      await locker.query('SELECT pg_advisory_lock(hashtext($1))', [RETENTION_LOCK]);
      expect((await purgeNow(second, 409)).body).toEqual({ detail: 'A retention purge is already running.' });
      expect(await count('message WHERE id = $1', [held])).toBe(1);
    } finally {
      await locker.end();
    }
    expect((await purgeNow(second, 200)).body).toMatchObject({ messages: 1 });
  });

  it('needs the privacy-request:delete scope', async () => {
    await first.http().post('/api/v1/retention/purge').expect(401);
  });
});
