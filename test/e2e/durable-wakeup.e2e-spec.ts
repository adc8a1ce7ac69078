// Decision D22: what wakes a privacy request when the messages it waits for end is in the database, not in a
// process's memory. The wake-up job is written in the transaction that records the message's final state, so a
// process stopped between the two leaves the request to any other; a request whose wake-up was lost anyway (an older
// Herald, a job removed by hand) is found by a sweep.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobQueueService } from '../../src/database/job-queue.service.js';
import { EXECUTION_QUEUE } from '../../src/privacy-requests/execution/execution-queue.js';
import { startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { bearer, captureLogs, createTestApp, createTestDatabase, type TestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-durable-wakeup-2207';
const SUBJECT = 'wakeup.subject@example.com';
const THIRD_PARTY = 'erasure@vendor-wakeup.example';

const dataset = {
  fides_key: 'wakeup_ds',
  collections: [
    {
      name: 'members',
      fields: [
        { name: 'member_id', data_categories: ['system.operations'], fidesops_meta: { primary_key: true } },
        { name: 'email', data_categories: ['user.contact.email'], fidesops_meta: { identity: 'email' } },
      ],
    },
  ],
};

describe('durable wake-up of privacy requests (D22)', () => {
  let fakes: ProviderFakes;
  let database: { url: string; drop: () => Promise<void> };
  let dataDir: string;
  const apps: TestApp[] = [];

  const env = () => ({
    ...fakes.env,
    HERALD_DATA_DIR: dataDir,
    FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
    HERALD_DELIVERY_RETRY_DELAY_SECONDS: '1',
  });
  /** One Herald process on the shared database (several may run at once, as in production). */
  // Every app of a test file logs through the first one's logger (nestjs-pino keeps one root logger per process).
  const logs = captureLogs();
  const start = async () => {
    const app = await createTestApp({ ...env(), LOG_LEVEL: 'warn' }, logs, database.url);
    apps.push(app);
    return app;
  };
  /** Stops a process without taking its database with it. */
  const stop = async (app: TestApp) => {
    await app.app.close();
    await app.db.end();
    apps.splice(apps.indexOf(app), 1);
  };

  beforeAll(async () => {
    fakes = await startProviderFakes({ mailgun: { apiKey: MAILGUN_KEY } });
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'herald-wakeup-'));
    const setup = await start();
    const auth = bearer(await setup.rootToken());
    await setup
      .http()
      .post('/api/v1/messaging/config')
      .set(auth)
      .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.wakeup.example' } })
      .expect(200);
    await setup.http().put('/api/v1/messaging/config/mailgun/secret').set(auth).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
    await setup
      .http()
      .patch('/api/v1/connection')
      .set(auth)
      .send([{ name: 'vendor', key: 'vendor', connection_type: 'email', access: 'write' }])
      .expect(200);
    await setup.http().put('/api/v1/connection/vendor/secret?verify=false').set(auth).send({ to_email: THIRD_PARTY }).expect(200);
    await setup.http().patch('/api/v1/connection/vendor/dataset').set(auth).send([dataset]).expect(200);
    await stop(setup);
  });
  afterAll(async () => {
    for (const app of [...apps]) await stop(app);
    await database.drop();
    await fakes.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => fakes.reset());

  const erasureEmails = () => fakes.mailgun.requests.filter((r) => r.fields.to === THIRD_PARTY && r.status === 200);
  const requestRow = async (app: TestApp, id: string) =>
    (await app.db.query('SELECT status, step, awaiting_messages FROM privacy_request WHERE id = $1', [id])).rows[0] as {
      status: string;
      step: string;
      awaiting_messages: boolean;
    };
  const erasureMessage = async (app: TestApp, id: string) =>
    (await app.db.query(`SELECT id, status FROM message WHERE privacy_request_id = $1 AND action_type = 'message_erasure_fulfillment'`, [id])).rows[0] as
      { id: string; status: string } | undefined;

  /**
   * On a process that takes no run jobs (as if it died right after recording the message): a request whose erasure
   * email is sent, leaving the request waiting to be woken.
   */
  async function requestLeftWaiting(): Promise<{ app: TestApp; requestId: string; messageId: string }> {
    const runner = await start();
    fakes.mailgun.setDelay(1_000);
    const res = await runner
      .http()
      .post('/api/v1/privacy-request')
      .send([{ identity: { email: SUBJECT }, policy_key: 'default_erasure_policy' }])
      .expect(200);
    const requestId = res.body.succeeded[0].id as string;
    // The erasure email is on its way (the run waits for it): from now on this process runs no request, as if it had
    // died the moment the email's outcome was recorded.
    await fakes.mailgun.waitForRequests(1, 30_000);
    await runner.app.get(JobQueueService).boss.offWork(EXECUTION_QUEUE, { wait: true });
    const message = await waitFor('the erasure email to be sent', async () => {
      const m = await erasureMessage(runner, requestId);
      return m?.status === 'sent' ? m : undefined;
    });
    expect(await requestRow(runner, requestId)).toMatchObject({ status: 'in_processing', step: 'erasure_email_post_send', awaiting_messages: true });
    return { app: runner, requestId, messageId: message.id };
  }

  it('the wake-up job commits with the message’s final state, and another process finishes the request', async () => {
    const { app, requestId, messageId } = await requestLeftWaiting();
    // Written by the very transaction that made the message final (same transaction id), not after it.
    const { rows } = await app.db.query(
      `SELECT j.state FROM pgboss.job j, message m
       WHERE j.name = $1 AND j.data->>'privacyRequestId' = $2 AND m.id = $3 AND j.xmin::text = m.xmin::text`,
      [EXECUTION_QUEUE, requestId, messageId],
    );
    expect(rows).toEqual([{ state: 'created' }]);
    await stop(app);

    const other = await start();
    await waitFor('the request to be complete', async () => (await requestRow(other, requestId)).status === 'complete');
    expect(erasureEmails()).toHaveLength(1);
    const audit = (await other.db.query(`SELECT action FROM audit_log WHERE privacy_request_id = $1 ORDER BY created_at`, [requestId])).rows.map(
      (r) => r.action,
    );
    expect(audit).toEqual(['approved', 'email_sent', 'finished']);
    await stop(other);
  });

  it('a request whose wake-up was lost is found by the sweep', async () => {
    const { app, requestId } = await requestLeftWaiting();
    // What a crash between the final state and an in-process wake-up left behind: no job for the request.
    await app.db.query(`DELETE FROM pgboss.job WHERE name = $1 AND data->>'privacyRequestId' = $2`, [EXECUTION_QUEUE, requestId]);
    await stop(app);

    const before = logs.lines.length;
    const other = await start();
    await waitFor('the request to be complete', async () => (await requestRow(other, requestId)).status === 'complete', 40_000);
    expect(erasureEmails()).toHaveLength(1);
    const woken = logs.lines
      .slice(before)
      .map((line) => JSON.parse(line) as { msg: string; privacyRequestIds?: string[] })
      .filter((e) => e.msg.startsWith('woke privacy requests'));
    expect(woken.flatMap((e) => e.privacyRequestIds)).toContain(requestId);
    await stop(other);
  }, 90_000);
});
