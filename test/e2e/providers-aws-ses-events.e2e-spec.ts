// Amazon SES delivery events (decisions D26-D28) as SNS posts them to Herald's HTTPS subscription: the SES fake plays
// SNS too (an RSA signing certificate it serves, signed messages, ConfirmSubscription). Herald fetches certificates and
// confirms subscriptions only at AWS_SNS_ENDPOINT_URL (the fake); what is sent, stored and refused is checked.
import { generateKeyPairSync } from 'node:crypto';
import { startAwsSesFake, type AwsSesFake } from '../fakes/aws-ses-fake.mjs';
import { postEvent, sesEvent, snsMessage, type WebhookCall } from '../fakes/provider-events.mjs';
import { deliveryEventWorld } from '../support/delivery-events.js';
import { TestApp, bearer, captureLogs, createTestApp, graphql } from '../support/test-app.js';
import { freePort } from '../support/webhook-fakes.js';

const FROM = 'privacy@example.com';
const KEY_ID = 'AKIAHERALDSNSE2E0001';
const SECRET_KEY = 'herald-sns-e2e-secret-access-key-0000001';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:herald-ses-events';
const OTHER_TOPIC = 'arn:aws:sns:eu-west-1:210987654321:someone-elses-topic';

describe('AWS SES delivery events through SNS (D26-D28)', () => {
  let ses: AwsSesFake;
  let t: TestApp;
  let base: string;
  let root: Record<string, string>;
  const logs = captureLogs();

  /** The config's secrets, with `topics` as its aws_sns_topic_arn (none when null). */
  const putSecrets = (topics: string | null = ` ${OTHER_TOPIC}, ${TOPIC} `) =>
    t
      .http()
      .put('/api/v1/messaging/config/ses/secret')
      .set(root)
      .send({ auth_method: 'secret_keys', aws_access_key_id: KEY_ID, aws_secret_access_key: SECRET_KEY, ...(topics !== null && { aws_sns_topic_arn: topics }) })
      .expect(200);

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    ses = await startAwsSesFake({ snsTopicArn: TOPIC, webhookUrl: base });
    t = await createTestApp(
      { AWS_SES_ENDPOINT_URL: ses.url, AWS_STS_ENDPOINT_URL: ses.url, AWS_SNS_ENDPOINT_URL: ses.url, HERALD_PUBLIC_URL: base, LOG_LEVEL: 'info' },
      logs,
    );
    await t.app.listen({ port, host: '127.0.0.1' });
    root = bearer(await t.rootToken());
    await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'ses', name: 'SES', service_type: 'aws_ses', details: { aws_region: 'eu-west-1', email_from: FROM } })
      .expect(200);
    await putSecrets();
  });
  afterEach(() => ses.reset());
  afterAll(async () => {
    try {
      await t.close();
    } finally {
      await ses.close();
    }
  });

  const { unique, row, message, tables, sendEmail } = deliveryEventWorld(
    () => t,
    () => root,
  );
  /** One message to `to` (by default a recipient of its own) through SES; its id once sent or failed. */
  const send = (to?: string) => sendEmail('AWS_SES', to);
  /** A Notification carrying `event`, signed by the fake's SNS key unless told otherwise. */
  const notification = (event: object, overrides: Partial<Parameters<typeof snsMessage>[0]> = {}): WebhookCall =>
    snsMessage({ type: 'Notification', topicArn: TOPIC, message: event, certUrl: ses.sns.certUrl, privateKey: ses.sns.privateKey, ...overrides });
  const post = (call: WebhookCall) => postEvent(call, base);

  it('confirms a subscription to a configured topic at once, by fetching its SubscribeURL from SNS', async () => {
    const before = await tables();
    expect(await ses.sns.subscribe(base)).toEqual({ status: 200, body: { received: 0, recorded: 0 } });
    expect(ses.sns.confirmations).toEqual([{ topicArn: TOPIC, token: expect.any(String) }]);
    expect(ses.sns.certFetches()).toHaveLength(1);
    // A subscription of another topic, even one signed by SNS, is refused and confirmed nowhere.
    expect(await ses.sns.subscribe(base, { topicArn: 'arn:aws:sns:eu-west-1:123456789012:not-configured' })).toEqual({
      status: 401,
      body: { detail: 'An SNS message of a topic not configured in aws_sns_topic_arn' },
    });
    expect(ses.sns.confirmations).toHaveLength(1);
    // The end of the subscription is answered and logged; nothing is recorded.
    expect((await ses.sns.unsubscribe(base)).status).toBe(200);
    expect(await tables()).toEqual(before);
    // Logged by the topic's place in aws_sns_topic_arn (the second of two), never the secret's value.
    const lines = logs.lines.filter((line) => line.includes('SNS subscription of AWS_SES'));
    expect(lines.map((line) => JSON.parse(line) as { msg: string; topic: number; topics: number })).toEqual([
      expect.objectContaining({ msg: 'SNS subscription of AWS_SES delivery events confirmed', topic: 2, topics: 2 }),
      expect.objectContaining({ msg: 'SNS subscription of AWS_SES delivery events ended', topic: 2, topics: 2 }),
    ]);
    expect(logs.text()).not.toContain(TOPIC);
    expect(logs.text()).not.toContain(OTHER_TOPIC);
  });

  it("a Delivery event (event publishing, SignatureVersion 1): Herald's id went out as a message tag, the message shows delivered", async () => {
    const id = await send();
    const sent = ses.sends().at(-1)!.body as { EmailTags: unknown };
    expect(sent.EmailTags).toEqual([{ Name: 'herald_message_id', Value: id }]);
    expect((await row(id)).provider_message_id).toBe(ses.accepted.at(-1)!.providerMessageId);

    expect(await ses.emitEvent({ type: 'delivered', messageId: id })).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
    const delivered = await message(id);
    expect(delivered.delivery_status).toBe('delivered');
    expect(delivered.events).toEqual([
      { type: 'delivered', service_type: 'AWS_SES', occurred_at: expect.any(String), received_at: expect.any(String), reason: null },
    ]);
    // The certificate is fetched once and cached.
    await ses.emitEvent({ type: 'delivered', messageId: id });
    expect(ses.sns.certFetches().length).toBeLessThanOrEqual(1);
  });

  it('a permanent Bounce as an identity notification (no tags, SignatureVersion 2): found by SES’s id, bounced, suppressed', async () => {
    const to = `bounced.${unique()}@example.org`;
    const id = await send(to);
    const providerMessageId = ses.accepted.at(-1)!.providerMessageId;
    const event = sesEvent({ type: 'bounced', format: 'notification', providerMessageId, recipient: to });
    expect(event).not.toHaveProperty('mail.tags');
    expect(await post(notification(event, { signatureVersion: '2' }))).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
    const bounced = await message(id);
    expect(bounced.delivery_status).toBe('bounced');
    expect(bounced.events).toEqual([expect.objectContaining({ type: 'bounced', reason: expect.stringMatching(/^Permanent bounce \(General\): /) })]);
    expect(JSON.stringify(bounced.events)).not.toContain(to);
    expect((await t.db.query('SELECT cause, channel FROM suppression WHERE message_id = $1', [id])).rows).toEqual([{ cause: 'bounce', channel: 'email' }]);

    const before = ses.sends().length;
    const next = await send(to);
    expect(await row(next)).toMatchObject({ status: 'failed', failure_reason: 'recipient suppressed (bounce)' });
    expect(ses.sends()).toHaveLength(before);
  });

  it('DeliveryDelay, a transient Bounce and a Complaint climb the ladder; Send, Open and SES’s own notices are not recorded', async () => {
    const to = `ladder.${unique()}@example.org`;
    const id = await send(to);
    const providerMessageId = ses.accepted.at(-1)!.providerMessageId;
    const of = (options: Parameters<typeof sesEvent>[0]) => sesEvent({ messageId: id, providerMessageId, recipient: to, ...options });
    for (const kind of ['Send', 'Open', 'Click'] as const)
      expect(await post(notification(of({ kind })))).toEqual({ status: 200, body: { received: 0, recorded: 0 } });
    const notice = { notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'You have successfully subscribed your Amazon SNS topic' };
    expect(await post(notification(notice))).toEqual({ status: 200, body: { received: 0, recorded: 0 } });

    expect(await post(notification(of({ type: 'deferred' })))).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
    expect((await row(id)).delivery_status).toBe('deferred');
    expect(await post(notification(of({ type: 'bounced', bounceType: 'Transient', bounceSubType: 'MailboxFull' })))).toEqual({
      status: 200,
      body: { received: 1, recorded: 1 },
    });
    expect((await row(id)).delivery_status).toBe('undelivered');
    expect((await t.db.query('SELECT count(*)::int AS n FROM suppression WHERE message_id = $1', [id])).rows[0].n).toBe(0);
    expect(await post(notification(of({ type: 'complained' })))).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
    const events = (await message(id)).events as { type: string; reason: string | null }[];
    expect(events.map((e) => e.type)).toEqual(['deferred', 'undelivered', 'complained']);
    expect(events[1].reason).toMatch(/^Transient bounce \(MailboxFull\)/);
    expect(JSON.stringify(events)).not.toContain(to);
    expect((await row(id)).delivery_status).toBe('complained');
    expect((await t.db.query('SELECT cause FROM suppression WHERE message_id = $1', [id])).rows).toEqual([{ cause: 'complaint' }]);
  });

  it('refuses what SNS did not sign, or signed for someone else: 401, nothing recorded, nothing fetched from elsewhere', async () => {
    const id = await send();
    const providerMessageId = ses.accepted.at(-1)!.providerMessageId;
    const event = sesEvent({ type: 'bounced', messageId: id, providerMessageId });
    const good = notification(event);
    const before = await tables();
    const refused = async (call: WebhookCall, detail: string | RegExp) => {
      const answer = await post(call);
      expect(answer.status).toBe(401);
      expect((answer.body as { detail: string }).detail).toMatch(detail);
    };
    const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await refused(notification(event, { privateKey: otherKey }), 'Invalid SNS signature');
    await refused({ ...good, body: good.body.replace('Permanent', 'Transient') }, 'Invalid SNS signature');
    await refused(notification(event, { topicArn: 'arn:aws:sns:eu-west-1:123456789012:not-configured' }), /topic not configured/);
    // A certificate anywhere but SNS (here: anywhere but AWS_SNS_ENDPOINT_URL) is never fetched.
    const elsewhere = `http://127.0.0.1:9${ses.sns.certPath}`;
    await refused(notification(event, { certUrl: elsewhere }), /SigningCertURL is not an SNS certificate/);
    await refused(
      notification(event, { certUrl: `${ses.url}/SimpleNotificationService-${'0'.repeat(32)}.pem` }),
      /no certificate at SigningCertURL \(HTTP 404\)/,
    );
    await refused(notification(event, { timestamp: new Date(Date.now() - 2 * 86_400_000).toISOString() }), /too old/);
    await refused({ ...good, body: JSON.stringify({ ...JSON.parse(good.body), SignatureVersion: '3' }) }, /SignatureVersion/);
    await refused({ ...good, body: 'not json' }, 'Not an SNS message');
    await refused({ ...good, headers: { 'content-type': 'application/json' }, body: JSON.stringify([1, 2]) }, 'Not an SNS message');
    expect(await tables()).toEqual(before);
    expect((await row(id)).delivery_status).toBe('unknown');
  });

  it('takes SNS messages sent as application/json too, and a replayed message once', async () => {
    const id = await send();
    const call = notification(sesEvent({ type: 'delivered', messageId: id, providerMessageId: ses.accepted.at(-1)!.providerMessageId }));
    const asJson = { ...call, headers: { ...call.headers, 'content-type': 'application/json' } };
    expect(await post(asJson)).toEqual({ status: 200, body: { received: 1, recorded: 1 } });
    expect(await post(call)).toEqual({ status: 200, body: { received: 1, recorded: 0 } });
    expect((await t.db.query('SELECT count(*)::int AS n FROM message_event WHERE message_id = $1', [id])).rows[0].n).toBe(1);
  });

  it('refuses a topic ARN that is not one with a 400, storing nothing; takes one over GraphQL and never shows it', async () => {
    const secrets = () => t.db.query('SELECT owner_id, envelope, updated_at FROM secret ORDER BY owner_id');
    const before = (await secrets()).rows;
    for (const arn of ['herald-topic', 'arn:aws:sqs:eu-west-1:123456789012:queue', `${TOPIC},`.repeat(11)]) {
      const res = await t.http().put('/api/v1/messaging/config/ses/secret').set(root).send({ auth_method: 'automatic', aws_sns_topic_arn: arn });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        detail: [
          "aws_sns_topic_arn must be one SNS topic ARN, or up to 10 separated by commas, such as arn:aws:sns:us-east-1:123456789012:ses-events ('aws_sns_topic_arn',)",
        ],
      });
    }
    expect((await secrets()).rows).toEqual(before);

    const res = await graphql(
      t,
      `mutation { setMessagingConfigSecrets(key: "ses", input: { awsSes: { authMethod: "secret_keys", accessKeyId: "${KEY_ID}", secretAccessKey: "${SECRET_KEY}", snsTopicArn: "${OTHER_TOPIC}" } }) { key } }`,
      {},
      await t.rootToken(),
    );
    expect(res.errors).toBeUndefined();
    try {
      const id = await send();
      const call = notification(sesEvent({ type: 'delivered', messageId: id, providerMessageId: ses.accepted.at(-1)!.providerMessageId }));
      expect(await post(call)).toMatchObject({ status: 401 });
      const config = await t.http().get('/api/v1/messaging/config/ses').set(root).expect(200);
      expect(JSON.stringify(config.body)).not.toContain(OTHER_TOPIC);
    } finally {
      await putSecrets();
    }
  });

  it('GraphQL shows where SES posts its events and whether they can be verified, never the topic; SMTP has none', async () => {
    const token = await t.rootToken();
    const setup = async () =>
      (await graphql(t, '{ messagingConfigs(page: 1, size: 10) { items { key deliveryEvents { url secretName verifiable } } } }', {}, token)).data
        ?.messagingConfigs as { items: { key: string; deliveryEvents: unknown }[] };
    await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'relay', name: 'Relay', service_type: 'smtp', details: { host: '127.0.0.1', port: 2525, security: 'none', email_from: FROM } })
      .expect(200);
    try {
      const verified = { url: `${base}/api/v1/messaging/webhooks/aws_ses`, secretName: 'aws_sns_topic_arn', verifiable: true };
      expect((await setup()).items).toEqual([
        { key: 'relay', deliveryEvents: null },
        { key: 'ses', deliveryEvents: verified },
      ]);
      expect(JSON.stringify(await setup())).not.toContain(TOPIC);
      // Without the topic, every SNS call would be refused: the console says so.
      await putSecrets(null);
      expect((await setup()).items.find((c) => c.key === 'ses')!.deliveryEvents).toEqual({ ...verified, verifiable: false });
    } finally {
      await t.http().delete('/api/v1/messaging/config/relay').set(root).expect(204);
      await putSecrets();
    }
  });

  it('names the configuration set in every send when the config has one (REST and GraphQL), and not otherwise', async () => {
    await send();
    expect(ses.sends().at(-1)!.body).not.toHaveProperty('ConfigurationSetName');
    const patch = (details: object) =>
      t.http().patch('/api/v1/messaging/config/ses').set(root).send({ key: 'ses', name: 'SES', service_type: 'aws_ses', details });
    try {
      const res = await patch({ aws_region: 'eu-west-1', email_from: FROM, configuration_set_name: 'herald-events' });
      expect(res.status).toBe(200);
      expect(res.body.details).toEqual({ aws_region: 'eu-west-1', email_from: FROM, domain: null, configuration_set_name: 'herald-events' });
      await send();
      expect(ses.sends().at(-1)!.body).toMatchObject({ ConfigurationSetName: 'herald-events' });
      const shown = await graphql(t, '{ messagingConfig(key: "ses") { details { ... on AwsSesDetails { configurationSetName } } } }', {}, await t.rootToken());
      expect(shown.data).toEqual({ messagingConfig: { details: { configurationSetName: 'herald-events' } } });
    } finally {
      expect((await patch({ aws_region: 'eu-west-1', email_from: FROM })).status).toBe(200);
    }
    await send();
    expect(ses.sends().at(-1)!.body).not.toHaveProperty('ConfigurationSetName');
  });
});
