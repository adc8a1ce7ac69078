// The SES fake's Amazon SNS side, checked with node:crypto alone: what it signs verifies with the certificate it serves
// (as a receiver following SNS's documentation would check it), it confirms only subscriptions it offered, and an
// accepted SendEmail's delivery event reaches a webhook as a signed SNS Notification carrying the SES event.
import { X509Certificate, verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAwsSesFake, type AwsSesFake } from '../fakes/aws-ses-fake.mjs';
import { FAKE_SNS_TOPIC_ARN, WEBHOOK_PATHS, sesEvent, snsMessage } from '../fakes/provider-events.mjs';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

// Written out here from SNS's documentation, not taken from the fakes: the keys signed, in order, per message type.
const SIGNED: Record<string, string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** Checks an SNS message as a receiver does: fetches SigningCertURL, verifies Signature over the string to sign. */
async function verifySns(message: Record<string, string>): Promise<boolean> {
  const response = await fetch(message.SigningCertURL);
  expect(response.status).toBe(200);
  const certificate = new X509Certificate(await response.text());
  const text = SIGNED[message.Type]
    .filter((key) => message[key] !== undefined)
    .map((key) => `${key}\n${message[key]}\n`)
    .join('');
  const hash = { '1': 'sha1', '2': 'sha256' }[message.SignatureVersion];
  if (!hash) throw new Error(`SignatureVersion ${message.SignatureVersion}`);
  return verify(hash, Buffer.from(text, 'utf8'), certificate.publicKey, Buffer.from(message.Signature, 'base64'));
}

/** A stand-in for Herald's webhook: records what it gets, answers 200. */
async function startRecorder(): Promise<{ server: Server; base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('the SES fake as Amazon SNS', () => {
  let fake: AwsSesFake;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;

  beforeAll(async () => {
    fake = await startAwsSesFake();
    recorder = await startRecorder();
  });
  afterAll(async () => {
    await fake.close();
    await new Promise((resolve) => recorder.server.close(resolve));
  });
  beforeEach(() => {
    fake.reset();
    recorder.received.length = 0;
  });

  it('serves an RSA certificate for sns.amazonaws.com at a SimpleNotificationService-<32 hex>.pem path', async () => {
    expect(new URL(fake.sns.certUrl).pathname).toMatch(/^\/SimpleNotificationService-[0-9a-f]{32}\.pem$/);
    const certificate = new X509Certificate(await (await fetch(fake.sns.certUrl)).text());
    expect(certificate.subject).toBe('CN=sns.amazonaws.com');
    expect(certificate.publicKey.asymmetricKeyType).toBe('rsa');
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(fake.sns.certFetches()).toHaveLength(1);
  });

  it.each(['1', '2'] as const)(
    'signs an snsMessage (SignatureVersion %s) so that it verifies with the served certificate; a tampered one does not',
    async (version) => {
      const event = sesEvent({ type: 'delivered', messageId: '00000000-0000-4000-8000-000000000001', recipient: 'alice@example.org' });
      const call = snsMessage({
        type: 'Notification',
        topicArn: fake.sns.topicArn,
        message: JSON.stringify(event),
        signatureVersion: version,
        certUrl: fake.sns.certUrl,
        privateKey: fake.sns.privateKey,
      });
      expect(call.path).toBe(WEBHOOK_PATHS.awsSes);
      expect(call.headers).toMatchObject({
        'content-type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': 'Notification',
        'user-agent': 'Amazon Simple Notification Service Agent',
        'x-amz-sns-topic-arn': FAKE_SNS_TOPIC_ARN,
      });
      const message = JSON.parse(call.body);
      expect(call.headers['x-amz-sns-message-id']).toBe(message.MessageId);
      expect(message).toMatchObject({ Type: 'Notification', TopicArn: FAKE_SNS_TOPIC_ARN, SignatureVersion: version });
      expect(message.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(message).not.toHaveProperty('Subject');
      expect(await verifySns(message)).toBe(true);

      const tampered = { ...message, Message: JSON.stringify({ ...event, eventType: 'Bounce' }) };
      expect(await verifySns(tampered)).toBe(false);
      // The other version's hash over the same text does not verify either.
      expect(await verifySns({ ...message, SignatureVersion: version === '1' ? '2' : '1' })).toBe(false);
    },
  );

  it('signs a Subject when there is one', async () => {
    const call = snsMessage({
      type: 'Notification',
      message: 'hello',
      subject: 'Amazon SES Email Event Notification',
      certUrl: fake.sns.certUrl,
      privateKey: fake.sns.privateKey,
    });
    const message = JSON.parse(call.body);
    expect(await verifySns(message)).toBe(true);
    expect(await verifySns({ ...message, Subject: 'Another subject' })).toBe(false);
  });

  it('confirms a subscription only with a token it handed out for that topic', async () => {
    const answer = await fake.sns.subscribe(recorder.base, { signatureVersion: '2' });
    expect(answer.status).toBe(200);
    expect(recorder.received).toHaveLength(1);
    const [request] = recorder.received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(WEBHOOK_PATHS.awsSes);
    expect(request.headers['x-amz-sns-message-type']).toBe('SubscriptionConfirmation');
    const message = JSON.parse(request.body);
    expect(message).toMatchObject({ Type: 'SubscriptionConfirmation', TopicArn: FAKE_SNS_TOPIC_ARN, SignatureVersion: '2' });
    expect(await verifySns(message)).toBe(true);
    const subscribe = new URL(message.SubscribeURL);
    expect(subscribe.origin).toBe(fake.url);
    expect(Object.fromEntries(subscribe.searchParams)).toEqual({ Action: 'ConfirmSubscription', TopicArn: FAKE_SNS_TOPIC_ARN, Token: message.Token });
    expect(message.SubscribeURL).toContain(`TopicArn=${encodeURIComponent(FAKE_SNS_TOPIC_ARN)}&`);

    const wrongToken = await fetch(message.SubscribeURL.replace(message.Token, 'f'.repeat(message.Token.length)));
    expect(wrongToken.status).toBe(400);
    expect(await wrongToken.text()).toContain('<Code>InvalidParameter</Code>');
    const otherTopic = new URL(subscribe);
    otherTopic.searchParams.set('TopicArn', 'arn:aws:sns:us-east-1:123456789012:another-topic');
    expect((await fetch(otherTopic)).status).toBe(400);
    expect(fake.sns.confirmations).toEqual([]);

    const confirmed = await fetch(message.SubscribeURL);
    expect(confirmed.status).toBe(200);
    const xml = await confirmed.text();
    expect(xml).toContain('<ConfirmSubscriptionResponse');
    expect(xml).toContain(`<SubscriptionArn>${fake.sns.subscriptionArn}</SubscriptionArn>`);
    expect(fake.sns.confirmations).toEqual([{ topicArn: FAKE_SNS_TOPIC_ARN, token: message.Token }]);
  });

  it('posts a signed Notification carrying the SES event of an accepted SendEmail (emitEvent)', async () => {
    const heraldId = '00000000-0000-4000-8000-000000000002';
    const sent = await fetch(`${fake.url}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-amz-date': '20260101T000000Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAHERALDTEST000001/20260101/us-east-1/ses/aws4_request, SignedHeaders=host;x-amz-date, Signature=' + '0'.repeat(64),
      },
      body: JSON.stringify({
        FromEmailAddress: 'privacy@example.com',
        Destination: { ToAddresses: ['alice@example.org'] },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hello' } } } },
        EmailTags: [{ Name: 'herald_message_id', Value: heraldId }],
      }),
    });
    expect(sent.status).toBe(200);
    const { MessageId } = (await sent.json()) as { MessageId: string };
    expect(fake.webhookKey()).toEqual({ topic_arn: FAKE_SNS_TOPIC_ARN });

    const answer = await fake.emitEvent({ type: 'bounced', messageId: heraldId, webhookUrl: recorder.base });
    expect(answer).toEqual({ status: 200, body: { ok: true } });
    expect(recorder.received).toHaveLength(1);
    const [request] = recorder.received;
    expect(request.url).toBe(WEBHOOK_PATHS.awsSes);
    expect(request.headers).toMatchObject({
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-topic-arn': FAKE_SNS_TOPIC_ARN,
      'x-amz-sns-subscription-arn': fake.sns.subscriptionArn,
      'user-agent': 'Amazon Simple Notification Service Agent',
    });
    const message = JSON.parse(request.body);
    expect(request.headers['x-amz-sns-message-id']).toBe(message.MessageId);
    expect(await verifySns(message)).toBe(true);
    const event = JSON.parse(message.Message);
    expect(event.eventType).toBe('Bounce');
    expect(event.mail).toMatchObject({ messageId: MessageId, destination: ['alice@example.org'], source: 'privacy@example.com' });
    expect(event.mail.tags.herald_message_id).toEqual([heraldId]);
    expect(event.bounce).toMatchObject({ bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'alice@example.org', status: '5.1.1' }] });
  });

  it('builds both SES formats: identity notifications carry no tags and have no DeliveryDelay', () => {
    const event = sesEvent({ type: 'complained', format: 'notification', messageId: 'ignored', providerMessageId: 'p-1', recipient: 'bob@example.org' });
    expect(event).toMatchObject({
      notificationType: 'Complaint',
      mail: { messageId: 'p-1' },
      complaint: { complainedRecipients: [{ emailAddress: 'bob@example.org' }] },
    });
    expect(event).not.toHaveProperty('eventType');
    expect(event.mail).not.toHaveProperty('tags');
    expect(() => sesEvent({ type: 'deferred', format: 'notification' })).toThrow(/DeliveryDelay/);
    expect(sesEvent({ type: 'deferred' })).toMatchObject({ eventType: 'DeliveryDelay', deliveryDelay: { delayType: 'TransientCommunicationFailure' } });
    expect(sesEvent({ kind: 'Bounce', bounceType: 'Transient' }).bounce?.bounceType).toBe('Transient');
    expect(sesEvent({ kind: 'Reject' })).toMatchObject({ eventType: 'Reject', reject: { reason: 'Bad content' } });
  });
});
