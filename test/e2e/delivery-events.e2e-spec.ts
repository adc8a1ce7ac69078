import { randomUUID } from 'node:crypto';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import {
  mailgunEvent,
  postEvent,
  sendgridEvents,
  sendgridKeyPair,
  sendgridSignature,
  twilioStatusCallback,
  type WebhookCall,
} from '../fakes/provider-events.mjs';
import type { ProviderFake, ProviderFakes } from '../fakes/provider-fakes.mjs';
import { postmanEmailDataset } from '../support/datasets.js';
import { deliveryEventWorld } from '../support/delivery-events.js';
import { waitFor } from '../support/privacy-request-world.js';
import { TestApp, bearer, captureLogs, createTestApp, graphql } from '../support/test-app.js';
import { startWebhookFakes } from '../support/webhook-fakes.js';

const SIGNING_KEY = 'mailgun-webhook-signing-key-4f1e9c';
const SENDGRID_KEYS = sendgridKeyPair();
const TWILIO = { sid: 'AC0000aaaa1111bbbb2222cccc3333dddd', token: 'twilio-events-token-9a8b7c', service: 'MG0000aaaa1111bbbb2222cccc3333dddd' };
const WEBHOOK = {
  mailgun: '/api/v1/messaging/webhooks/mailgun',
  twilio_text: '/api/v1/messaging/webhooks/twilio_text',
  twilio_email: '/api/v1/messaging/webhooks/twilio_email',
};

type ServiceType = 'MAILGUN' | 'TWILIO_EMAIL' | 'TWILIO_TEXT';

describe('delivery events (decisions D26, D27)', () => {
  let fakes: ProviderFakes;
  let t: TestApp;
  let base: string;
  let root: Record<string, string>;
  const logs = captureLogs();

  beforeAll(async () => {
    const webhooks = await startWebhookFakes({ mailgun: { webhookSigningKey: SIGNING_KEY }, sendgrid: { webhookKeyPair: SENDGRID_KEYS } });
    ({ fakes, base } = webhooks);
    t = await createTestApp({ ...webhooks.env, LOG_LEVEL: 'info', HERALD_ORGANIZATION_NAME: 'Events Org' }, logs);
    await t.app.listen({ port: webhooks.port, host: '127.0.0.1' });
    root = bearer(await t.rootToken());
    const configs = [
      {
        config: { key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' } },
        secrets: { mailgun_api_key: 'key-events-1', mailgun_webhook_signing_key: SIGNING_KEY },
      },
      {
        config: { key: 'sendgrid', name: 'SendGrid', service_type: 'twilio_email', details: { twilio_email_from: 'privacy@example.com' } },
        secrets: { twilio_api_key: 'SG.events-1', twilio_email_webhook_public_key: fakes.sendgrid.webhookKey().public_key },
      },
      {
        config: { key: 'twilio', name: 'Twilio', service_type: 'twilio_text' },
        secrets: { twilio_account_sid: TWILIO.sid, twilio_auth_token: TWILIO.token, twilio_messaging_service_sid: TWILIO.service },
      },
    ];
    for (const { config, secrets } of configs) {
      await t.http().post('/api/v1/messaging/config').set(root).send(config).expect(200);
      await t.http().put(`/api/v1/messaging/config/${config.key}/secret`).set(root).send(secrets).expect(200);
    }
  });
  afterAll(async () => {
    await t.close();
    await fakes.close();
  });
  beforeEach(() => fakes.reset());

  const fakeOf = (type: ServiceType): ProviderFake => ({ MAILGUN: fakes.mailgun, TWILIO_EMAIL: fakes.sendgrid, TWILIO_TEXT: fakes.twilio })[type];

  const world = deliveryEventWorld(
    () => t,
    () => root,
  );
  const { row, message, tables } = world;
  /** One message through the service type to a recipient of its own (a bounce suppresses it); its id once sent. */
  function sendVia(serviceType: ServiceType, actionType = MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE): Promise<string> {
    const n = world.unique();
    const recipient = serviceType === 'TWILIO_TEXT' ? { phone_number: `+1555200${String(n).padStart(4, '0')}` } : { email: `subject.${n}@example.org` };
    return world.send(serviceType, recipient, { actionType, settled: 'sent' });
  }

  const eventRows = async (id: string) =>
    (await t.db.query('SELECT type, service_type, reason, provider_event_id FROM message_event WHERE message_id = $1 ORDER BY occurred_at, received_at', [id]))
      .rows;

  describe.each([
    ['mailgun', 'MAILGUN', 'bounced'],
    ['twilio_email', 'TWILIO_EMAIL', 'bounced'],
    ['twilio_text', 'TWILIO_TEXT', 'undelivered'],
  ] as const)('%s', (name, serviceType, bouncedStatus) => {
    it('a delivered, then a bounced event move the delivery status and make the timeline; the bounce suppresses the recipient', async () => {
      const id = await sendVia(serviceType);
      expect((await message(id)).delivery_status).toBe('unknown');
      const fake = fakeOf(serviceType);

      expect(await fake.emitEvent({ type: 'delivered', messageId: id })).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
      const delivered = await message(id);
      expect(delivered.delivery_status).toBe('delivered');
      expect(delivered.events).toEqual([
        { type: 'delivered', service_type: serviceType, occurred_at: expect.any(String), received_at: expect.any(String), reason: null },
      ]);

      expect(await fake.emitEvent({ type: 'bounced', messageId: id })).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
      const bounced = await message(id);
      expect(bounced.delivery_status).toBe(bouncedStatus);
      expect(bounced.events.map((e: { type: string }) => e.type)).toEqual(['delivered', bouncedStatus]);
      const reason = bounced.events[1].reason as string;
      expect(reason).toEqual(expect.any(String));
      // The provider's words never carry the recipient (Mailgun's fake echoes it, as Mailgun does).
      expect(reason).not.toMatch(/subject\.\d+@example\.org|\+1555200/);
      expect((await t.db.query('SELECT cause, channel FROM suppression WHERE message_id = $1', [id])).rows).toEqual([
        { cause: 'bounce', channel: serviceType === 'TWILIO_TEXT' ? 'sms' : 'email' },
      ]);
      // A later event lower on the ladder joins the timeline and leaves the status.
      await fake.emitEvent({ type: 'delivered', messageId: id });
      expect((await row(id)).delivery_status).toBe(bouncedStatus);
      if (name === 'twilio_text') {
        // Herald asked Twilio to call back, naming the message.
        expect(fake.requests[0].fields.StatusCallback).toBe(`${base}${WEBHOOK.twilio_text}?message_id=${id}`);
      }
    });
  });

  it('keeps the highest status on the ladder whatever the order: deferred after delivered changes nothing, a complaint tops it', async () => {
    const id = await sendVia('MAILGUN');
    await fakes.mailgun.emitEvent({ type: 'delivered', messageId: id });
    await fakes.mailgun.emitEvent({ type: 'deferred', messageId: id });
    expect((await row(id)).delivery_status).toBe('delivered');
    await fakes.mailgun.emitEvent({ type: 'complained', messageId: id });
    expect((await row(id)).delivery_status).toBe('complained');
    expect((await eventRows(id)).map((e) => e.type)).toEqual(['delivered', 'deferred', 'complained']);
    expect((await t.db.query('SELECT cause FROM suppression WHERE message_id = $1', [id])).rows).toEqual([{ cause: 'complaint' }]);
  });

  describe('refused calls (401, nothing recorded)', () => {
    async function refused(call: WebhookCall): Promise<void> {
      const before = await tables();
      const res = await postEvent(call, base);
      expect(res).toEqual({ status: 401, body: { detail: expect.any(String) } });
      expect(await tables()).toEqual(before);
    }
    const withoutHeader = (call: WebhookCall, name: string): WebhookCall => ({
      ...call,
      headers: Object.fromEntries(Object.entries(call.headers).filter(([k]) => k !== name)),
    });
    const stale = Math.floor(Date.now() / 1000) - 301;

    it('Mailgun: a wrong signature, a stale timestamp, a missing signature', async () => {
      const id = await sendVia('MAILGUN');
      await refused(mailgunEvent({ type: 'bounced', messageId: id, signingKey: 'not-the-key' }));
      await refused(mailgunEvent({ type: 'bounced', messageId: id, signingKey: SIGNING_KEY, timestamp: stale }));
      const unsigned = mailgunEvent({ type: 'bounced', messageId: id, signingKey: SIGNING_KEY });
      const { signature: _signature, ...rest } = JSON.parse(unsigned.body) as Record<string, unknown>;
      await refused({ ...unsigned, body: JSON.stringify(rest) });
      expect((await row(id)).delivery_status).toBe('unknown');
    });

    it('SendGrid: another key, a stale timestamp, a missing header, a body changed after signing', async () => {
      const id = await sendVia('TWILIO_EMAIL');
      await refused(sendgridEvents({ events: [{ type: 'bounced', messageId: id }], privateKey: sendgridKeyPair().privateKey }));
      await refused(sendgridEvents({ events: [{ type: 'bounced', messageId: id }], privateKey: SENDGRID_KEYS.privateKey, timestamp: stale }));
      const good = sendgridEvents({ events: [{ type: 'bounced', messageId: id }], privateKey: SENDGRID_KEYS.privateKey });
      await refused(withoutHeader(good, 'x-twilio-email-event-webhook-signature'));
      await refused(withoutHeader(good, 'x-twilio-email-event-webhook-timestamp'));
      await refused({ ...good, body: good.body.replace('"bounce"', '"delivered"') });
      await refused({ ...good, headers: { ...good.headers, 'x-twilio-email-event-webhook-signature': 'not base64 DER' } });
      expect((await row(id)).delivery_status).toBe('unknown');
    });

    it('Twilio: another auth token, a missing header, a parameter or a URL changed after signing', async () => {
      const id = await sendVia('TWILIO_TEXT');
      const sid = fakes.twilio.accepted[0].providerMessageId;
      const url = `${base}${WEBHOOK.twilio_text}?message_id=${id}`;
      await refused(twilioStatusCallback({ url, type: 'bounced', messageSid: sid, authToken: 'not-the-token' }));
      const good = twilioStatusCallback({ url, type: 'bounced', messageSid: sid, authToken: TWILIO.token });
      await refused(withoutHeader(good, 'x-twilio-signature'));
      await refused({ ...good, body: good.body.replace('MessageStatus=undelivered', 'MessageStatus=delivered') });
      await refused({ ...good, url: `${base}${WEBHOOK.twilio_text}?message_id=${randomUUID()}` });
      // A JSON body is not what Twilio signs.
      await refused({ ...good, headers: { ...good.headers, 'content-type': 'application/json' }, body: '{}' });
      expect((await row(id)).delivery_status).toBe('unknown');
    });

    it('a type whose config has no webhook secret', async () => {
      await t.http().put('/api/v1/messaging/config/mailgun/secret').set(root).send({ mailgun_api_key: 'key-events-1' }).expect(200);
      try {
        const res = await postEvent(mailgunEvent({ type: 'delivered', messageId: randomUUID(), signingKey: SIGNING_KEY }), base);
        expect(res).toEqual({ status: 401, body: { detail: 'No mailgun_webhook_signing_key is configured for MAILGUN' } });
      } finally {
        await t
          .http()
          .put('/api/v1/messaging/config/mailgun/secret')
          .set(root)
          .send({ mailgun_api_key: 'key-events-1', mailgun_webhook_signing_key: SIGNING_KEY });
      }
    });
  });

  it('takes the webhook secrets over GraphQL too', async () => {
    const token = await t.rootToken();
    const event = () => postEvent(mailgunEvent({ type: 'delivered', messageId: randomUUID(), signingKey: SIGNING_KEY }), base);
    const set = (input: object) =>
      graphql(t, 'mutation ($input: MessagingSecretsInput!) { setMessagingConfigSecrets(key: "mailgun", input: $input) { key hasSecrets } }', { input }, token);
    try {
      expect((await set({ mailgun: { apiKey: 'key-events-1' } })).errors).toBeUndefined();
      expect((await event()).status).toBe(401);
      expect((await set({ mailgun: { apiKey: 'key-events-1', webhookSigningKey: SIGNING_KEY } })).errors).toBeUndefined();
      expect(await event()).toEqual({ status: 200, body: { received: 1, recorded: 0 } });
      const bad = await graphql(
        t,
        'mutation { setMessagingConfigSecrets(key: "sendgrid", input: { twilioEmail: { apiKey: "SG.x", webhookPublicKey: "not a key" } }) { key } }',
        {},
        token,
      );
      expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await t
        .http()
        .put('/api/v1/messaging/config/mailgun/secret')
        .set(root)
        .send({ mailgun_api_key: 'key-events-1', mailgun_webhook_signing_key: SIGNING_KEY });
    }
  });

  describe('the same event twice is one timeline entry', () => {
    it('Mailgun: the same call again, and the same event under a new token', async () => {
      const id = await sendVia('MAILGUN');
      const call = mailgunEvent({ type: 'delivered', messageId: id, signingKey: SIGNING_KEY, eventId: 'evt-twice-1' });
      expect(await postEvent(call, base)).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
      expect(await postEvent(call, base)).toEqual({ status: 200, body: { received: 1, recorded: 0 } });
      const retried = mailgunEvent({ type: 'delivered', messageId: id, signingKey: SIGNING_KEY, eventId: 'evt-twice-1' });
      expect(await postEvent(retried, base)).toEqual({ status: 200, body: { received: 1, recorded: 0 } });
      expect(await eventRows(id)).toHaveLength(1);
    });

    it('concurrent calls (written together) record each event once, whichever call carried it', async () => {
      const ids = [await sendVia('MAILGUN'), await sendVia('MAILGUN')];
      const calls = Array.from({ length: 12 }, (_, i) =>
        mailgunEvent({ type: i % 3 === 0 ? 'bounced' : 'delivered', messageId: ids[i % 2], signingKey: SIGNING_KEY, eventId: `evt-concurrent-${i}` }),
      );
      // Each call twice, all at once.
      const answers = await Promise.all([...calls, ...calls].map((call) => postEvent(call, base)));
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect(answers.reduce((sum, answer) => sum + (answer.body as { recorded: number }).recorded, 0)).toBe(12);
      expect((await eventRows(ids[0])).length + (await eventRows(ids[1])).length).toBe(12);
      expect([(await row(ids[0])).delivery_status, (await row(ids[1])).delivery_status]).toEqual(['bounced', 'bounced']);
    });

    it('SendGrid: the same batch again, and the same event in a new batch', async () => {
      const id = await sendVia('TWILIO_EMAIL');
      const events = [{ type: 'deferred' as const, messageId: id, eventId: 'sg-twice-1' }];
      const call = sendgridEvents({ events, privateKey: SENDGRID_KEYS.privateKey });
      expect((await postEvent(call, base)).body).toEqual({ received: 1, recorded: 1 });
      expect((await postEvent(call, base)).body).toEqual({ received: 1, recorded: 0 });
      expect((await postEvent(sendgridEvents({ events: [...events, ...events], privateKey: SENDGRID_KEYS.privateKey }), base)).body).toEqual({
        received: 2,
        recorded: 0,
      });
      expect(await eventRows(id)).toHaveLength(1);
      expect((await row(id)).delivery_status).toBe('deferred');
    });

    it('Twilio: the same callback again', async () => {
      const id = await sendVia('TWILIO_TEXT');
      const call = twilioStatusCallback({
        url: `${base}${WEBHOOK.twilio_text}?message_id=${id}`,
        type: 'delivered',
        messageSid: fakes.twilio.accepted[0].providerMessageId,
        authToken: TWILIO.token,
      });
      expect((await postEvent(call, base)).body).toEqual({ received: 1, recorded: 1 });
      expect((await postEvent(call, base)).body).toEqual({ received: 1, recorded: 0 });
      expect(await eventRows(id)).toHaveLength(1);
    });
  });

  it('answers 200 to an event for an unknown message and ignores it, logging ids but no recipient', async () => {
    const before = await tables();
    const stranger = randomUUID();
    const mailgun = mailgunEvent({ type: 'bounced', messageId: stranger, recipient: 'stranger@elsewhere.example', signingKey: SIGNING_KEY });
    expect(await postEvent(mailgun, base)).toEqual({ status: 200, body: { received: 1, recorded: 0 } });
    const sendgrid = sendgridEvents({
      events: [{ type: 'bounced', messageId: 'not-a-uuid', recipient: 'stranger@elsewhere.example' }],
      privateKey: SENDGRID_KEYS.privateKey,
    });
    expect(await postEvent(sendgrid, base)).toEqual({ status: 200, body: { received: 1, recorded: 0 } });
    const after = await tables();
    expect({ ...after, replays: before.replays }).toEqual(before);
    const lines = logs.lines.filter((line) => line.includes('delivery event for an unknown message ignored'));
    expect(lines.some((line) => line.includes(stranger))).toBe(true);
    expect(logs.text()).not.toContain('stranger@elsewhere.example');
  });

  it('reads a SendGrid batch: each event on its message, opens and clicks left out; over 5000 events is 413', async () => {
    const [a, b] = [await sendVia('TWILIO_EMAIL'), await sendVia('TWILIO_EMAIL')];
    const call = sendgridEvents({
      events: [
        { type: 'delivered', messageId: a },
        { type: 'deferred', messageId: b },
        { type: 'bounced', messageId: b },
      ],
      privateKey: SENDGRID_KEYS.privateKey,
    });
    const list = JSON.parse(call.body) as object[];
    const body = JSON.stringify([...list, { event: 'open', email: 'x@example.org', herald_message_id: a, sg_event_id: 'open-1', timestamp: 1 }]);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signed = (text: string): WebhookCall => ({
      path: WEBHOOK.twilio_email,
      headers: {
        'content-type': 'application/json',
        'x-twilio-email-event-webhook-timestamp': timestamp,
        'x-twilio-email-event-webhook-signature': sendgridSignature(SENDGRID_KEYS.privateKey, timestamp, text),
      },
      body: text,
    });
    expect(await postEvent(signed(body), base)).toEqual({ status: 200, body: { received: 3, recorded: 3 } });
    expect((await row(a)).delivery_status).toBe('delivered');
    expect((await row(b)).delivery_status).toBe('bounced');
    const tooMany = JSON.stringify(Array.from({ length: 5001 }, (_, i) => ({ event: 'delivered', sg_event_id: `many-${i}`, herald_message_id: a })));
    const before = await tables();
    expect(await postEvent(signed(tooMany), base)).toEqual({ status: 413, body: { detail: 'At most 5000 events per call' } });
    expect(await tables()).toEqual(before);
  });

  it('lists and filters by delivery status over REST and GraphQL, with the timeline on one message', async () => {
    const id = await sendVia('MAILGUN');
    await fakes.mailgun.emitEvent({ type: 'delivered', messageId: id });
    await fakes.mailgun.emitEvent({ type: 'bounced', messageId: id });
    const list = await t.http().get('/api/v1/messaging/messages').query({ delivery_status: 'bounced', size: 100 }).set(root).expect(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(id);
    expect(list.body.items.every((m: { delivery_status: string }) => m.delivery_status === 'bounced')).toBe(true);
    const refused = await t.http().get('/api/v1/messaging/messages').query({ delivery_status: 'lost' }).set(root);
    expect(refused.status).toBe(422);
    expect(refused.body.detail[0].loc).toEqual(['query', 'delivery_status']);

    const token = await t.rootToken();
    const one = await graphql(
      t,
      'query ($id: ID!) { message(id: $id) { deliveryStatus events { type serviceType reason occurredAt receivedAt } } }',
      { id },
      token,
    );
    expect(one.errors).toBeUndefined();
    expect(one.data!.message).toEqual({
      deliveryStatus: 'bounced',
      events: [
        { type: 'delivered', serviceType: 'MAILGUN', reason: null, occurredAt: expect.any(String), receivedAt: expect.any(String) },
        {
          type: 'bounced',
          serviceType: 'MAILGUN',
          reason: expect.stringContaining('[recipient]'),
          occurredAt: expect.any(String),
          receivedAt: expect.any(String),
        },
      ],
    });
    const page = await graphql(t, '{ messages(deliveryStatus: "bounced", size: 100) { items { id deliveryStatus } } }', {}, token);
    expect((page.data!.messages as { items: { id: string; deliveryStatus: string }[] }).items).toContainEqual({ id, deliveryStatus: 'bounced' });
    const bad = await graphql(t, '{ messages(deliveryStatus: "lost") { total } }', {}, token);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the fakes post an event after every accepted message when asked to', async () => {
    fakes.mailgun.setAutoEvent('delivered');
    const id = await sendVia('MAILGUN');
    await waitFor('the automatic event', async () => fakes.mailgun.emitted.length > 0);
    expect((await row(id)).delivery_status).toBe('delivered');
    expect(fakes.mailgun.emitted).toEqual([{ type: 'delivered', messageId: id, status: 200, body: { received: 1, recorded: 1 } }]);
  });

  it('validates the new secrets, answers 404 for another service type', async () => {
    const res = await t
      .http()
      .put('/api/v1/messaging/config/sendgrid/secret')
      .set(root)
      .send({ twilio_api_key: 'SG.x', twilio_email_webhook_public_key: 'bm90IGEga2V5' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toEqual([expect.stringContaining("('twilio_email_webhook_public_key',)")]);
    await t
      .http()
      .put('/api/v1/messaging/config/sendgrid/secret')
      .set(root)
      .send({ twilio_api_key: 'SG.events-1', twilio_email_webhook_public_key: SENDGRID_KEYS.publicKeyPem })
      .expect(200);
    expect((await t.http().post('/api/v1/messaging/webhooks/postmark').send({})).status).toBe(404);
  });

  describe('privacy requests', () => {
    const THIRD_PARTY = 'erasure@vendor-events.example';
    const WEEKLY_VENDOR = 'weekly@vendor-events.example';

    it('writes a bounced erasure email to the execution log; a bounced completion notice puts nothing in error', async () => {
      await t
        .http()
        .patch('/api/v1/config')
        .set(root)
        .send({ notifications: { notification_service_type: 'mailgun', send_request_completion_notification: true } })
        .expect(200);
      await t
        .http()
        .patch('/api/v1/connection')
        .set(root)
        .send([{ name: 'daycare', key: 'daycare', connection_type: 'email', access: 'write' }])
        .expect(200);
      await t.http().put('/api/v1/connection/daycare/secret?verify=false').set(root).send({ to_email: THIRD_PARTY }).expect(200);
      await t.http().patch('/api/v1/connection/daycare/dataset').set(root).send([postmanEmailDataset()]).expect(200);
      const created = await t
        .http()
        .post('/api/v1/privacy-request')
        .send([{ identity: { email: 'events.requester@example.org' }, policy_key: 'default_erasure_policy' }])
        .expect(200);
      const requestId = created.body.succeeded[0].id as string;
      const status = async () => (await t.db.query('SELECT status FROM privacy_request WHERE id = $1', [requestId])).rows[0].status as string;
      await waitFor('the request to complete', async () => (await status()) === 'complete');
      const messageOf = async (actionType: string) =>
        (await t.db.query('SELECT id FROM message WHERE privacy_request_id = $1 AND action_type = $2', [requestId, actionType])).rows[0].id as string;
      const erasure = await messageOf('message_erasure_fulfillment');
      const notice = await messageOf('privacy_request_complete_deletion');
      const logsOf = async () =>
        (await t.db.query('SELECT dataset_name, status, message FROM execution_log WHERE privacy_request_id = $1 ORDER BY created_at', [requestId])).rows;
      const before = await logsOf();

      expect((await fakes.mailgun.emitEvent({ type: 'bounced', messageId: erasure })).body).toEqual({ received: 1, recorded: 1 });
      const after = await logsOf();
      expect(after).toHaveLength(before.length + 1);
      expect(after.at(-1)).toEqual({
        dataset_name: 'email_dataset',
        status: 'error',
        message: expect.stringMatching(/^The erasure email for 'email_dataset' bounced: /),
      });
      expect(after.at(-1).message).not.toContain(THIRD_PARTY);

      expect((await fakes.mailgun.emitEvent({ type: 'bounced', messageId: notice })).body).toEqual({ received: 1, recorded: 1 });
      expect(await logsOf()).toEqual(after);
      expect(await status()).toBe('complete');
      expect((await row(notice)).delivery_status).toBe('bounced');
      // Visible on the request's own messages.
      const mine = await t.http().get('/api/v1/messaging/messages').query({ privacy_request_id: requestId }).set(root).expect(200);
      expect(mine.body.items.map((m: { delivery_status: string }) => m.delivery_status).sort()).toEqual(['bounced', 'bounced']);
    });

    it('writes a bounced batch erasure email (D34) to the execution log of every request it listed', async () => {
      await t
        .http()
        .patch('/api/v1/config')
        .set(root)
        .send({ notifications: { notification_service_type: 'mailgun' } })
        .expect(200);
      // The test above bounced (so suppressed) its vendor's address: this one has its own, and no per-request connector.
      await t.db.query('DELETE FROM connection');
      await t
        .http()
        .patch('/api/v1/connection')
        .set(root)
        .send([{ name: 'Weekly Vendor', key: 'weekly', connection_type: 'generic_erasure_email', access: 'write' }])
        .expect(200);
      await t
        .http()
        .put('/api/v1/connection/weekly/secret?verify=false')
        .set(root)
        .send({ third_party_vendor_name: 'Weekly Vendor', recipient_email_address: WEEKLY_VENDOR })
        .expect(200);
      const created = await t
        .http()
        .post('/api/v1/privacy-request/authenticated')
        .set(root)
        .send(['batch-one@example.org', 'batch-two@example.org'].map((email) => ({ identity: { email }, policy_key: 'default_erasure_policy' })))
        .expect(200);
      const ids = (created.body.succeeded as { id: string }[]).map((r) => r.id);
      const count = async (status: string) =>
        (await t.db.query('SELECT count(*)::int AS n FROM privacy_request WHERE id = ANY($1) AND status = $2', [ids, status])).rows[0].n as number;
      await waitFor('both requests to wait for the batch', async () => (await count('awaiting_email_send')) === 2);
      await t.http().post('/api/v1/privacy-request/administrate/process-awaiting-email-send').set(root).expect(200);
      await waitFor('both requests to complete', async () => (await count('complete')) === 2);
      const batch = (await t.db.query("SELECT id FROM message WHERE action_type = 'message_erasure_batch_fulfillment'")).rows[0].id as string;

      expect((await fakes.mailgun.emitEvent({ type: 'bounced', messageId: batch })).body).toEqual({ received: 1, recorded: 1 });
      const { rows } = await t.db.query(
        "SELECT privacy_request_id, dataset_name, message FROM execution_log WHERE privacy_request_id = ANY($1) AND status = 'error' ORDER BY privacy_request_id",
        [ids],
      );
      expect(rows).toEqual(
        [...ids].sort().map((id) => ({
          privacy_request_id: id,
          dataset_name: 'weekly',
          message: expect.stringMatching(/^The batch erasure email for 'Weekly Vendor' bounced: /),
        })),
      );
      for (const row of rows) expect(row.message).not.toContain(WEEKLY_VENDOR);
      expect(await count('complete')).toBe(2);
    });
  });
});

describe('delivery event webhooks are rate limited when refused (decision D18)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ HERALD_RATE_LIMITS: 'on', HERALD_RATE_LIMIT_WEBHOOK_FAILURES_PER_ADDRESS: '2' });
  });
  afterAll(() => t.close());

  it('counts refused calls per address; past the limit the answer is 429', async () => {
    const call = () =>
      t
        .http()
        .post(WEBHOOK.mailgun)
        .send({ signature: { timestamp: '1', token: 'x', signature: 'y' } });
    expect((await call()).status).toBe(401);
    expect((await call()).status).toBe(401);
    const limited = await call();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
  });
});
