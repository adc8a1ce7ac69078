// Herald's own `smtp` type (decision D33) through nodemailer against the loopback SMTP fake (smtp-server): the exact
// envelope and parts, STARTTLS, implicit TLS and plain connections, 4xx retried and 5xx failed, the pool made again
// when the login changes, the config and secrets texts, and D29 failover into and out of it through the outbox.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { loadSettings } from '../../src/config/settings.js';
import { DeliveryError, type OutgoingEmail, type ProviderContext } from '../../src/notifications/providers/messaging-provider.js';
import { SmtpProvider } from '../../src/notifications/providers/smtp/smtp.provider.js';
import { NotificationsService } from '../../src/notifications/notifications.service.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { startSmtpFake, startSmtpFakeControls, type SmtpFake } from '../fakes/smtp-fake.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { TestApp, bearer, createTestApp, graphql } from '../support/test-app.js';

const USER = 'herald-relay-user';
const PASSWORD = 'smtp-relay-password-0123456789';
const FROM = 'privacy@example.com';
const TO = 'alice.recipient@example.org';

const email: OutgoingEmail = {
  channel: 'email',
  messageId: '3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
  idempotencyKey: 'idem-3f1c2a9e-1',
  to: TO,
  subject: 'Your privacy request – é',
  html: '<p>Your code is <b>123456</b></p>',
  text: 'Your code is 123456',
};

let dir: string;
let caFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-smtp-'));
  caFile = join(dir, 'ca.pem');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  expect(error.reason).not.toContain(PASSWORD);
  expect(error.reason).not.toContain(TO);
  return error;
}

describe('SMTP through nodemailer', () => {
  let smtp: SmtpFake;
  let tls: SmtpFake;
  let provider: SmtpProvider;
  const context = (overrides: Record<string, unknown> = {}, secrets: Record<string, unknown> = {}, port = smtp.port): ProviderContext => ({
    details: { host: '127.0.0.1', port, security: 'starttls', email_from: FROM, ...overrides } as never,
    secrets: { smtp_username: USER, smtp_password: PASSWORD, ...secrets },
  });

  beforeAll(async () => {
    smtp = await startSmtpFake({ username: USER, password: PASSWORD });
    tls = await startSmtpFake({ secure: true });
    writeFileSync(caFile, `${smtp.cert}${tls.cert}`);
    provider = new SmtpProvider(loadSettings({ HERALD_SMTP_CA_FILE: caFile, HERALD_PROVIDER_TIMEOUT_MS: '2000' }));
  });
  afterEach(() => smtp.reset());
  afterAll(async () => {
    provider.onApplicationShutdown();
    await Promise.all([smtp.close(), tls.close()]);
  });

  it('sends over STARTTLS with the login: envelope, headers, text and HTML parts as given', async () => {
    const receipt = await provider.send(email, context());
    const [message] = await smtp.waitForMessages(1);
    expect(message).toMatchObject({ from: FROM, to: [TO], user: USER, secure: true, code: 250 });
    expect(message.headers).toMatchObject({ from: FROM, to: TO, 'x-idempotency-key': 'idem-3f1c2a9e-1', 'x-herald-message-id': email.messageId });
    expect(message.subject).toBe('Your privacy request – é');
    expect(message.text).toBe('Your code is 123456');
    expect(message.html).toBe('<p>Your code is <b>123456</b></p>');
    expect(receipt.providerMessageId).toBe(message.headers['message-id']);
  });

  it('speaks TLS from the start with `tls`, and never upgrades with `none`', async () => {
    await provider.send(email, context({ security: 'tls' }, {}, tls.port));
    expect((await tls.waitForMessages(1))[0]).toMatchObject({ secure: true, to: [TO] });
    await provider.send(email, context({ security: 'none' }));
    expect((await smtp.waitForMessages(1))[0]).toMatchObject({ secure: false, to: [TO] });
  });

  it('refuses a server whose certificate it cannot check, for good', async () => {
    const untrusting = new SmtpProvider(loadSettings({ HERALD_PROVIDER_TIMEOUT_MS: '2000' }));
    try {
      const error = await failure(untrusting.send(email, context()));
      expect(error).toMatchObject({ retryable: false });
      expect(error.reason).toMatch(/^SMTP: .*certificate/i);
      expect(smtp.attempts).toHaveLength(0);
    } finally {
      untrusting.onApplicationShutdown();
    }
  });

  it.each([421, 450, 451])('a %i reply is retryable', async (code) => {
    smtp.failNext(1, code);
    const error = await failure(provider.send(email, context()));
    expect(error).toMatchObject({ retryable: true, status: code });
    expect(error.reason).toMatch(new RegExp(`^SMTP server replied ${code} `));
    // The pool goes on: the next message is taken.
    await provider.send(email, context());
    expect(smtp.messages).toHaveLength(1);
  });

  it('a 550 reply is permanent, with the server’s words', async () => {
    smtp.failNext(1, 550, `5.1.1 <${TO}>: Recipient address rejected: User unknown`);
    const error = await failure(provider.send(email, context()));
    expect(error).toMatchObject({
      retryable: false,
      status: 550,
      reason: 'SMTP server replied 550 5.1.1 <[recipient]>: Recipient address rejected: User unknown',
    });
  });

  it('the fake takes its faults over HTTP too (for `npm run fakes`)', async () => {
    const controls = await startSmtpFakeControls(smtp);
    try {
      expect((await fetch(`${controls.url}/__fake/fail?count=1&code=421`, { method: 'POST' })).status).toBe(200);
      expect((await fetch(`${controls.url}/__fake/fail?code=250`, { method: 'POST' })).status).toBe(400);
      expect(await failure(provider.send(email, context()))).toMatchObject({ retryable: true, status: 421 });
      expect(await (await fetch(`${controls.url}/__fake/messages`)).json()).toEqual([
        { from: FROM, to: [TO], subject: email.subject, code: 421, secure: true },
      ]);
    } finally {
      await controls.close();
    }
  });

  it('a wrong login (535) is permanent; the pool is made again when the secrets change', async () => {
    const error = await failure(provider.send(email, context({}, { smtp_password: 'wrong-password-123' })));
    expect(error).toMatchObject({ retryable: false, status: 535 });
    await provider.send(email, context());
    expect((await smtp.waitForMessages(1))[0]).toMatchObject({ user: USER });
  });

  it('connection refused is retryable; no answer within the timeout is retryable and marked timed out', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    expect(await failure(provider.send(email, context({}, {}, closed)))).toMatchObject({ retryable: true, timedOut: false });
    smtp.setDelay(1_500);
    expect(await failure(provider.send(email, { ...context(), timeoutMs: 300 }))).toMatchObject({ retryable: true, timedOut: true });
  });

  it('refuses a config without details or login before connecting', async () => {
    expect(await failure(provider.send(email, { ...context(), details: null }))).toMatchObject({ retryable: false });
    expect(await failure(provider.send(email, context({}, { smtp_password: '' })))).toMatchObject({ retryable: false });
    expect(smtp.attempts).toHaveLength(0);
  });
});

describe('SMTP configs and sending through the outbox', () => {
  let smtp: SmtpFake;
  let fakes: ProviderFakes;
  let t: TestApp;
  let root: Record<string, string>;
  let seq = 0;

  beforeAll(async () => {
    smtp = await startSmtpFake({ username: USER, password: PASSWORD });
    writeFileSync(caFile, smtp.cert);
    fakes = await startProviderFakes();
    t = await createTestApp({
      ...fakes.env,
      HERALD_SMTP_CA_FILE: caFile,
      HERALD_DELIVERY_RETRY_DELAY_SECONDS: '1',
      HERALD_DELIVERY_RETRY_DELAY_MAX_SECONDS: '1',
    });
    root = bearer(await t.rootToken());
  });
  afterEach(() => {
    smtp.reset();
    fakes.reset();
  });
  afterAll(async () => {
    await t.close();
    await fakes.close();
    await smtp.close();
  });

  const settled = (id: string) =>
    waitFor('the message to end', async () => {
      const { rows } = await t.db.query('SELECT status, service_type, attempts, failure_reason FROM message WHERE id = $1', [id]);
      return rows[0] && (rows[0].status === 'sent' || rows[0].status === 'failed') ? rows[0] : undefined;
    });
  const attemptsOf = async (id: string) =>
    (await t.db.query('SELECT outcome, service_type, status_code FROM message_attempt WHERE message_id = $1 ORDER BY number', [id])).rows.map((r) => [
      r.outcome,
      r.service_type,
      r.status_code,
    ]);
  const notify = async () =>
    (
      await t.app.get(NotificationsService).notify({
        actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY,
        recipient: { email: TO },
        params: { rejection_reason: `case ${++seq}` },
        idempotencyKey: `smtp-${seq}`,
        serviceType: 'notification',
      })
    ).messageId;
  const testMessage = () => t.http().post('/api/v1/messaging/config/test').set(root).send({ service_type: 'smtp', email: TO });

  it('refuses missing or bad details with 422 and creates nothing', async () => {
    const missing = await t.http().post('/api/v1/messaging/config').set(root).send({ key: 'relay', name: 'Relay', service_type: 'smtp' });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([expect.objectContaining({ loc: ['body', '__root__'], msg: 'SMTP messaging config must include details' })]);
    const bad = await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'relay', name: 'Relay', service_type: 'smtp', details: { host: 'smtp example', port: 70000, security: 'ssl', email_from: FROM } });
    expect(bad.status).toBe(422);
    expect(bad.body.detail.map((d: { loc: string[] }) => d.loc)).toEqual(
      expect.arrayContaining([
        ['body', 'details', 'host'],
        ['body', 'details', 'port'],
        ['body', 'details', 'security'],
      ]),
    );
    expect((await t.db.query('SELECT 1 FROM messaging_config')).rowCount).toBe(0);
  });

  it('creates a config with the port and security filled, and refuses bad secrets with Fides’ 400 texts', async () => {
    const created = await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'relay', name: 'Relay', service_type: 'SMTP', details: { host: '127.0.0.1', port: smtp.port, email_from: FROM } });
    expect(created.status).toBe(200);
    expect(created.body.details).toEqual({ host: '127.0.0.1', port: smtp.port, security: 'starttls', email_from: FROM });
    const defaults = await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'other', name: 'Other', service_type: 'smtp', details: { host: 'smtp.example.com', security: 'tls', email_from: FROM } });
    // One config per service type (Fides' unique service_type).
    expect(defaults.status).toBe(409);

    const missing = await t.http().put('/api/v1/messaging/config/relay/secret').set(root).send({ smtp_username: USER });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ detail: ["field required ('smtp_password',)"] });
    const ok = await t.http().put('/api/v1/messaging/config/relay/secret').set(root).send({ smtp_username: USER, smtp_password: PASSWORD });
    expect(ok.status).toBe(200);
  });

  it('sends a test message over STARTTLS', async () => {
    const res = await testMessage();
    expect(res.body).toMatchObject({ msg: 'Test message sent.', status: 'sent', failure_reason: null });
    const [message] = await smtp.waitForMessages(1);
    expect(message).toMatchObject({ from: FROM, to: [TO], user: USER, secure: true, subject: 'Test message from Herald' });
    expect(message.html).toContain('This is a test message from Herald.');
    expect(message.text).toContain('This is a test message from Herald.');
    expect(await settled(res.body.message_id)).toMatchObject({ status: 'sent', service_type: 'SMTP', attempts: 1 });
  });

  it('a 450 is retried and then sent; a 550 fails at once', async () => {
    smtp.failNext(1, 450);
    const retried = await testMessage();
    expect(retried.body).toMatchObject({ status: 'queued' });
    expect(await settled(retried.body.message_id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await attemptsOf(retried.body.message_id)).toEqual([
      ['retry', 'SMTP', 450],
      ['sent', 'SMTP', null],
    ]);
    expect(smtp.messages).toHaveLength(1);

    smtp.failNext(1, 550);
    const failed = await testMessage();
    expect(failed.body).toMatchObject({ status: 'failed', failure_reason: 'SMTP server replied 550 Mailbox unavailable' });
    expect(await settled(failed.body.message_id)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('GraphQL shows its details and takes its secrets', async () => {
    const token = await t.rootToken();
    const res = await graphql(
      t,
      `mutation { setMessagingConfigSecrets(key: "relay", input: { smtp: { username: "${USER}", password: "${PASSWORD}" } }) {
        serviceType details { ... on SmtpDetails { host port security emailFrom } } } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.setMessagingConfigSecrets).toEqual({
      serviceType: 'SMTP',
      details: { host: '127.0.0.1', port: smtp.port, security: 'starttls', emailFrom: FROM },
    });
    const bad = await graphql(
      t,
      `mutation { updateMessagingConfig(key: "relay", input: { name: "Relay", serviceType: SMTP, smtp: { host: "127.0.0.1", security: "ssl", emailFrom: "${FROM}" } }) { key } }`,
      {},
      token,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify(res)).not.toContain(PASSWORD);
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

    it('into it: a failing Mailgun hands the next attempt to SMTP', async () => {
      await t
        .http()
        .patch('/api/v1/config')
        .set(root)
        .send({ notifications: { notification_service_type: 'mailgun', email_fallback_service_types: ['smtp'] } })
        .expect(200);
      fakes.mailgun.failNext(1, 503);
      const id = await notify();
      expect(await settled(id)).toMatchObject({ status: 'sent', service_type: 'SMTP', attempts: 2 });
      expect((await attemptsOf(id)).map(([outcome, type]) => [outcome, type])).toEqual([
        ['retry', 'MAILGUN'],
        ['sent', 'SMTP'],
      ]);
      expect((await smtp.waitForMessages(1))[0].to).toEqual([TO]);
    });

    it('out of it: an SMTP 421 hands the next attempt to Mailgun', async () => {
      await t
        .http()
        .patch('/api/v1/config')
        .set(root)
        .send({ notifications: { notification_service_type: 'smtp', email_fallback_service_types: ['mailgun'] } })
        .expect(200);
      smtp.failNext(1, 421);
      const id = await notify();
      expect(await settled(id)).toMatchObject({ status: 'sent', service_type: 'MAILGUN', attempts: 2 });
      expect(await attemptsOf(id)).toEqual([
        ['retry', 'SMTP', 421],
        ['sent', 'MAILGUN', null],
      ]);
      expect(fakes.mailgun.lastRequest()?.fields).toMatchObject({ to: TO });
    });

    it('D9: without an email notification type, an erasure email goes to SMTP before Mailgun', async () => {
      await t
        .http()
        .patch('/api/v1/config')
        .set(root)
        .send({ notifications: { notification_service_type: 'twilio_text', email_fallback_service_types: [] } })
        .expect(200);
      const { messageId } = await t.app.get(NotificationsService).notify({
        actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY,
        recipient: { email: TO },
        params: { rejection_reason: 'D9' },
        idempotencyKey: `smtp-d9-${++seq}`,
        serviceType: 'email',
      });
      expect(await settled(messageId)).toMatchObject({ status: 'sent', service_type: 'SMTP', attempts: 1 });
      expect(fakes.mailgun.requests).toHaveLength(0);
    });
  });
});
