// Decision D34 end to end: `generic_erasure_email` connectors, requests parked in `awaiting_email_send`, one batch email
// per connector listing every waiting request's identities (through the outbox and the real Mailgun SDK to its fake),
// then each request to completion with one completion notice; the manual trigger over REST and GraphQL, two instances
// making one batch, a failed batch email putting its requests in error (counted for D30's alerts) and a retry sending
// the batch once more; the schedule's next run in its time zone.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobQueueService } from '../../src/database/job-queue.service.js';
import { EmailBatchSender } from '../../src/privacy-requests/email-batch/email-batch.sender.js';
import { EXECUTION_QUEUE } from '../../src/privacy-requests/execution/execution-queue.js';
import { RequestExecutionWorker } from '../../src/privacy-requests/execution/request-execution.worker.js';
import { fieldText, type RecordedRequest } from '../fakes/provider-fakes.mjs';
import { startPrivacyRequestWorld, waitFor, type PrivacyRequestWorld } from '../support/privacy-request-world.js';
import { bearer, createTestApp, graphql, obtainToken, type TestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-batch-erasure-3434';
const ORGANIZATION = 'Herald Test Org';
const VENDOR = 'Acme Analytics';
const VENDOR_EMAIL = 'privacy@acme-analytics.example';
const VENDOR_TEST_EMAIL = 'privacy-test@acme-analytics.example';
const OPS = 'ops@herald.example';
const BATCH_SUBJECT = `Notification of user erasure requests from ${ORGANIZATION}`;
const TRIGGER = '/api/v1/privacy-request/administrate/process-awaiting-email-send';
const STARTED = { message: 'Email batch job started. This may take a few minutes to complete.' };
// A zone without daylight saving time (UTC+05:45), so the test can compute the next run with plain arithmetic.
const CRON = '0 12 * * *';
const ZONE = 'Asia/Kathmandu';

describe('batched erasure emails (D34)', () => {
  let world: PrivacyRequestWorld;
  let t: TestApp;
  let auth: Record<string, string>;

  beforeAll(async () => {
    world = await startPrivacyRequestWorld(
      MAILGUN_KEY,
      {},
      {
        HERALD_ORGANIZATION_NAME: ORGANIZATION,
        FIDES__EXECUTION__EMAIL_SEND_CRON_EXPRESSION: CRON,
        FIDES__EXECUTION__EMAIL_SEND_TIMEZONE: ZONE,
      },
    );
    ({ t, auth } = world);
  });
  afterAll(() => world.close());
  beforeEach(async () => {
    await world.reset();
    await t
      .http()
      .patch('/api/v1/config')
      .set(auth)
      .send({ notifications: { send_request_completion_notification: true } })
      .expect(200);
  });

  const vendorConnection = async (secrets: Record<string, unknown> = {}) => {
    await t
      .http()
      .patch('/api/v1/connection')
      .set(auth)
      .send([{ name: VENDOR, key: 'acme', connection_type: 'generic_erasure_email', access: 'write' }])
      .expect(200);
    await t
      .http()
      .put('/api/v1/connection/acme/secret?verify=false')
      .set(auth)
      .send({ third_party_vendor_name: VENDOR, recipient_email_address: VENDOR_EMAIL, ...secrets })
      .expect(200);
  };
  const createRequests = async (emails: string[]): Promise<string[]> => {
    const items = emails.map((email) => ({ identity: { email }, policy_key: 'default_erasure_policy' }));
    const res = await t.http().post('/api/v1/privacy-request/authenticated').set(auth).send(items).expect(200);
    return (res.body.succeeded as { id: string }[]).map((r) => r.id);
  };
  const statuses = async (ids: string[]) =>
    (await t.db.query('SELECT id, status FROM privacy_request WHERE id = ANY($1)', [ids])).rows.map((r: { status: string }) => r.status);
  const allIn = (ids: string[], status: string) =>
    waitFor(`${ids.length} requests ${status}`, async () => (await statuses(ids)).filter((s) => s === status).length === ids.length);
  const batchEmails = (): RecordedRequest[] => world.fakes.mailgun.requests.filter((r) => r.fields.subject === BATCH_SUBJECT && r.status === 200);
  const completionNoticesTo = (email: string) =>
    world.fakes.mailgun.requests.filter((r) => r.fields.to === email && r.fields.subject !== BATCH_SUBJECT && r.status === 200);
  const logs = async (id: string) =>
    (await t.http().get(`/api/v1/privacy-request/${id}/log`).set(auth).expect(200)).body.items as { dataset_name: string; status: string; message: string }[];
  const subjects = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i + 1}@subjects.example`);

  it('sends one email listing three waiting requests, then completes each with one completion notice', async () => {
    await vendorConnection();
    const emails = subjects(3, 'weekly');
    const ids = await createRequests(emails);
    await allIn(ids, 'awaiting_email_send');
    for (const id of ids) {
      expect(await logs(id)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            dataset_name: 'Pending batch email send',
            status: 'pending',
            message: 'Privacy request paused pending batch email send job',
          }),
        ]),
      );
    }
    const listed = await t.http().get('/api/v1/privacy-request?status=awaiting_email_send').set(auth).expect(200);
    expect(listed.body.total).toBe(3);
    expect(batchEmails()).toHaveLength(0);

    expect((await t.http().post(TRIGGER).set(auth).expect(200)).body).toEqual(STARTED);
    await allIn(ids, 'complete');

    const [batch, ...others] = batchEmails();
    expect(others).toHaveLength(0);
    expect(batch.fields.to).toBe(VENDOR_EMAIL);
    const text = fieldText(batch, 'text');
    for (const email of emails) {
      expect(text).toContain(`- ${email}`);
      expect(fieldText(batch, 'html')).toContain(`<li>${email}</li>`);
    }
    expect(text).toContain(`The following users of ${ORGANIZATION}`);
    expect(text).toContain(`As ${VENDOR} is a third-party processor`);
    for (const [i, id] of ids.entries()) {
      expect(completionNoticesTo(emails[i])).toHaveLength(1);
      expect((await logs(id)).filter((l) => l.message === `Erasure email instructions dispatched for '${VENDOR}'` && l.status === 'complete')).toHaveLength(1);
    }
    // The batch message belongs to no one request: it names none, and holds the identities only sealed.
    // (The suite's first batch.)
    const { rows } = await t.db.query(
      "SELECT privacy_request_id, recipient_hint, payload FROM message WHERE action_type = 'message_erasure_batch_fulfillment'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].privacy_request_id).toBeNull();
    for (const email of emails) expect(JSON.stringify(rows[0])).not.toContain(email);

    // Nothing waits: a second trigger sends nothing.
    await t.http().post(TRIGGER).set(auth).expect(200);
    await waitFor('the second run', async () => {
      const jobs = await t.db.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'privacy-request-email-batch' AND state = 'completed'");
      return jobs.rows[0].n >= 2;
    });
    expect(batchEmails()).toHaveLength(1);
  });

  it('lists only the identity types the connector asks for, and leaves requests it cannot list to go on', async () => {
    await vendorConnection({ advanced_settings: { identity_types: { email: false, phone_number: true } } });
    const res = await t
      .http()
      .post('/api/v1/privacy-request/authenticated')
      .set(auth)
      .send([
        { identity: { email: 'both@subjects.example', phone_number: '+15550003434' }, policy_key: 'default_erasure_policy' },
        { identity: { email: 'email-only@subjects.example' }, policy_key: 'default_erasure_policy' },
      ])
      .expect(200);
    const [both, emailOnly] = (res.body.succeeded as { id: string }[]).map((r) => r.id);
    await allIn([emailOnly], 'complete');
    expect((await logs(emailOnly)).some((l) => l.status === 'skipped' && l.message === `Erasure email skipped for '${VENDOR}'`)).toBe(true);
    await allIn([both], 'awaiting_email_send');
    const mutation = await graphql(t, 'mutation { processAwaitingEmailSend }', {}, world.root);
    expect(mutation.data).toEqual({ processAwaitingEmailSend: STARTED.message });
    await allIn([both], 'complete');
    const [batch] = batchEmails();
    expect(fieldText(batch, 'text')).toContain('- +15550003434');
    expect(fieldText(batch, 'text')).not.toContain('both@subjects.example');
  });

  it('makes one batch email with two Herald instances on one database', async () => {
    await vendorConnection();
    const dataDir = await mkdtemp(join(tmpdir(), 'herald-batch-'));
    const second = await createTestApp(
      {
        ...world.fakes.env,
        HERALD_DATA_DIR: dataDir,
        FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
        HERALD_ORGANIZATION_NAME: ORGANIZATION,
        // Every instance upserts the one schedule: they must agree on it.
        FIDES__EXECUTION__EMAIL_SEND_CRON_EXPRESSION: CRON,
        FIDES__EXECUTION__EMAIL_SEND_TIMEZONE: ZONE,
      },
      undefined,
      t.databaseUrl,
    );
    const batchMessages = async () =>
      (await t.db.query("SELECT count(*)::int AS n FROM message WHERE action_type = 'message_erasure_batch_fulfillment'")).rows[0].n as number;
    const before = await batchMessages();
    try {
      const ids = await createRequests(subjects(3, 'pair'));
      await allIn(ids, 'awaiting_email_send');
      // Both senders at once (as two schedule ticks or triggers would): the lock lets one of them take the batch.
      const runs = await Promise.all([t.app.get(EmailBatchSender).send(), second.app.get(EmailBatchSender).send()]);
      expect(runs.map((r) => r.requests).sort()).toEqual([0, 3]);
      expect(runs.reduce((n, r) => n + r.emails, 0)).toBe(1);
      // And both instances' triggers afterwards: nothing is left to send.
      await Promise.all([t.http().post(TRIGGER).set(auth).expect(200), second.http().post(TRIGGER).set(auth).expect(200)]);
      await allIn(ids, 'complete');
      expect(batchEmails()).toHaveLength(1);
      expect(await batchMessages()).toBe(before + 1);
    } finally {
      await second.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('puts the requests of a failed batch email in error (counted for the alerts); a retry sends the batch once more', async () => {
    await vendorConnection();
    await t
      .http()
      .put('/api/v1/privacy-request/notification')
      .set(auth)
      .send({ email_addresses: [OPS], notify_after_failures: 3 })
      .expect(200);
    try {
      const emails = subjects(3, 'failing');
      const ids = await createRequests(emails);
      await allIn(ids, 'awaiting_email_send');
      // Mailgun refuses the batch email for good (a permanent failure: no retry).
      world.fakes.mailgun.failNext(1, 400);
      await t.http().post(TRIGGER).set(auth).expect(200);
      await allIn(ids, 'error');
      const [request] = (await t.http().get(`/api/v1/privacy-request?request_id=${ids[0]}`).set(auth).expect(200)).body.items;
      expect(request.status).toBe('error');
      expect((await logs(ids[0])).some((l) => l.status === 'error' && l.message.startsWith('Batch erasure email '))).toBe(true);
      // D30: the three errors make one alert.
      await waitFor('the error alert', async () =>
        world.fakes.mailgun.requests.some((r) => r.fields.to === OPS && r.fields.subject === 'Privacy Request Error Alert' && r.status === 200),
      );
      expect(completionNoticesTo(emails[0])).toHaveLength(0);

      // The fake has recovered: each retry parks its request again, and the next batch lists all three once more.
      for (const id of ids) await t.http().post(`/api/v1/privacy-request/${id}/retry`).set(auth).expect(200);
      await allIn(ids, 'awaiting_email_send');
      expect(batchEmails()).toHaveLength(0);
      await t.http().post(TRIGGER).set(auth).expect(200);
      await allIn(ids, 'complete');
      const [batch, ...others] = batchEmails();
      expect(others).toHaveLength(0);
      for (const email of emails) expect(fieldText(batch, 'text')).toContain(`- ${email}`);
      for (const email of emails) expect(completionNoticesTo(email)).toHaveLength(1);
    } finally {
      await t.http().put('/api/v1/privacy-request/notification').set(auth).send({ email_addresses: [], notify_after_failures: 3 }).expect(200);
    }
  });

  it('wakes requests whose batch email ended without waking them, by the sweep (D22)', async () => {
    await vendorConnection();
    const ids = await createRequests(subjects(2, 'swept'));
    await allIn(ids, 'awaiting_email_send');
    const worker = t.app.get(RequestExecutionWorker);
    // This process takes no run jobs for a while, and the wake-ups the batch email's outcome writes are lost.
    await t.app.get(JobQueueService).boss.offWork(EXECUTION_QUEUE, { wait: true });
    try {
      expect((await t.app.get(EmailBatchSender).send()).requests).toBe(2);
      await waitFor('the batch email to be sent', async () => {
        const { rows } = await t.db.query("SELECT count(*)::int AS n FROM message WHERE action_type = 'message_erasure_batch_fulfillment' AND status = 'sent'");
        return rows[0].n >= 1 && batchEmails().length === 1;
      });
      await t.db.query(`DELETE FROM pgboss.job WHERE name = $1 AND data->>'privacyRequestId' = ANY($2)`, [EXECUTION_QUEUE, ids]);
      expect(await statuses(ids)).toEqual(['in_processing', 'in_processing']);
      const swept = await waitFor('the sweep to find both', async () => {
        const found = await worker.sweep();
        return ids.every((id) => found.includes(id)) ? found : undefined;
      });
      expect(swept).toEqual(expect.arrayContaining(ids));
    } finally {
      await worker.onModuleInit();
    }
    await allIn(ids, 'complete');
    expect(batchEmails()).toHaveLength(1);
  });

  it('gives the next run time in the schedule time zone, over GraphQL and REST', async () => {
    const before = Date.now();
    const res = await graphql(t, '{ batchEmailSchedule { cronExpression timezone nextRunAt nextRunLocal awaitingEmailSend } }', {}, world.root);
    const after = Date.now();
    // 12:00 in Kathmandu is 06:15 UTC every day: the first such instant after the call.
    const day = 86_400_000;
    const expected = (now: number) => {
      const today = Math.floor(now / day) * day + (6 * 60 + 15) * 60_000;
      return today > now ? today : today + day;
    };
    const schedule = res.data?.batchEmailSchedule as Record<string, unknown>;
    expect(schedule).toMatchObject({ cronExpression: CRON, timezone: ZONE, awaitingEmailSend: 0 });
    expect([expected(before), expected(after)]).toContain(Date.parse(schedule.nextRunAt as string));
    expect(schedule.nextRunLocal).toBe(new Date(Date.parse(schedule.nextRunAt as string) + (5 * 60 + 45) * 60_000).toISOString().slice(0, 19) + '+05:45');
    expect(schedule.nextRunLocal).toMatch(/T12:00:00\+05:45$/);

    const rest = await t.http().get('/api/v1/privacy-request/administrate/email-send-schedule').set(auth).expect(200);
    expect(rest.body).toEqual({ cron_expression: CRON, timezone: ZONE, next_run_at: schedule.nextRunLocal, awaiting_email_send: 0 });
    // pg-boss holds the same schedule.
    const { rows } = await t.db.query("SELECT cron, timezone FROM pgboss.schedule WHERE name = 'privacy-request-email-batch'");
    expect(rows).toEqual([{ cron: CRON, timezone: ZONE }]);
  });

  it('needs privacy-request-email-integrations:send to trigger a batch', async () => {
    const client = await t.http().post('/api/v1/oauth/client').set(auth).send(['privacy-request:read']).expect(200);
    const reader = bearer(await obtainToken(t.http(), client.body.client_id, client.body.client_secret));
    await t.http().post(TRIGGER).set(reader).expect(403);
    await t.http().post(TRIGGER).expect(401);
    await t.http().get('/api/v1/privacy-request/administrate/email-send-schedule').set(reader).expect(200);
    const sender = await t.http().post('/api/v1/oauth/client').set(auth).send(['privacy-request-email-integrations:send']).expect(200);
    const token = await obtainToken(t.http(), sender.body.client_id, sender.body.client_secret);
    expect((await t.http().post(TRIGGER).set(bearer(token)).expect(200)).body).toEqual(STARTED);
  });

  describe('connection secrets and test email', () => {
    beforeEach(async () => {
      await t
        .http()
        .patch('/api/v1/connection')
        .set(auth)
        .send([{ name: VENDOR, key: 'acme', connection_type: 'generic_erasure_email', access: 'write' }])
        .expect(200);
    });
    const putSecrets = (body: unknown, query = '?verify=false') =>
      t
        .http()
        .put(`/api/v1/connection/acme/secret${query}`)
        .set(auth)
        .send(body as object);
    const stored = async () => (await t.db.query("SELECT count(*)::int AS n FROM secret WHERE owner_kind = 'connection'")).rows[0].n as number;

    it("refuses bad secrets with Fides' texts and stores nothing", async () => {
      expect((await putSecrets({}).expect(422)).body).toEqual({
        detail: [
          { loc: ['third_party_vendor_name'], msg: 'field required', type: 'value_error.missing' },
          { loc: ['recipient_email_address'], msg: 'field required', type: 'value_error.missing' },
        ],
      });
      expect(
        (await putSecrets({ third_party_vendor_name: VENDOR, recipient_email_address: 'nope', test_email_address: 'also nope' }).expect(422)).body.detail,
      ).toEqual([
        { loc: ['recipient_email_address'], msg: 'value is not a valid email address', type: 'value_error.email' },
        { loc: ['test_email_address'], msg: 'value is not a valid email address', type: 'value_error.email' },
      ]);
      const bothOff = {
        third_party_vendor_name: VENDOR,
        recipient_email_address: VENDOR_EMAIL,
        advanced_settings: { identity_types: { email: false, phone_number: false } },
      };
      expect((await putSecrets(bothOff).expect(422)).body.detail).toEqual([
        { loc: ['advanced_settings', 'identity_types', '__root__'], msg: 'Must supply at least one identity_type.', type: 'value_error' },
      ]);
      expect(
        (await putSecrets({ third_party_vendor_name: VENDOR, recipient_email_address: VENDOR_EMAIL, to_email: VENDOR_EMAIL }).expect(422)).body.detail,
      ).toEqual([{ loc: ['to_email'], msg: 'extra fields not permitted', type: 'value_error.extra' }]);
      expect(await stored()).toBe(0);
      // An email connector still takes its own secrets only.
      await t
        .http()
        .patch('/api/v1/connection')
        .set(auth)
        .send([{ name: 'Daycare', key: 'daycare', connection_type: 'email', access: 'write' }])
        .expect(200);
      await t
        .http()
        .put('/api/v1/connection/daycare/secret?verify=false')
        .set(auth)
        .send({ third_party_vendor_name: VENDOR, recipient_email_address: VENDOR_EMAIL })
        .expect(422);
      expect(await stored()).toBe(0);
    });

    it('sends the test email to test_email_address, and fails the test without one', async () => {
      const res = await putSecrets(
        { third_party_vendor_name: VENDOR, recipient_email_address: VENDOR_EMAIL, test_email_address: VENDOR_TEST_EMAIL },
        '',
      ).expect(200);
      expect(res.body).toEqual({ msg: 'Secrets updated for ConnectionConfig with key: acme.', test_status: 'succeeded', failure_reason: null });
      const [sent, ...more] = world.fakes.mailgun.requests;
      expect(more).toHaveLength(0);
      expect(sent.fields.to).toBe(VENDOR_TEST_EMAIL);
      expect(sent.fields.subject).toBe(`Test notification of user erasure requests from ${ORGANIZATION}`);
      expect(fieldText(sent, 'text')).toContain(`As ${VENDOR} is a third-party processor`);

      const without = await putSecrets({ third_party_vendor_name: VENDOR, recipient_email_address: VENDOR_EMAIL }, '').expect(200);
      expect(without.body).toEqual({
        msg: 'Secrets updated for ConnectionConfig with key: acme.',
        test_status: 'failed',
        failure_reason: 'Cannot test connection. No test email defined for acme',
      });
      expect(world.fakes.mailgun.requests).toHaveLength(1);
    });

    it('sets the same secrets over GraphQL, with the same texts under the argument', async () => {
      const mutation = `mutation ($input: ErasureEmailConnectionSecretsInput!) {
        setErasureEmailConnectionSecrets(key: "acme", input: $input, verify: false) { testStatus connection { key connectionType hasSecrets } }
      }`;
      const refused = await graphql(
        t,
        mutation,
        { input: { thirdPartyVendorName: VENDOR, recipientEmailAddress: VENDOR_EMAIL, identityTypes: { email: false, phoneNumber: false } } },
        world.root,
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        detail: [{ loc: ['input', 'advancedSettings', 'identityTypes', '__root__'], msg: 'Must supply at least one identity_type.', type: 'value_error' }],
      });
      expect(await stored()).toBe(0);
      const set = await graphql(
        t,
        mutation,
        { input: { thirdPartyVendorName: VENDOR, recipientEmailAddress: VENDOR_EMAIL, identityTypes: { phoneNumber: true } } },
        world.root,
      );
      expect(set.data).toEqual({
        setErasureEmailConnectionSecrets: { testStatus: null, connection: { key: 'acme', connectionType: 'GENERIC_ERASURE_EMAIL', hasSecrets: true } },
      });
    });
  });
});

describe('batched erasure emails without an organisation name (D34)', () => {
  let world: PrivacyRequestWorld;

  beforeAll(async () => {
    world = await startPrivacyRequestWorld(MAILGUN_KEY);
    await world.reset();
  });
  afterAll(() => world.close());

  it("puts the waiting requests in error with Fides' text and sends nothing", async () => {
    const { t, auth } = world;
    await t
      .http()
      .patch('/api/v1/connection')
      .set(auth)
      .send([{ name: VENDOR, key: 'acme', connection_type: 'generic_erasure_email', access: 'write' }])
      .expect(200);
    await t
      .http()
      .put('/api/v1/connection/acme/secret?verify=false')
      .set(auth)
      .send({ third_party_vendor_name: VENDOR, recipient_email_address: VENDOR_EMAIL })
      .expect(200);
    const res = await t
      .http()
      .post('/api/v1/privacy-request/authenticated')
      .set(auth)
      .send([{ identity: { email: 'nameless@subjects.example' }, policy_key: 'default_erasure_policy' }])
      .expect(200);
    const id = res.body.succeeded[0].id as string;
    const status = async () => (await t.db.query('SELECT status, failure_reason FROM privacy_request WHERE id = $1', [id])).rows[0];
    await waitFor('the request to wait', async () => (await status()).status === 'awaiting_email_send');
    await t.http().post(TRIGGER).set(auth).expect(200);
    await waitFor('the request in error', async () => (await status()).status === 'error');
    expect((await status()).failure_reason).toBe('Cannot send an email to third-party vendor. No organization name found.');
    expect(world.fakes.mailgun.requests).toHaveLength(0);
  });
});
