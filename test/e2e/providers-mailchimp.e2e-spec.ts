// Mailchimp Transactional (decision D33) through @mailchimp/mailchimp_transactional against the loopback Mandrill fake:
// the exact request, Fides' rejection texts, which failures are retried, the config and secrets texts, and D29
// failover into and out of it through the outbox; its signed delivery events (D26-D28) posted back by the fake.
import { loadSettings } from '../../src/config/settings.js';
import { MailchimpTransactionalProvider } from '../../src/notifications/providers/mailchimp-transactional/mailchimp-transactional.provider.js';
import { DeliveryError, type OutgoingEmail, type ProviderContext } from '../../src/notifications/providers/messaging-provider.js';
import { NotificationsService } from '../../src/notifications/notifications.service.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { startMandrillFake, type MandrillFake } from '../fakes/mandrill-fake.mjs';
import { mandrillEvents, postEvent, WEBHOOK_PATHS, type WebhookCall } from '../fakes/provider-events.mjs';
import { startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { deliveryEventWorld } from '../support/delivery-events.js';
import { TestApp, bearer, createTestApp, graphql } from '../support/test-app.js';
import { freePort } from '../support/webhook-fakes.js';

const API_KEY = 'md-mandrill-secret-key-0123456789';
const FROM = 'privacy@example.com';
const TO = 'alice.recipient@example.org';

const email: OutgoingEmail = {
  channel: 'email',
  messageId: '3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
  idempotencyKey: 'idem-3f1c2a9e-1',
  to: ` ${TO} `,
  subject: 'Your privacy request',
  html: '<p>Your code is <b>123456</b></p>',
  text: 'Your code is 123456',
};
const context = (overrides: Partial<ProviderContext> = {}): ProviderContext => ({
  details: { email_from: FROM },
  secrets: { mailchimp_transactional_api_key: API_KEY },
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  expect(error.reason).not.toContain(API_KEY);
  expect(error.reason).not.toContain(TO);
  return error;
}

describe('Mailchimp Transactional through @mailchimp/mailchimp_transactional', () => {
  let mandrill: MandrillFake;
  let provider: MailchimpTransactionalProvider;

  beforeAll(async () => {
    mandrill = await startMandrillFake({ apiKey: API_KEY });
    provider = new MailchimpTransactionalProvider(loadSettings({ MAILCHIMP_TRANSACTIONAL_API_URL: mandrill.url, HERALD_PROVIDER_TIMEOUT_MS: '2000' }));
  });
  afterEach(() => mandrill.reset());
  afterAll(() => mandrill.close());

  it('posts the message as JSON to /api/1.3/messages/send with the key in the body', async () => {
    const receipt = await provider.send(email, context());
    const request = mandrill.lastRequest()!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/1.3/messages/send');
    expect(request.contentType).toMatch(/^application\/json/);
    expect(request.body).toEqual({
      key: API_KEY,
      message: {
        from_email: FROM,
        subject: 'Your privacy request',
        html: '<p>Your code is <b>123456</b></p>',
        text: 'Your code is 123456',
        to: [{ email: TO, type: 'to' }],
        headers: { 'X-Idempotency-Key': 'idem-3f1c2a9e-1' },
        metadata: { herald_message_id: email.messageId },
      },
    });
    expect(receipt.providerMessageId).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each(['queued', 'scheduled', 'invalid'] as const)('a recipient status %s counts as sent (as in Fides)', async (status) => {
    mandrill.answerStatus(status);
    await expect(provider.send(email, context())).resolves.toEqual({ providerMessageId: expect.any(String) });
  });

  it.each([
    [
      'hard-bounce',
      'Verification email unable to send due to reason: hard-bounce. A permanent error occured with the target inbox. See https://mailchimp.com/developer/transactional/docs/reputation-rejections/#bounces for more info.',
    ],
    [
      'soft-bounce',
      'Verification email unable to send due to reason: soft-bounce. A temporary error occured with the target inbox. For example, this inbox could be full. See https://mailchimp.com/developer/transactional/docs/reputation-rejections/#bounces for more info.',
    ],
    [
      'recipient-domain-mismatch',
      `Verification email unable to send due to reason: recipient-domain-mismatch. You are not authorised to send email to this domain from ${FROM}.`,
    ],
    [
      'unsigned',
      `Verification email unable to send due to reason: unsigned. The sending domain for ${FROM} has not been fully configured for Mailchimp Transactional. See https://mailchimp.com/developer/transactional/docs/authentication-delivery/#authentication/ for more info.`,
    ],
    ['spam', 'Verification email unable to send due to reason: spam.'],
  ])('a %s rejection is a permanent failure with Fides’ text', async (reason, text) => {
    mandrill.rejectNext(1, reason);
    const error = await failure(provider.send(email, context()));
    expect(error).toMatchObject({ retryable: false, reason: text });
  });

  it('an invalid key (Mandrill’s 500 Invalid_Key) is permanent', async () => {
    const error = await failure(provider.send(email, context({ secrets: { mailchimp_transactional_api_key: 'md-wrong-key-000' } })));
    expect(error).toMatchObject({
      retryable: false,
      status: 500,
      reason: 'Mailchimp Transactional answered 500 Internal Server Error: Invalid_Key: Invalid API key',
    });
  });

  it('a 500 GeneralError, a 503 and a dropped connection are retryable', async () => {
    mandrill.failNext(1, 500);
    expect(await failure(provider.send(email, context()))).toMatchObject({ retryable: true, status: 500 });
    mandrill.failNext(1, 503);
    expect(await failure(provider.send(email, context()))).toMatchObject({ retryable: true, status: 503 });
    mandrill.dropNext(1);
    expect(await failure(provider.send(email, context()))).toMatchObject({ retryable: true, status: undefined });
  });

  it('an answer later than the timeout is retryable and marked timed out', async () => {
    mandrill.setDelay(1_000);
    expect(await failure(provider.send(email, context({ timeoutMs: 200 })))).toMatchObject({ retryable: true, timedOut: true });
  });

  it('refuses a config without details or key before calling, with Fides’ text', async () => {
    const text = 'Mailchimp Transactional: No Mailchimp Transactional config details or secrets supplied.';
    expect(await failure(provider.send(email, context({ details: null })))).toMatchObject({ retryable: false, reason: text });
    expect(await failure(provider.send(email, context({ secrets: {} as never })))).toMatchObject({ retryable: false, reason: text });
    expect(mandrill.requests).toHaveLength(0);
  });
});

describe('Mailchimp Transactional configs and sending through the outbox', () => {
  let mandrill: MandrillFake;
  let fakes: ProviderFakes;
  let t: TestApp;
  let root: Record<string, string>;
  let seq = 0;

  beforeAll(async () => {
    mandrill = await startMandrillFake();
    fakes = await startProviderFakes();
    t = await createTestApp({
      ...fakes.env,
      MAILCHIMP_TRANSACTIONAL_API_URL: mandrill.url,
      HERALD_DELIVERY_RETRY_DELAY_SECONDS: '1',
      HERALD_DELIVERY_RETRY_DELAY_MAX_SECONDS: '1',
    });
    root = bearer(await t.rootToken());
  });
  afterEach(() => {
    mandrill.reset();
    fakes.reset();
  });
  afterAll(async () => {
    await t.close();
    await fakes.close();
    await mandrill.close();
  });

  const configs = async () => (await t.db.query('SELECT key, service_type, details FROM messaging_config ORDER BY key')).rows;
  const settled = (id: string) =>
    waitFor('the message to end', async () => {
      const { rows } = await t.db.query('SELECT status, service_type, attempts, failure_reason FROM message WHERE id = $1', [id]);
      return rows[0] && (rows[0].status === 'sent' || rows[0].status === 'failed') ? rows[0] : undefined;
    });
  const attemptsOf = async (id: string) =>
    (await t.db.query('SELECT outcome, service_type FROM message_attempt WHERE message_id = $1 ORDER BY number', [id])).rows.map((r) => [
      r.outcome,
      r.service_type,
    ]);
  const notify = async () =>
    (
      await t.app.get(NotificationsService).notify({
        actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY,
        recipient: { email: TO },
        params: { rejection_reason: `case ${++seq}` },
        idempotencyKey: `mailchimp-${seq}`,
        serviceType: 'notification',
      })
    ).messageId;

  it('refuses bad details with 422 and creates nothing', async () => {
    const res = await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'mandrill', name: 'Mandrill', service_type: 'mailchimp_transactional', details: { email_from: 'not an address', domain: 'x' } });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ loc: ['body', 'details', 'email_from'], msg: 'value is not a valid email address' }),
        expect.objectContaining({ loc: ['body', 'details', 'domain'], msg: 'extra fields not permitted' }),
      ]),
    );
    expect(await configs()).toEqual([]);
  });

  it('creates a config, refuses bad secrets with Fides’ 400 texts, and stores good ones', async () => {
    const created = await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'mandrill', name: 'Mandrill', service_type: 'MAILCHIMP_TRANSACTIONAL', details: { email_from: FROM } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ key: 'mandrill', name: 'Mandrill', service_type: 'MAILCHIMP_TRANSACTIONAL', details: { email_from: FROM } });

    const missing = await t.http().put('/api/v1/messaging/config/mandrill/secret').set(root).send({});
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ detail: ["field required ('mailchimp_transactional_api_key',)"] });
    const extra = await t.http().put('/api/v1/messaging/config/mandrill/secret').set(root).send({ mailchimp_transactional_api_key: API_KEY, api_key: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.body).toEqual({ detail: ["extra fields not permitted ('api_key',)"] });
    expect(JSON.stringify(extra.body)).not.toContain(API_KEY);

    const ok = await t.http().put('/api/v1/messaging/config/mandrill/secret').set(root).send({ mailchimp_transactional_api_key: API_KEY });
    expect(ok.status).toBe(200);
    expect(ok.body.msg).toBe('Secrets updated for MessagingConfig with key: mandrill.');
  });

  it('sends a test message: the fake gets it from the config’s sender', async () => {
    const res = await t.http().post('/api/v1/messaging/config/test').set(root).send({ service_type: 'mailchimp_transactional', email: TO });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ msg: 'Test message sent.', status: 'sent', failure_reason: null });
    const body = mandrill.lastRequest()!.body as { key: string; message: Record<string, unknown> };
    expect(body.key).toBe(API_KEY);
    expect(body.message).toMatchObject({ from_email: FROM, subject: 'Test message from Herald', to: [{ email: TO, type: 'to' }] });
    expect(body.message.html).toContain('This is a test message from Herald.');
    expect(body.message.text).toContain('This is a test message from Herald.');
    expect(await settled(res.body.message_id)).toMatchObject({ status: 'sent', service_type: 'MAILCHIMP_TRANSACTIONAL', attempts: 1 });
  });

  it('a 503 is retried and then sent; a rejection fails at once with Fides’ text', async () => {
    mandrill.failNext(1, 503);
    const retried = await t.http().post('/api/v1/messaging/config/test').set(root).send({ service_type: 'mailchimp_transactional', email: TO });
    expect(retried.body).toMatchObject({ status: 'queued' });
    expect(await settled(retried.body.message_id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(mandrill.requests).toHaveLength(2);

    mandrill.rejectNext(1, 'hard-bounce');
    const rejected = await t.http().post('/api/v1/messaging/config/test').set(root).send({ service_type: 'mailchimp_transactional', email: TO });
    expect(rejected.body).toMatchObject({ status: 'failed' });
    expect(rejected.body.failure_reason).toMatch(/^Verification email unable to send due to reason: hard-bounce\. A permanent error/);
    expect(await settled(rejected.body.message_id)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('GraphQL shows its details and takes its secrets', async () => {
    const token = await t.rootToken();
    const res = await graphql(
      t,
      `mutation { setMessagingConfigSecrets(key: "mandrill", input: { mailchimpTransactional: { apiKey: "${API_KEY}" } }) {
        key serviceType details { ... on MailchimpTransactionalDetails { emailFrom } } } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.setMessagingConfigSecrets).toEqual({ key: 'mandrill', serviceType: 'MAILCHIMP_TRANSACTIONAL', details: { emailFrom: FROM } });
    const bad = await graphql(
      t,
      `
        mutation {
          createMessagingConfig(input: { name: "M2", serviceType: MAILCHIMP_TRANSACTIONAL, mailchimpTransactional: { emailFrom: "nope" } }) {
            key
          }
        }
      `,
      {},
      token,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  describe('failover (D29)', () => {
    beforeAll(async () => {
      await t
        .http()
        .post('/api/v1/messaging/config')
        .set(root)
        .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' } });
      await t.http().put('/api/v1/messaging/config/mailgun/secret').set(root).send({ mailgun_api_key: 'key-mailgun-0123' }).expect(200);
    });

    it('into it: a failing Mailgun hands the next attempt to Mailchimp Transactional', async () => {
      await t
        .http()
        .patch('/api/v1/config')
        .set(root)
        .send({ notifications: { notification_service_type: 'mailgun', email_fallback_service_types: ['mailchimp_transactional'] } })
        .expect(200);
      fakes.mailgun.failNext(1, 503);
      const id = await notify();
      expect(await settled(id)).toMatchObject({ status: 'sent', service_type: 'MAILCHIMP_TRANSACTIONAL', attempts: 2 });
      expect(await attemptsOf(id)).toEqual([
        ['retry', 'MAILGUN'],
        ['sent', 'MAILCHIMP_TRANSACTIONAL'],
      ]);
      expect((mandrill.lastRequest()!.body as { message: { to: unknown } }).message.to).toEqual([{ email: TO, type: 'to' }]);
    });

    it('out of it: a failing Mailchimp Transactional hands the next attempt to Mailgun', async () => {
      await t
        .http()
        .patch('/api/v1/config')
        .set(root)
        .send({ notifications: { notification_service_type: 'mailchimp_transactional', email_fallback_service_types: ['mailgun'] } })
        .expect(200);
      mandrill.failNext(1, 500);
      const id = await notify();
      expect(await settled(id)).toMatchObject({ status: 'sent', service_type: 'MAILGUN', attempts: 2 });
      expect(await attemptsOf(id)).toEqual([
        ['retry', 'MAILCHIMP_TRANSACTIONAL'],
        ['sent', 'MAILGUN'],
      ]);
      expect(fakes.mailgun.lastRequest()?.fields).toMatchObject({ to: TO });
    });
  });
});

describe('Mailchimp Transactional delivery events (decisions D26-D28): the Mandrill fake posts signed webhook events', () => {
  const WEBHOOK_KEY = 'mandrill-webhook-key-7d3e1a';
  let mandrill: MandrillFake;
  let t: TestApp;
  let base: string;
  let url: string;
  let root: Record<string, string>;

  /** The config's secrets: the API key and the webhook key the fake signs with. */
  const putSecrets = () =>
    t
      .http()
      .put('/api/v1/messaging/config/mandrill/secret')
      .set(root)
      .send({ mailchimp_transactional_api_key: API_KEY, mailchimp_transactional_webhook_key: WEBHOOK_KEY })
      .expect(200);

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    url = `${base}${WEBHOOK_PATHS.mandrill}`;
    mandrill = await startMandrillFake({ apiKey: API_KEY, webhookUrl: base, webhookSigningKey: WEBHOOK_KEY });
    t = await createTestApp({ MAILCHIMP_TRANSACTIONAL_API_URL: mandrill.url, HERALD_PUBLIC_URL: base, HERALD_WEBHOOKS_ALLOW_HTTP: 'true' });
    await t.app.listen({ port, host: '127.0.0.1' });
    root = bearer(await t.rootToken());
    await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'mandrill', name: 'Mandrill', service_type: 'mailchimp_transactional', details: { email_from: FROM } })
      .expect(200);
    await putSecrets();
  });
  afterEach(() => mandrill.reset());
  afterAll(async () => {
    await t.close();
    await mandrill.close();
  });

  const { unique, row, message, tables, sendEmail } = deliveryEventWorld(
    () => t,
    () => root,
  );
  /** One message to `to` (by default a recipient of its own) through Mandrill; its id once sent or failed. */
  const send = (to?: string) => sendEmail('MAILCHIMP_TRANSACTIONAL', to);

  it("a delivered event: Herald's id went out in the metadata, and the message shows delivered with the event", async () => {
    const id = await send();
    expect((mandrill.lastRequest()!.body as { message: { metadata: unknown } }).message.metadata).toEqual({ herald_message_id: id });
    expect((await row(id)).provider_message_id).toBe(mandrill.accepted.at(-1)!.providerMessageId);

    expect(await mandrill.emitEvent({ type: 'delivered', messageId: id })).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
    const delivered = await message(id);
    expect(delivered.delivery_status).toBe('delivered');
    expect(delivered.events).toEqual([
      { type: 'delivered', service_type: 'MAILCHIMP_TRANSACTIONAL', occurred_at: expect.any(String), received_at: expect.any(String), reason: null },
    ]);
  });

  it('a hard bounce: bounced with the reason (no recipient), the recipient suppressed, the next message to it not sent', async () => {
    const to = `bounced.${unique()}@example.org`;
    const id = await send(to);
    expect(await mandrill.emitEvent({ type: 'bounced', messageId: id })).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
    const bounced = await message(id);
    expect(bounced.delivery_status).toBe('bounced');
    expect(bounced.events).toEqual([expect.objectContaining({ type: 'bounced', reason: expect.stringContaining('bad_mailbox smtp;550 5.1.1') })]);
    expect(JSON.stringify(bounced.events)).not.toContain(to);
    expect((await t.db.query('SELECT cause, channel FROM suppression WHERE message_id = $1', [id])).rows).toEqual([{ cause: 'bounce', channel: 'email' }]);

    const sent = mandrill.requests.length;
    const next = await send(to);
    expect(await row(next)).toMatchObject({ status: 'failed', failure_reason: 'recipient suppressed (bounce)' });
    expect(mandrill.requests).toHaveLength(sent);
  });

  it('deferral, soft bounce and spam climb the ladder; a spam report suppresses as a complaint; opens and clicks are not recorded', async () => {
    const id = await send();
    const providerMessageId = mandrill.accepted.at(-1)!.providerMessageId;
    let ts = Math.floor(Date.now() / 1000) - 600;
    const events = (kinds: string[]) =>
      mandrillEvents({ url, webhookKey: WEBHOOK_KEY, events: kinds.map((kind) => ({ kind, messageId: id, providerMessageId, ts: ++ts })) });
    expect(await postEvent(events(['send', 'open', 'click', 'unsub']))).toEqual({ status: 200, body: { received: 0, recorded: 0 } });
    expect(await postEvent(events(['deferral', 'soft_bounce']))).toEqual({ status: 200, body: { received: 2, recorded: 2 } });
    expect((await row(id)).delivery_status).toBe('undelivered');
    expect(await postEvent(events(['spam']))).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
    expect((await message(id)).events.map((e: { type: string }) => e.type)).toEqual(['deferred', 'undelivered', 'complained']);
    expect((await row(id)).delivery_status).toBe('complained');
    expect((await t.db.query('SELECT cause FROM suppression WHERE message_id = $1', [id])).rows).toEqual([{ cause: 'complaint' }]);
  });

  it('refuses a wrong signature, a missing one and a body changed after signing: 401, nothing recorded', async () => {
    const id = await send();
    const providerMessageId = mandrill.accepted.at(-1)!.providerMessageId;
    const before = await tables();
    const refused = async (call: WebhookCall) => expect(await postEvent(call)).toEqual({ status: 401, body: { detail: expect.any(String) } });
    await refused(mandrillEvents({ url, webhookKey: 'not-the-key', events: [{ type: 'bounced', messageId: id, providerMessageId }] }));
    const good = mandrillEvents({ url, webhookKey: WEBHOOK_KEY, events: [{ type: 'bounced', messageId: id, providerMessageId }] });
    await refused({ ...good, headers: { 'content-type': good.headers['content-type'] } });
    await refused({ ...good, body: good.body.replace('hard_bounce', 'delivered') });
    // Signed for another URL (Mandrill signs the URL as configured in it).
    await refused({ ...good, url: `${url}?x=1` });
    expect(await tables()).toEqual(before);
    expect((await row(id)).delivery_status).toBe('unknown');
  });

  it('a replayed call is recorded once', async () => {
    const id = await send();
    const call = mandrillEvents({
      url,
      webhookKey: WEBHOOK_KEY,
      events: [{ type: 'delivered', messageId: id, providerMessageId: mandrill.accepted.at(-1)!.providerMessageId }],
    });
    expect(await postEvent(call)).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
    expect(await postEvent(call)).toEqual({ status: 200, body: { received: 1, recorded: 0 } });
    expect((await t.db.query('SELECT count(*)::int AS n FROM message_event WHERE message_id = $1', [id])).rows[0].n).toBe(1);
  });

  it("answers Mandrill's checks when the webhook is added: a HEAD, and an unsigned POST with no events", async () => {
    const before = await tables();
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${base}/api/v1/messaging/webhooks/postmark`, { method: 'HEAD' })).status).toBe(404);
    const test = { url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'mandrill_events=%5B%5D' };
    expect(await postEvent(test)).toEqual({ status: 200, body: { received: 0, recorded: 0 } });
    expect(await tables()).toEqual(before);
  });

  it('takes the webhook key over GraphQL too, and never shows it', async () => {
    const token = await t.rootToken();
    const other = 'mandrill-webhook-key-from-graphql';
    const res = await graphql(
      t,
      `mutation { setMessagingConfigSecrets(key: "mandrill", input: { mailchimpTransactional: { apiKey: "${API_KEY}", webhookKey: "${other}" } }) { key } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    try {
      // Secrets are looked up again within seconds, and at once after a change in this process.
      const id = await send();
      const providerMessageId = mandrill.accepted.at(-1)!.providerMessageId;
      const signed = (webhookKey: string) => mandrillEvents({ url, webhookKey, events: [{ type: 'delivered', messageId: id, providerMessageId }] });
      expect((await postEvent(signed(WEBHOOK_KEY))).status).toBe(401);
      expect(await postEvent(signed(other))).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
      const config = await t.http().get('/api/v1/messaging/config/mandrill').set(root).expect(200);
      expect(JSON.stringify(config.body)).not.toContain(other);
    } finally {
      await putSecrets();
    }
  });
});
