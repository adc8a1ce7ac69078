import { DataSource } from 'typeorm';
import { DELIVERY_QUEUE } from '../../src/notifications/outbox/delivery-queue.js';
import { NotificationsService, type NotifyCommand } from '../../src/notifications/notifications.service.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { JobQueueService } from '../../src/database/job-queue.service.js';
import { fieldText, startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { TestApp, bearer, createTestApp, graphql } from '../support/test-app.js';

const MAILGUN_KEY = 'key-outbox-secret-7f3e';
const SENDGRID_KEY = 'SG.outbox-secret-91ab';
const TWILIO = { sid: 'AC11112222333344445555666677778888', token: 'twilio-outbox-secret-5d4c', service: 'MG99990000aaaabbbbccccddddeeeeffff' };
const SUBJECT_EMAIL = 'data.subject@example.org';
const SUBJECT_PHONE = '+15557654321';

interface MessageRow {
  id: string;
  status: string;
  attempts: number;
  failure_reason: string | null;
  provider_message_id: string | null;
  service_type: string | null;
  channel: string | null;
  payload: string;
  recipient_hint: string | null;
}

describe('the outbox (durable, retried, idempotent delivery)', () => {
  let fakes: ProviderFakes;
  let t: TestApp;
  let notifications: NotificationsService;
  let seq = 0;

  beforeAll(async () => {
    fakes = await startProviderFakes();
    t = await createTestApp({
      ...fakes.env,
      HERALD_DELIVERY_MAX_ATTEMPTS: '3',
      HERALD_DELIVERY_RETRY_DELAY_SECONDS: '1',
      HERALD_PROVIDER_TIMEOUT_MS: '500',
    });
    notifications = t.app.get(NotificationsService);
    const root = bearer(await t.rootToken());
    const configs = [
      { key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' }, secrets: { mailgun_api_key: MAILGUN_KEY } },
      {
        key: 'sendgrid',
        name: 'SendGrid',
        service_type: 'twilio_email',
        details: { twilio_email_from: 'privacy@example.com' },
        secrets: { twilio_api_key: SENDGRID_KEY },
      },
      {
        key: 'twilio',
        name: 'Twilio',
        service_type: 'twilio_text',
        secrets: { twilio_account_sid: TWILIO.sid, twilio_auth_token: TWILIO.token, twilio_messaging_service_sid: TWILIO.service },
      },
    ];
    for (const { secrets, ...config } of configs) {
      expect((await t.http().post('/api/v1/messaging/config').set(root).send(config)).status).toBe(200);
      expect((await t.http().put(`/api/v1/messaging/config/${config.key}/secret`).set(root).send(secrets)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await t.close();
    await fakes.close();
  });
  beforeEach(() => fakes.reset());

  async function useServiceType(type: string | null): Promise<void> {
    const res = await t
      .http()
      .patch('/api/v1/config')
      .set(bearer(await t.rootToken()))
      .send({ notifications: { notification_service_type: type } });
    expect(res.status).toBe(200);
  }

  function request(overrides: Partial<NotifyCommand> = {}): NotifyCommand {
    return {
      actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY,
      recipient: { email: SUBJECT_EMAIL, phone_number: SUBJECT_PHONE },
      params: { rejection_reason: 'Out of scope' },
      idempotencyKey: `outbox-test-${++seq}`,
      privacyRequestId: `pri_${seq}`,
      ...overrides,
    };
  }

  async function row(id: string): Promise<MessageRow> {
    return (await t.db.query('SELECT * FROM message WHERE id = $1', [id])).rows[0] as MessageRow;
  }

  async function settled(id: string, timeoutMs = 30_000): Promise<MessageRow> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await row(id);
      if (current.status === 'sent' || current.status === 'failed') return current;
      if (Date.now() > deadline) throw new Error(`message still ${current.status} after ${current.attempts} attempts`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function attempts(id: string) {
    return (await t.db.query('SELECT number, outcome, status_code, reason FROM message_attempt WHERE message_id = $1 ORDER BY number', [id])).rows;
  }

  describe('through each provider', () => {
    it('Mailgun: renders the template and sends it, recording the provider id', async () => {
      await useServiceType('mailgun');
      const { messageId, created } = await notifications.notify(request());
      expect(created).toBe(true);
      const done = await settled(messageId);
      expect(done).toMatchObject({ status: 'sent', attempts: 1, service_type: 'MAILGUN', channel: 'email', failure_reason: null });
      expect(done.provider_message_id).toMatch(/@mg\.example\.com>$/);
      const [received] = fakes.mailgun.requests;
      expect(received.path).toBe('/v3/mg.example.com/messages');
      expect(received.authorization).toBe(`Basic ${Buffer.from(`api:${MAILGUN_KEY}`).toString('base64')}`);
      expect(received.fields).toMatchObject({
        from: '<mailgun@mg.example.com>',
        to: SUBJECT_EMAIL,
        subject: 'Your request has been denied',
        'h:X-Idempotency-Key': `outbox-test-${seq}`,
        'v:herald_message_id': messageId,
      });
      expect(fieldText(received, 'text')).toContain('Your privacy request has been denied for the following reason: Out of scope');
      expect(await attempts(messageId)).toEqual([{ number: 1, outcome: 'sent', status_code: null, reason: null }]);
    });

    it('SendGrid (Twilio email): the JSON mail/send call', async () => {
      await useServiceType('twilio_email');
      const { messageId } = await notifications.notify(request({ actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE, params: {} }));
      expect(await settled(messageId)).toMatchObject({ status: 'sent', service_type: 'TWILIO_EMAIL' });
      const [received] = fakes.sendgrid.requests;
      expect(received.path).toBe('/v3/mail/send');
      expect(received.authorization).toBe(`Bearer ${SENDGRID_KEY}`);
      expect(received.body).toMatchObject({
        from: { email: 'privacy@example.com' },
        subject: 'Your request has been approved',
        personalizations: [{ to: [{ email: SUBJECT_EMAIL }] }],
      });
    });

    it('Twilio SMS: the SMS text to the phone identity, through the messaging service', async () => {
      await useServiceType('twilio_text');
      const { messageId } = await notifications.notify(request());
      expect(await settled(messageId)).toMatchObject({ status: 'sent', service_type: 'TWILIO_TEXT', channel: 'sms' });
      const [received] = fakes.twilio.requests;
      expect(received.path).toBe(`/2010-04-01/Accounts/${TWILIO.sid}/Messages.json`);
      expect(received.fields).toMatchObject({
        To: SUBJECT_PHONE,
        MessagingServiceSid: TWILIO.service,
        Body: 'Your privacy request has been denied for the following reason: Out of scope',
      });
    });
  });

  describe('retries', () => {
    beforeEach(() => useServiceType('mailgun'));

    it('401 from the provider: failed at once with the reason, never retried', async () => {
      fakes.mailgun.failNext(1, 401);
      const { messageId } = await notifications.notify(request());
      const done = await settled(messageId);
      expect(done).toMatchObject({ status: 'failed', attempts: 1 });
      expect(done.failure_reason).toMatch(/401/);
      expect(fakes.mailgun.requests).toHaveLength(1);
      expect(await attempts(messageId)).toEqual([expect.objectContaining({ number: 1, outcome: 'failed', status_code: 401 })]);
    });

    it('500 twice then 200: sent after 3 attempts, each recorded', async () => {
      fakes.mailgun.failNext(2, 500);
      const { messageId } = await notifications.notify(request());
      expect(await settled(messageId)).toMatchObject({ status: 'sent', attempts: 3, failure_reason: null });
      expect(fakes.mailgun.requests).toHaveLength(3);
      expect((await attempts(messageId)).map((a) => [a.outcome, a.status_code])).toEqual([
        ['retry', 500],
        ['retry', 500],
        ['sent', null],
      ]);
    });

    it('429 is retried', async () => {
      fakes.mailgun.failNext(1, 429, { retryAfter: 1 });
      const { messageId } = await notifications.notify(request());
      expect(await settled(messageId)).toMatchObject({ status: 'sent', attempts: 2 });
      expect((await attempts(messageId)).map((a) => a.outcome)).toEqual(['retry', 'sent']);
    });

    it('a dropped connection is retried', async () => {
      fakes.mailgun.dropNext(1);
      const { messageId } = await notifications.notify(request());
      expect(await settled(messageId)).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('a timeout is retried, and retries end in failed when they run out', async () => {
      fakes.mailgun.setDelay(2_000);
      const { messageId } = await notifications.notify(request());
      const done = await settled(messageId);
      expect(done).toMatchObject({ status: 'failed', attempts: 3 });
      expect(done.failure_reason).toMatch(/timeout/i);
      expect((await attempts(messageId)).map((a) => a.outcome)).toEqual(['retry', 'retry', 'failed']);
    });
  });

  describe("failures before any provider call, with Fides' texts", () => {
    it.each([
      [null, {}, 'No notification service type configured.'],
      ['mailgun', { recipient: { phone_number: SUBJECT_PHONE } }, 'No email identity supplied.'],
      ['twilio_text', { recipient: { email: SUBJECT_EMAIL } }, 'No phone identity supplied.'],
    ])('service type %s, %j → %s', async (type, overrides, reason) => {
      await useServiceType(type);
      const { messageId } = await notifications.notify(request(overrides));
      expect(await settled(messageId)).toMatchObject({ status: 'failed', attempts: 1, failure_reason: reason });
      expect(fakes.mailgun.requests.length + fakes.twilio.requests.length + fakes.sendgrid.requests.length).toBe(0);
    });

    it('no config of the type, and a config without secrets', async () => {
      const other = await createTestApp({ ...fakes.env, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun' });
      try {
        const service = other.app.get(NotificationsService);
        const missing = await service.notify(request());
        expect(await settledIn(other, missing.messageId)).toMatchObject({
          status: 'failed',
          failure_reason: 'No messaging config found for service_type MAILGUN.',
        });
        await other
          .http()
          .post('/api/v1/messaging/config')
          .set(bearer(await other.rootToken()))
          .send({ key: 'bare', name: 'Bare', service_type: 'mailgun', details: { domain: 'mg.example.com' } });
        const noSecrets = await service.notify(request());
        expect(await settledIn(other, noSecrets.messageId)).toMatchObject({
          status: 'failed',
          failure_reason: 'Messaging secrets not found for config with key: bare',
        });
      } finally {
        await other.close();
      }
    });
  });

  async function settledIn(app: TestApp, id: string): Promise<MessageRow> {
    for (let i = 0; i < 400; i++) {
      const current = (await app.db.query('SELECT * FROM message WHERE id = $1', [id])).rows[0] as MessageRow;
      if (current.status === 'sent' || current.status === 'failed') return current;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('message did not settle');
  }

  describe('guarantees', () => {
    beforeEach(() => useServiceType('mailgun'));

    it('a rolled-back transaction leaves no message and no job', async () => {
      const key = `rolled-back-${++seq}`;
      await expect(
        t.app.get(DataSource).transaction(async (m) => {
          await notifications.notify(request({ idempotencyKey: key }), m);
          throw new Error('the business change fails');
        }),
      ).rejects.toThrow('the business change fails');
      expect((await t.db.query('SELECT count(*)::int AS n FROM message WHERE idempotency_key = $1', [key])).rows[0].n).toBe(0);
      expect(
        (
          await t.db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'messageId' NOT IN (SELECT id::text FROM message)`, [
            DELIVERY_QUEUE,
          ])
        ).rows[0].n,
      ).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fakes.mailgun.requests).toHaveLength(0);
    });

    it('a committed transaction delivers its message', async () => {
      const id = await t.app.get(DataSource).transaction(async (m) => (await notifications.notify(request(), m)).messageId);
      expect(await settled(id)).toMatchObject({ status: 'sent' });
    });

    it('the same idempotency key twice sends once', async () => {
      const first = await notifications.notify(request({ idempotencyKey: 'the-one-message' }));
      const second = await notifications.notify(request({ idempotencyKey: 'the-one-message' }));
      expect(second).toEqual({ messageId: first.messageId, created: false });
      await settled(first.messageId);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fakes.mailgun.requests).toHaveLength(1);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM message WHERE idempotency_key = 'the-one-message'`)).rows[0].n).toBe(1);
      // The second ask wrote no job either.
      expect(
        (
          await t.db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'messageId' NOT IN (SELECT id::text FROM message)`, [
            DELIVERY_QUEUE,
          ])
        ).rows[0].n,
      ).toBe(0);
    });

    it('stores the recipient and parameters sealed, showing only a masked hint', async () => {
      const { messageId } = await notifications.notify(request({ params: { rejection_reason: 'secret-reason-text' } }));
      const stored = await settled(messageId);
      expect(stored.payload).not.toContain(SUBJECT_EMAIL);
      expect(stored.payload).not.toContain('secret-reason-text');
      expect(stored.recipient_hint).toBe('d***@example.org, ***21');
    });

    it('messages queued before a stop are delivered after the next start', async () => {
      const first = await createTestApp({ ...fakes.env, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun' });
      const databaseUrl = first.databaseUrl;
      const root = bearer(await first.rootToken());
      await first
        .http()
        .post('/api/v1/messaging/config')
        .set(root)
        .send({ key: 'mg', name: 'mg', service_type: 'mailgun', details: { domain: 'restart.example.com' } });
      await first.http().put('/api/v1/messaging/config/mg/secret').set(root).send({ mailgun_api_key: MAILGUN_KEY });
      // This process stops taking work, queues three messages, and stops.
      await first.app.get(JobQueueService).boss.offWork(DELIVERY_QUEUE, { wait: true });
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await first.app.get(NotificationsService).notify(request())).messageId);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fakes.mailgun.requests).toHaveLength(0);
      await first.app.close();

      const second = await createTestApp({ ...fakes.env, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun' }, undefined, databaseUrl);
      try {
        for (const id of ids) expect(await settledIn(second, id)).toMatchObject({ status: 'sent' });
        expect(fakes.mailgun.requests.map((r) => r.fields['v:herald_message_id']).sort()).toEqual([...ids].sort());
      } finally {
        await second.close();
        await first.db.end().catch(() => undefined);
        const { Client } = (await import('pg')).default;
        const admin = new Client({ connectionString: process.env.HERALD_TEST_ADMIN_URL });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${new URL(databaseUrl).pathname.slice(1)} WITH (FORCE)`);
        await admin.end();
      }
    });
  });

  describe('routes', () => {
    it('POST /messaging/config/test sends a real message and answers the outcome', async () => {
      const root = bearer(await t.rootToken());
      const res = await t.http().post('/api/v1/messaging/config/test').set(root).send({ service_type: 'MAILGUN', email: 'ops@example.com' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ msg: 'Test message sent.', status: 'sent', failure_reason: null });
      expect(fakes.mailgun.lastRequest()?.fields).toMatchObject({ to: 'ops@example.com', subject: 'Test message from Herald' });

      fakes.twilio.failNext(1, 401);
      const failed = await t.http().post('/api/v1/messaging/config/test').set(root).send({ service_type: 'twilio_sms', phone_number: '+15550009999' });
      expect(failed.body).toMatchObject({ status: 'failed', msg: `The test message could not be sent: ${failed.body.failure_reason}` });
      expect(failed.body.failure_reason).toMatch(/401/);
      expect(JSON.stringify(failed.body)).not.toContain(TWILIO.token);

      // A retryable failure: the answer says a retry is scheduled, and why the first attempt failed.
      fakes.mailgun.failNext(1, 503);
      const queued = await t.http().post('/api/v1/messaging/config/test').set(root).send({ service_type: 'mailgun', email: 'ops@example.com' });
      expect(queued.body).toMatchObject({ status: 'queued', msg: `The test message was queued for another attempt: ${queued.body.failure_reason}` });
      expect(queued.body.failure_reason).toMatch(/503/);
      expect(await settledIn(t, queued.body.message_id)).toMatchObject({ status: 'sent' });

      const missing = await t.http().post('/api/v1/messaging/config/test').set(root).send({ service_type: 'twilio_text' });
      expect(missing.status).toBe(422);
      expect(missing.body.detail[0].loc).toEqual(['body', 'phone_number']);
      const badType = await t.http().post('/api/v1/messaging/config/test').set(root).send({ service_type: 'pigeon', email: 'a@example.com' });
      expect(badType.status).toBe(422);
    });

    it('GET /messaging/messages lists the log with filters, masking recipients; GET /messages/{id} adds the attempts', async () => {
      await useServiceType('mailgun');
      fakes.mailgun.failNext(1, 401);
      const failed = await notifications.notify(request({ privacyRequestId: 'pri_filter_me' }));
      await settled(failed.messageId);
      const root = bearer(await t.rootToken());
      const list = await t.http().get('/api/v1/messaging/messages').query({ status: 'failed', privacy_request_id: 'pri_filter_me' }).set(root);
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ total: 1, page: 1, size: 50 });
      expect(list.body.items[0]).toMatchObject({
        id: failed.messageId,
        status: 'failed',
        action_type: 'privacy_request_review_deny',
        recipient: 'd***@example.org, ***21',
      });
      expect(JSON.stringify(list.body)).not.toContain(SUBJECT_EMAIL);

      const one = await t.http().get(`/api/v1/messaging/messages/${failed.messageId}`).set(root);
      expect(one.body.attempt_log).toEqual([expect.objectContaining({ number: 1, outcome: 'failed', status_code: 401 })]);
      expect((await t.http().get('/api/v1/messaging/messages/00000000-0000-4000-8000-000000000000').set(root)).status).toBe(404);
      expect((await t.http().get('/api/v1/messaging/messages').query({ status: 'lost' }).set(root)).status).toBe(422);

      const gql = await graphql(
        t,
        'query($id: ID!) { message(id: $id) { status recipient attemptLog { outcome statusCode } } messages(privacyRequestId: "pri_filter_me") { total } }',
        { id: failed.messageId },
        await t.rootToken(),
      );
      expect(gql.errors).toBeUndefined();
      expect(gql.data).toEqual({
        message: { status: 'failed', recipient: 'd***@example.org, ***21', attemptLog: [{ outcome: 'failed', statusCode: 401 }] },
        messages: { total: 1 },
      });
      const sent = await graphql(
        t,
        'mutation { sendTestMessage(input: { serviceType: TWILIO_EMAIL, email: "ops@example.com" }) { status } }',
        {},
        await t.rootToken(),
      );
      expect(sent.data).toEqual({ sendTestMessage: { status: 'sent' } });

      // A missing recipient is located under the `input` argument, in GraphQL's field names.
      const noPhone = await graphql(t, 'mutation { sendTestMessage(input: { serviceType: TWILIO_TEXT }) { status } }', {}, await t.rootToken());
      expect(noPhone.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        detail: [{ loc: ['input', 'phoneNumber'], msg: 'a phone number is required to test a TWILIO_TEXT config', type: 'value_error.missing' }],
      });
      const noEmail = await graphql(t, 'mutation { sendTestMessage(input: { serviceType: MAILGUN }) { status } }', {}, await t.rootToken());
      expect(noEmail.errors?.[0]?.extensions?.detail).toEqual([
        { loc: ['input', 'email'], msg: 'an email address is required to test a MAILGUN config', type: 'value_error.missing' },
      ]);
    });
  });
});
