// Decision D29 through the real SDKs against the loopback fakes: a failing Mailgun hands its messages to SendGrid
// (Twilio email) on their next attempt, five failures in a minute open its circuit (messages go straight to SendGrid,
// /health says degraded) until a minute has passed on the injected clock, and the chains are settings of /config and
// GraphQL, checked per channel.
import { Clock } from '../../src/common/clock.js';
import { NotificationsService, type NotifyCommand } from '../../src/notifications/notifications.service.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { HERALD_VERSION } from '../../src/common/version.js';
import { startProviderFakes, type ProviderFakes, type RecordedRequest } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { TestApp, bearer, createTestApp, graphql } from '../support/test-app.js';

const EMAIL = 'failover.subject@example.org';

describe('provider failover (D29)', () => {
  let fakes: ProviderFakes;
  let t: TestApp;
  let root: Record<string, string>;
  let notifications: NotificationsService;
  /** How far the injected clock is ahead of the real one. */
  let ahead = 0;
  let seq = 0;

  beforeAll(async () => {
    fakes = await startProviderFakes();
    t = await createTestApp({
      ...fakes.env,
      FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
      HERALD_DELIVERY_RETRY_DELAY_SECONDS: '1',
      HERALD_DELIVERY_RETRY_DELAY_MAX_SECONDS: '1',
    });
    const clock = t.app.get(Clock);
    clock.now = () => new Date(Date.now() + ahead);
    notifications = t.app.get(NotificationsService);
    root = bearer(await t.rootToken());
    const configs = [
      { key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' }, secrets: { mailgun_api_key: 'key-failover' } },
      {
        key: 'sendgrid',
        name: 'SendGrid',
        service_type: 'twilio_email',
        details: { twilio_email_from: 'privacy@example.com' },
        secrets: { twilio_api_key: 'SG.failover' },
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

  const stored = async () => (await t.db.query('SELECT config FROM application_config')).rows.map((r) => r.config as unknown);
  const patch = (body: object) => t.http().patch('/api/v1/config').set(root).send(body);

  async function send(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const command: NotifyCommand = {
        actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY,
        recipient: { email: EMAIL },
        params: { rejection_reason: `case ${++seq}` },
        idempotencyKey: `failover-${seq}`,
        serviceType: 'notification',
      };
      ids.push((await notifications.notify(command)).messageId);
    }
    return ids;
  }

  async function settled(ids: string[]): Promise<{ id: string; status: string; service_type: string; attempts: number }[]> {
    return waitFor(`${ids.length} messages to end`, async () => {
      const { rows } = await t.db.query('SELECT id, status, service_type, attempts FROM message WHERE id = ANY($1::uuid[])', [ids]);
      return rows.length === ids.length && rows.every((r) => r.status === 'sent' || r.status === 'failed') ? rows : undefined;
    });
  }

  const attemptsOf = async (id: string) =>
    (await t.db.query('SELECT outcome, status_code, service_type FROM message_attempt WHERE message_id = $1 ORDER BY number', [id])).rows as {
      outcome: string;
      status_code: number | null;
      service_type: string | null;
    }[];
  const sendGridGot = (id: string) =>
    fakes.sendgrid.requests.filter((r: RecordedRequest) => (r.body as { custom_args?: Record<string, string> }).custom_args?.herald_message_id === id);
  const mailgunCircuit = async () =>
    (await t.db.query(`SELECT consecutive_failures, first_failure_at, opened_until FROM provider_circuit WHERE service_type = 'MAILGUN'`)).rows[0] as
      { consecutive_failures: number; first_failure_at: Date | null; opened_until: Date | null } | undefined;

  describe('the chains in GET/PATCH /config', () => {
    it('are empty by default (no HERALD_EMAIL_FALLBACK, HERALD_SMS_FALLBACK)', async () => {
      const res = await t.http().get('/api/v1/config').set(root).expect(200);
      expect(res.body.notifications).toMatchObject({ email_fallback_service_types: [], sms_fallback_service_types: [] });
    });

    it.each([
      [{ email_fallback_service_types: ['twilio_text'] }, ['body', 'notifications', 'email_fallback_service_types', 0], 'value_error'],
      [{ email_fallback_service_types: ['mailgun', 'TWILIO_TEXT'] }, ['body', 'notifications', 'email_fallback_service_types', 1], 'value_error'],
      [{ sms_fallback_service_types: ['MAILGUN'] }, ['body', 'notifications', 'sms_fallback_service_types', 0], 'value_error'],
      [{ email_fallback_service_types: ['carrier_pigeon'] }, ['body', 'notifications', 'email_fallback_service_types'], 'type_error.enum'],
      [{ email_fallback_service_types: 'mailgun' }, ['body', 'notifications', 'email_fallback_service_types'], 'type_error.list'],
      [{ sms_fallback_service_types: [7] }, ['body', 'notifications', 'sms_fallback_service_types'], 'type_error.enum'],
    ])('refuse %j with 422 and store nothing', async (notificationsPatch, loc, type) => {
      const res = await patch({ notifications: notificationsPatch });
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual([expect.objectContaining({ loc, type, ...(type === 'type_error.list' && { msg: 'value is not a valid list' }) })]);
      expect(await stored()).toEqual([]);
    });

    it('store a chain in any case, each type once; null puts back the default', async () => {
      const res = await patch({
        notifications: { email_fallback_service_types: ['Twilio_Email', 'twilio_email'], sms_fallback_service_types: ['twilio_sms'] },
      });
      expect(res.status).toBe(200);
      expect(res.body.notifications).toMatchObject({ email_fallback_service_types: ['TWILIO_EMAIL'], sms_fallback_service_types: ['TWILIO_TEXT'] });
      const back = await patch({ notifications: { sms_fallback_service_types: null } });
      expect(back.body.notifications).toMatchObject({ email_fallback_service_types: ['TWILIO_EMAIL'], sms_fallback_service_types: [] });
      expect((await t.http().get('/api/v1/config').set(root)).body.notifications.email_fallback_service_types).toEqual(['TWILIO_EMAIL']);
    });

    it('have GraphQL twins, refusing a type of the other channel with BAD_USER_INPUT', async () => {
      const token = await t.rootToken();
      const read = await graphql(t, '{ notificationSettings { emailFallbackServiceTypes smsFallbackServiceTypes } }', {}, token);
      expect(read.data).toEqual({ notificationSettings: { emailFallbackServiceTypes: ['TWILIO_EMAIL'], smsFallbackServiceTypes: [] } });
      const wrong = await graphql(
        t,
        'mutation { updateNotificationSettings(input: { smsFallbackServiceTypes: [TWILIO_TEXT, MAILGUN] }) { smsFallbackServiceTypes } }',
        {},
        token,
      );
      expect(wrong.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(wrong.errors?.[0].extensions?.detail).toEqual([expect.objectContaining({ loc: ['input', 'smsFallbackServiceTypes', 1] })]);
      const unknown = await graphql(
        t,
        'mutation { updateNotificationSettings(input: { emailFallbackServiceTypes: [PIGEON] }) { emailFallbackServiceTypes } }',
        {},
        token,
      );
      expect(unknown.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const set = await graphql(
        t,
        'mutation { updateNotificationSettings(input: { emailFallbackServiceTypes: [TWILIO_EMAIL], smsFallbackServiceTypes: [TWILIO_TEXT] }) { emailFallbackServiceTypes smsFallbackServiceTypes } }',
        {},
        token,
      );
      expect(set.data).toEqual({ updateNotificationSettings: { emailFallbackServiceTypes: ['TWILIO_EMAIL'], smsFallbackServiceTypes: ['TWILIO_TEXT'] } });
      expect((await stored())[0]).toMatchObject({
        notifications: { email_fallback_service_types: ['TWILIO_EMAIL'], sms_fallback_service_types: ['TWILIO_TEXT'] },
      });
    });
  });

  describe('with Mailgun answering 503 to everything and TWILIO_EMAIL as the email fallback', () => {
    beforeAll(() => fakes.mailgun.failRandomly(1, [503]));

    it('every message is sent through SendGrid on its second attempt, each attempt naming its provider', async () => {
      const ids = await send(3);
      const done = await settled(ids);
      expect(done.map((m) => [m.status, m.service_type, m.attempts])).toEqual(ids.map(() => ['sent', 'TWILIO_EMAIL', 2]));
      for (const id of ids) {
        expect(await attemptsOf(id)).toEqual([
          { outcome: 'retry', status_code: 503, service_type: 'MAILGUN' },
          { outcome: 'sent', status_code: null, service_type: 'TWILIO_EMAIL' },
        ]);
        expect(sendGridGot(id)).toHaveLength(1);
        expect(sendGridGot(id)[0].status).toBe(202);
      }
      expect(fakes.mailgun.requests.map((r) => r.status)).toEqual([503, 503, 503]);
      expect(await mailgunCircuit()).toMatchObject({ consecutive_failures: 3, opened_until: null });

      // The message log and GraphQL show the provider of each attempt and the one that sent it.
      const rest = await t.http().get(`/api/v1/messaging/messages/${ids[0]}`).set(root).expect(200);
      expect(rest.body.service_type).toBe('TWILIO_EMAIL');
      expect(rest.body.attempt_log.map((a: { outcome: string; service_type: string }) => [a.outcome, a.service_type])).toEqual([
        ['retry', 'MAILGUN'],
        ['sent', 'TWILIO_EMAIL'],
      ]);
      const gql = await graphql(
        t,
        'query($id: ID!) { message(id: $id) { serviceType attemptLog { outcome serviceType } } }',
        { id: ids[0] },
        await t.rootToken(),
      );
      expect(gql.data).toEqual({
        message: {
          serviceType: 'TWILIO_EMAIL',
          attemptLog: [
            { outcome: 'retry', serviceType: 'MAILGUN' },
            { outcome: 'sent', serviceType: 'TWILIO_EMAIL' },
          ],
        },
      });
    });

    it('five failures in a row open the circuit: the next messages go straight to SendGrid and /health names it, still 200', async () => {
      const before = await send(2);
      await settled(before);
      const circuit = await mailgunCircuit();
      expect(circuit).toMatchObject({ consecutive_failures: 0, first_failure_at: null });
      // Open for a minute of the injected clock from the fifth failure.
      expect(circuit!.opened_until!.getTime()).toBeGreaterThan(Date.now() + ahead + 50_000);
      expect(circuit!.opened_until!.getTime()).toBeLessThanOrEqual(Date.now() + ahead + 60_000);

      const health = await t.http().get('/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({
        webserver: 'healthy',
        version: HERALD_VERSION,
        database: 'healthy',
        queue: 'healthy',
        messaging: 'degraded',
        open_circuits: ['MAILGUN'],
      });

      // Shared by every instance: another Herald on the same database skips it too.
      const other = await createTestApp({ ...fakes.env }, undefined, t.databaseUrl);
      try {
        expect((await other.http().get('/health')).body).toMatchObject({ messaging: 'degraded', open_circuits: ['MAILGUN'] });
      } finally {
        await other.close();
      }

      const mailgunCalls = fakes.mailgun.requests.length;
      expect(mailgunCalls).toBe(5);
      const after = await send(4);
      const done = await settled(after);
      expect(done.map((m) => [m.status, m.service_type, m.attempts])).toEqual(after.map(() => ['sent', 'TWILIO_EMAIL', 1]));
      for (const id of after) expect(await attemptsOf(id)).toEqual([{ outcome: 'sent', status_code: null, service_type: 'TWILIO_EMAIL' }]);
      expect(fakes.mailgun.requests).toHaveLength(mailgunCalls);
    });

    it('a minute later the circuit is closed: Mailgun is tried first again, and /health is healthy', async () => {
      ahead += 61_000;
      const health = await t.http().get('/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ webserver: 'healthy', version: HERALD_VERSION, database: 'healthy', queue: 'healthy', messaging: 'healthy' });

      const [id] = await send(1);
      expect((await settled([id]))[0]).toMatchObject({ status: 'sent', service_type: 'TWILIO_EMAIL', attempts: 2 });
      expect((await attemptsOf(id)).map((a) => a.service_type)).toEqual(['MAILGUN', 'TWILIO_EMAIL']);
      expect(fakes.mailgun.requests).toHaveLength(6);
      // A new count, from this failure.
      expect(await mailgunCircuit()).toMatchObject({ consecutive_failures: 1, opened_until: null });
    });

    it('failures more than a minute apart do not open it', async () => {
      await settled(await send(3));
      expect(await mailgunCircuit()).toMatchObject({ consecutive_failures: 4, opened_until: null });
      ahead += 61_000;
      await settled(await send(1));
      expect(await mailgunCircuit()).toMatchObject({ consecutive_failures: 1, opened_until: null });
      expect((await t.http().get('/health')).body.messaging).toBe('healthy');
    });
  });

  describe('once Mailgun answers again', () => {
    beforeAll(() => fakes.mailgun.failRandomly(0));

    it('a success resets its count', async () => {
      const [id] = await send(1);
      expect((await settled([id]))[0]).toMatchObject({ status: 'sent', service_type: 'MAILGUN', attempts: 1 });
      expect(await mailgunCircuit()).toEqual({ consecutive_failures: 0, first_failure_at: null, opened_until: null });
    });

    it('a test message (a given service type, D15) is sent through that provider only, without fallback', async () => {
      fakes.mailgun.failNext(1, 503);
      const res = await t.http().post('/api/v1/messaging/config/test').set(root).send({ service_type: 'mailgun', email: EMAIL });
      expect(res.status).toBe(200);
      const id = res.body.message_id as string;
      expect((await settled([id]))[0]).toMatchObject({ status: 'sent', service_type: 'MAILGUN', attempts: 2 });
      expect((await attemptsOf(id)).map((a) => [a.outcome, a.service_type])).toEqual([
        ['retry', 'MAILGUN'],
        ['sent', 'MAILGUN'],
      ]);
      expect(sendGridGot(id)).toEqual([]);
    });
  });
});
