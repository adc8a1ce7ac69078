// Decision D24 (and the delivery half of D22) through the real SDKs against the loopback fakes: at least once, a
// provider slower than the timeout makes at most one extra copy, Retry-After is honoured, the default horizon outlives
// 30% random faults, each failed attempt writes one log line without the recipient, and the job of a process that
// died is taken again within 30 s.
import { DELIVERY_QUEUE } from '../../src/notifications/outbox/delivery-queue.js';
import { NotificationsService, type NotifyCommand } from '../../src/notifications/notifications.service.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { JobQueueService } from '../../src/database/job-queue.service.js';
import { fieldText, startProviderFakes, type ProviderFakes, type RecordedRequest } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { TestApp, bearer, captureLogs, createTestApp, createTestDatabase } from '../support/test-app.js';

const MAILGUN_KEY = 'key-semantics-4411';
const SENDGRID_KEY = 'SG.semantics-4411';
const TWILIO = { sid: 'AC4411aaaabbbbccccddddeeeeffff0000', token: 'twilio-semantics-4411', service: 'MG4411aaaabbbbccccddddeeeeffff0000' };
const EMAIL = 'semantics.subject@example.org';
const PHONE = '+15550104411';

// Quick retries (1 s, doubling, at most 8 s) so that the suite is short, with the default number of attempts (10):
// the horizon under test is the default one. A 500 ms timeout, 3 s after an attempt that timed out.
const SETTINGS = {
  HERALD_DELIVERY_RETRY_DELAY_SECONDS: '1',
  HERALD_DELIVERY_RETRY_DELAY_MAX_SECONDS: '8',
  HERALD_PROVIDER_TIMEOUT_MS: '500',
  HERALD_PROVIDER_TIMEOUT_MAX_MS: '3000',
  LOG_LEVEL: 'warn',
};

interface LogEntry {
  level: number;
  time: number;
  msg: string;
  messageId?: string;
  serviceType?: string | null;
  attempt?: number;
  status?: number | null;
  reason?: string;
  timedOut?: boolean;
  nextAttemptAt?: string | null;
}

describe('delivery semantics (D24)', () => {
  const logs = captureLogs();
  let fakes: ProviderFakes;
  let t: TestApp;
  let notifications: NotificationsService;
  let seq = 0;

  beforeAll(async () => {
    fakes = await startProviderFakes();
    t = await createTestApp({ ...fakes.env, ...SETTINGS }, logs);
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
      await t.http().post('/api/v1/messaging/config').set(root).send(config).expect(200);
      await t.http().put(`/api/v1/messaging/config/${config.key}/secret`).set(root).send(secrets).expect(200);
    }
  });
  afterAll(async () => {
    await t.close();
    await fakes.close();
  });
  beforeEach(() => fakes.reset());

  // Each message's text ends with its own case number; Twilio carries no custom data, so its requests are told apart
  // by that text.
  const PROVIDERS = [
    { type: 'MAILGUN', fake: () => fakes.mailgun, isFor: (r: RecordedRequest, m: Sent) => r.fields['v:herald_message_id'] === m.messageId },
    {
      type: 'TWILIO_EMAIL',
      fake: () => fakes.sendgrid,
      isFor: (r: RecordedRequest, m: Sent) => (r.body as { custom_args?: Record<string, string> }).custom_args?.herald_message_id === m.messageId,
    },
    { type: 'TWILIO_TEXT', fake: () => fakes.twilio, isFor: (r: RecordedRequest, m: Sent) => fieldText(r, 'Body').endsWith(`: ${m.tag}`) },
  ] as const;

  interface Sent {
    messageId: string;
    tag: string;
  }

  function request(serviceType: NotifyCommand['serviceType'], overrides: Partial<NotifyCommand> = {}): NotifyCommand {
    const n = ++seq;
    return {
      actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY,
      recipient: { email: EMAIL, phone_number: PHONE },
      params: { rejection_reason: `case ${n}` },
      idempotencyKey: `semantics-${n}`,
      serviceType,
      ...overrides,
    };
  }

  async function send(serviceType: NotifyCommand['serviceType']): Promise<Sent> {
    const asked = request(serviceType);
    return { messageId: (await notifications.notify(asked)).messageId, tag: String(asked.params!.rejection_reason) };
  }

  async function settled(ids: string[], timeoutMs = 60_000): Promise<{ id: string; status: string; attempts: number; failure_reason: string | null }[]> {
    return waitFor(
      `${ids.length} messages to end`,
      async () => {
        const { rows } = await t.db.query(`SELECT id, status, attempts, failure_reason FROM message WHERE id = ANY($1::uuid[])`, [ids]);
        return rows.length === ids.length && rows.every((r) => r.status === 'sent' || r.status === 'failed') ? rows : undefined;
      },
      timeoutMs,
    );
  }

  const attemptsOf = async (id: string) =>
    (await t.db.query('SELECT number, outcome, status_code, reason, started_at, finished_at FROM message_attempt WHERE message_id = $1 ORDER BY number', [id]))
      .rows as {
      number: number;
      outcome: string;
      status_code: number | null;
      reason: string | null;
      started_at: Date;
      finished_at: Date;
    }[];

  const entries = (): LogEntry[] => logs.lines.map((line) => JSON.parse(line) as LogEntry);

  describe('a provider slower than the timeout makes at most one extra copy', () => {
    it.each(PROVIDERS)('$type: the attempts after a timeout wait longer', async ({ type, fake, isFor }) => {
      // Answers after 1.5 s: later than the timeout (0.5 s), sooner than the timeout after a timeout (3 s).
      fake().setDelay(1_500);
      const sent: Sent[] = [];
      for (let i = 0; i < 4; i++) sent.push(await send(type));
      const done = await settled(sent.map((m) => m.messageId));
      expect(done.map((m) => m.status)).toEqual(sent.map(() => 'sent'));
      for (const message of sent) {
        // The copy of the attempt that timed out, and the one that was answered.
        expect(fake().requests.filter((r) => isFor(r, message))).toHaveLength(2);
        const attempts = await attemptsOf(message.messageId);
        expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'sent']);
        expect(attempts[0].reason).toMatch(/timeout/i);
      }
    });
  });

  describe('Retry-After', () => {
    it.each(PROVIDERS)('$type: the next attempt comes no sooner than a 429 asks (seconds)', async ({ type, fake }) => {
      // Without it the retry would come after about 1 s (the retry delay) and the next poll (at most 2 s).
      fake().failNext(1, 429, { retryAfter: 5 });
      const { messageId } = await send(type);
      expect((await settled([messageId]))[0]).toMatchObject({ status: 'sent', attempts: 2 });
      const [refused, accepted] = fake().requests;
      expect(refused.status).toBe(429);
      expect(accepted.receivedAt.getTime() - refused.answeredAt!.getTime()).toBeGreaterThanOrEqual(5_000);
      const attempts = await attemptsOf(messageId);
      expect(attempts.map((a) => [a.outcome, a.status_code])).toEqual([
        ['retry', 429],
        ['sent', null],
      ]);
      expect(attempts[1].started_at.getTime() - attempts[0].finished_at.getTime()).toBeGreaterThanOrEqual(5_000 - 5);
    });

    it('a 503 with an HTTP date', async () => {
      const until = new Date(Date.now() + 6_000);
      fakes.mailgun.failNext(1, 503, { retryAfter: until.toUTCString() });
      const { messageId } = await notifications.notify(request('MAILGUN'));
      expect((await settled([messageId]))[0]).toMatchObject({ status: 'sent', attempts: 2 });
      const [, accepted] = fakes.mailgun.requests;
      // The date has whole seconds: the retry comes no sooner than it says.
      expect(accepted.receivedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(until.getTime() / 1000) * 1000);
    });

    it('capped at the longest retry delay', async () => {
      fakes.mailgun.failNext(1, 429, { retryAfter: 3600 });
      const { messageId } = await notifications.notify(request('MAILGUN'));
      expect((await settled([messageId]))[0]).toMatchObject({ status: 'sent', attempts: 2 });
      const line = entries().find((e) => e.messageId === messageId && e.msg === 'message delivery attempt failed; retrying')!;
      expect(Date.parse(line.nextAttemptAt!) - line.time).toBeLessThanOrEqual(8_000 + 50);
      const [refused, accepted] = fakes.mailgun.requests;
      expect(accepted.receivedAt.getTime() - refused.answeredAt!.getTime()).toBeGreaterThanOrEqual(8_000);
    });
  });

  it('with 30% of calls failing at random with 429 or 503, every message is sent, once', async () => {
    fakes.mailgun.failRandomly(0.3, [429, 503]);
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push((await notifications.notify(request('MAILGUN'))).messageId);
    const done = await settled(ids, 150_000);
    expect(done.filter((m) => m.status !== 'sent')).toEqual([]);
    // Faults did happen, and were retried.
    const failures = fakes.mailgun.requests.filter((r) => r.status === 429 || r.status === 503).length;
    expect(failures).toBeGreaterThan(30);
    expect(done.some((m) => m.attempts >= 3)).toBe(true);
    // Accepted once each. D24 is at least once: only a message with an attempt that timed out (the provider may have
    // taken it, as the fake did when the machine is slow to read its answer) may have been accepted again.
    const accepted = fakes.mailgun.requests.filter((r) => r.status === 200).map((r) => r.fields['v:herald_message_id'] as string);
    expect([...new Set(accepted)].sort()).toEqual([...ids].sort());
    const repeated = [...new Set(accepted.filter((id, i) => accepted.indexOf(id) !== i))].sort();
    const timedOut = (
      await t.db.query<{ id: string }>(
        `SELECT DISTINCT message_id AS id FROM message_attempt WHERE message_id = ANY($1::uuid[]) AND reason ~* 'time(d)? ?out'`,
        [repeated],
      )
    ).rows.map((r) => r.id);
    expect(timedOut.sort()).toEqual(repeated);
  }, 180_000);

  it('one warning per failed or retried attempt: message id, service type, reason, next attempt; never the recipient', async () => {
    fakes.mailgun.failNext(2, 503);
    const retried = await notifications.notify(request('MAILGUN'));
    // Twilio echoes the number it refuses: the reason must not carry it into the log.
    fakes.twilio.failNext(1, 400);
    const refused = await notifications.notify(request('TWILIO_TEXT'));
    await settled([retried.messageId, refused.messageId]);

    const of = (id: string) => entries().filter((e) => e.messageId === id);
    expect(of(retried.messageId)).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'message delivery attempt failed; retrying',
        serviceType: 'MAILGUN',
        attempt: 1,
        status: 503,
        reason: 'Mailgun answered 503 Service Unavailable',
        nextAttemptAt: expect.any(String),
      }),
      expect.objectContaining({
        level: 40,
        msg: 'message delivery attempt failed; retrying',
        serviceType: 'MAILGUN',
        attempt: 2,
        status: 503,
        nextAttemptAt: expect.any(String),
      }),
    ]);
    for (const line of of(retried.messageId)) expect(Date.parse(line.nextAttemptAt!)).toBeGreaterThan(line.time);
    expect(of(refused.messageId)).toEqual([
      expect.objectContaining({ level: 50, msg: 'message delivery failed', serviceType: 'TWILIO_TEXT', attempt: 1, status: 400, nextAttemptAt: null }),
    ]);
    expect(of(refused.messageId)[0].reason).toContain('[recipient]');
    const text = logs.text();
    for (const recipient of [EMAIL, PHONE, PHONE.slice(1), encodeURIComponent(EMAIL)]) expect(text).not.toContain(recipient);
    // The attempt that went through writes nothing.
    expect(of(retried.messageId)).toHaveLength(2);
  });
});

describe('a message claimed by a process that died (D22)', () => {
  it('is taken again by a live process within 30 s', async () => {
    const fakes = await startProviderFakes();
    const database = await createTestDatabase();
    const env = { ...fakes.env, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun' };
    const dead = await createTestApp(env, undefined, database.url);
    let live: TestApp | undefined;
    try {
      const root = bearer(await dead.rootToken());
      await dead
        .http()
        .post('/api/v1/messaging/config')
        .set(root)
        .send({ key: 'mg', name: 'mg', service_type: 'mailgun', details: { domain: 'crash.example.com' } })
        .expect(200);
      await dead.http().put('/api/v1/messaging/config/mg/secret').set(root).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
      // This process takes no job itself: its message is claimed below as a process would claim it before dying.
      await dead.app.get(JobQueueService).boss.offWork(DELIVERY_QUEUE, { wait: true });
      const { messageId } = await dead.app.get(NotificationsService).notify({
        actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE,
        recipient: { email: EMAIL },
        idempotencyKey: 'claimed-by-the-dead',
      });
      const claimed = await dead.db.query(
        `WITH job AS (UPDATE pgboss.job SET state = 'active', started_on = now(), heartbeat_on = now() WHERE name = $1 AND id = $2 RETURNING heartbeat_on)
         UPDATE message SET status = 'sending', attempts = 1 WHERE id = $2 RETURNING (SELECT heartbeat_on FROM job) AS died_at`,
        [DELIVERY_QUEUE, messageId],
      );
      const diedAt = claimed.rows[0].died_at as Date;
      expect(diedAt).toBeInstanceOf(Date);
      await dead.app.close();

      live = await createTestApp(env, undefined, database.url);
      const [received] = await fakes.mailgun.waitForRequests(1, 45_000);
      expect(received.fields['v:herald_message_id']).toBe(messageId);
      expect(received.receivedAt.getTime() - diedAt.getTime()).toBeLessThanOrEqual(30_000);
      await waitFor(
        'the message to be sent',
        async () => (await live!.db.query('SELECT status FROM message WHERE id = $1', [messageId])).rows[0].status === 'sent',
      );
      expect(fakes.mailgun.requests).toHaveLength(1);
    } finally {
      await dead.db.end().catch(() => undefined);
      await live?.close();
      await database.drop();
      await fakes.close();
    }
  }, 90_000);
});
