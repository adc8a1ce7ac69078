// The three messaging providers, each driving its real SDK (mailgun.js, twilio, @sendgrid/mail) over loopback against
// the fakes in test/fakes: the exact request each provider sends, and how every failure becomes a DeliveryError.
import { createServer } from 'node:net';
import { MessagingServiceType } from '../../src/common/messaging-service-type.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { MAILGUN_EU_HOST, MAILGUN_HOST, MailgunProvider, mailgunBaseUrl } from '../../src/notifications/providers/mailgun/mailgun.provider.js';
import {
  DeliveryError,
  type MessagingProvider,
  type OutgoingEmail,
  type OutgoingSms,
  type ProviderContext,
} from '../../src/notifications/providers/messaging-provider.js';
import { TwilioEmailProvider } from '../../src/notifications/providers/twilio-email/twilio-email.provider.js';
import { TwilioSmsProvider } from '../../src/notifications/providers/twilio-sms/twilio-sms.provider.js';
import { startProviderFakes, type FakeHttpServer, type ProviderFakes } from '../fakes/provider-fakes.mjs';

const MAILGUN_KEY = 'key-mailgun-secret-0123456789';
const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef';
const TWILIO_TOKEN = 'twilio-auth-token-secret-42';
const TWILIO_SERVICE = 'MG0123456789abcdef0123456789abcdef';
const TWILIO_FROM = '+15550002222';
const SENDGRID_KEY = 'SG.sendgrid-secret-key.0123456789';

const EMAIL_TO = 'alice.recipient@example.org';
const PHONE_TO = '+15550001111';
const SECRETS_AND_RECIPIENTS = [MAILGUN_KEY, TWILIO_SID, TWILIO_TOKEN, TWILIO_SERVICE, TWILIO_FROM, SENDGRID_KEY, EMAIL_TO, PHONE_TO, PHONE_TO.slice(1)];

const email: OutgoingEmail = {
  channel: 'email',
  messageId: '3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
  idempotencyKey: 'idem-3f1c2a9e-1',
  to: EMAIL_TO,
  subject: 'Your privacy request',
  html: '<p>Your code is <b>123456</b></p>',
  text: 'Your code is 123456',
};
const sms: OutgoingSms = {
  channel: 'sms',
  messageId: '9d8c7b6a-0000-4000-8000-000000000001',
  idempotencyKey: 'idem-9d8c-1',
  to: PHONE_TO,
  body: 'Your code is 654321',
};

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const mailgunContext = (overrides: Record<string, unknown> = {}, key = MAILGUN_KEY): ProviderContext => ({
  details: { domain: 'mg.example.com', is_eu_domain: false, api_version: 'v3', ...overrides },
  secrets: { mailgun_api_key: key },
});
const twilioContext = (secrets: Record<string, unknown> = {}): ProviderContext => ({
  details: null,
  secrets: {
    twilio_account_sid: TWILIO_SID,
    twilio_auth_token: TWILIO_TOKEN,
    twilio_messaging_service_sid: TWILIO_SERVICE,
    twilio_sender_phone_number: null,
    ...secrets,
  },
});
const sendgridContext = (key = SENDGRID_KEY, from = 'privacy@example.com'): ProviderContext => ({
  details: { twilio_email_from: from },
  secrets: { twilio_api_key: key },
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The DeliveryError a send fails with; also checks the reason shows no secret and no recipient. */
async function failure(send: Promise<unknown>): Promise<DeliveryError> {
  const error = await send.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  const { reason } = error as DeliveryError;
  expect(reason.length).toBeGreaterThan(0);
  expect(reason.length).toBeLessThanOrEqual(300);
  for (const value of SECRETS_AND_RECIPIENTS) expect(reason.toLowerCase()).not.toContain(value.toLowerCase());
  return error as DeliveryError;
}

let fakes: ProviderFakes;
let settings: Settings;
let refusedSettings: Settings;
let shortTimeoutSettings: Settings;

beforeAll(async () => {
  fakes = await startProviderFakes({
    mailgun: { apiKey: MAILGUN_KEY },
    twilio: { accountSid: TWILIO_SID, authToken: TWILIO_TOKEN },
    sendgrid: { apiKey: SENDGRID_KEY },
  });
  settings = loadSettings({ ...fakes.env, HERALD_PROVIDER_TIMEOUT_MS: '5000' });
  shortTimeoutSettings = loadSettings({ ...fakes.env, HERALD_PROVIDER_TIMEOUT_MS: '300' });
  const nowhere = `http://127.0.0.1:${await closedPort()}`;
  refusedSettings = loadSettings({ MAILGUN_API_URL: nowhere, TWILIO_API_URL: nowhere, SENDGRID_API_URL: nowhere, HERALD_PROVIDER_TIMEOUT_MS: '5000' });
});
afterEach(() => fakes.reset());
afterAll(() => fakes?.close());

interface Case {
  name: string;
  fake: () => FakeHttpServer;
  make: (s: Settings) => MessagingProvider;
  message: OutgoingEmail | OutgoingSms;
  context: ProviderContext;
  /** A context whose credentials the fake refuses. */
  badCredentials: ProviderContext;
  /** The Authorization header `context` gives. */
  goodAuthorization: string;
  provider: string;
}

const cases: Case[] = [
  {
    name: 'Mailgun',
    fake: () => fakes.mailgun,
    make: (s) => new MailgunProvider(s),
    message: email,
    context: mailgunContext(),
    badCredentials: mailgunContext({}, 'key-wrong-0000000000'),
    goodAuthorization: basic('api', MAILGUN_KEY),
    provider: 'Mailgun',
  },
  {
    name: 'Twilio SMS',
    fake: () => fakes.twilio,
    make: (s) => new TwilioSmsProvider(s),
    message: sms,
    context: twilioContext(),
    badCredentials: twilioContext({ twilio_auth_token: 'wrong-token-000000' }),
    goodAuthorization: basic(TWILIO_SID, TWILIO_TOKEN),
    provider: 'Twilio',
  },
  {
    name: 'Twilio email (SendGrid)',
    fake: () => fakes.sendgrid,
    make: (s) => new TwilioEmailProvider(s),
    message: email,
    context: sendgridContext(),
    badCredentials: sendgridContext('SG.wrong-key-00000000'),
    goodAuthorization: `Bearer ${SENDGRID_KEY}`,
    provider: 'SendGrid',
  },
];

describe('Mailgun through mailgun.js', () => {
  it('posts the message as a form to /v3/{domain}/messages with Basic api:key', async () => {
    const receipt = await new MailgunProvider(settings).send(email, mailgunContext());
    expect(fakes.mailgun.requests).toHaveLength(1);
    const request = fakes.mailgun.requests[0];
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v3/mg.example.com/messages');
    expect(request.authorization).toBe(basic('api', MAILGUN_KEY));
    expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(request.fields).toEqual({
      from: '<mailgun@mg.example.com>',
      to: EMAIL_TO,
      subject: 'Your privacy request',
      html: '<p>Your code is <b>123456</b></p>',
      text: 'Your code is 123456',
      'h:X-Idempotency-Key': 'idem-3f1c2a9e-1',
      'v:herald_message_id': '3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
    });
    expect(receipt.providerMessageId).toMatch(/^<.+@mg\.example\.com>$/);
  });

  it('uses the config’s api_version in the path', async () => {
    const receipt = await new MailgunProvider(settings).send(email, mailgunContext({ api_version: 'v4' }));
    const request = fakes.mailgun.lastRequest()!;
    expect(request.path).toBe('/v4/mg.example.com/messages');
    expect(request.authorization).toBe(basic('api', MAILGUN_KEY));
    expect(request.fields).toMatchObject({ from: '<mailgun@mg.example.com>', to: EMAIL_TO, 'h:X-Idempotency-Key': 'idem-3f1c2a9e-1' });
    expect(receipt.providerMessageId).toMatch(/@mg\.example\.com>$/);
  });

  it('sends only the part it has (Fides sends html alone)', async () => {
    await new MailgunProvider(settings).send({ ...email, text: '' }, mailgunContext());
    expect(fakes.mailgun.lastRequest()!.fields).not.toHaveProperty('text');
    expect(fakes.mailgun.lastRequest()!.fields).toHaveProperty('html', email.html);
  });

  it('without MAILGUN_API_URL, the EU flag selects https://api.eu.mailgun.net (else https://api.mailgun.net)', () => {
    const production = loadSettings({});
    expect(production.providers.mailgunApiUrl).toBeUndefined();
    expect(mailgunBaseUrl(true, production.providers.mailgunApiUrl)).toBe(MAILGUN_EU_HOST);
    expect(mailgunBaseUrl(false, production.providers.mailgunApiUrl)).toBe(MAILGUN_HOST);
    expect(MAILGUN_EU_HOST).toBe('https://api.eu.mailgun.net');
  });

  it('with MAILGUN_API_URL, an EU domain still goes to the override', async () => {
    await new MailgunProvider(settings).send(email, mailgunContext({ is_eu_domain: true }));
    expect(fakes.mailgun.lastRequest()!.path).toBe('/v3/mg.example.com/messages');
  });

  it('a 400 from Mailgun is permanent and keeps its message', async () => {
    fakes.mailgun.failNext(1, 400, { body: { message: "'to' parameter is not a valid address. please check documentation" } });
    const error = await failure(new MailgunProvider(settings).send(email, mailgunContext()));
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(error.reason).toBe("Mailgun answered 400 Bad Request: 'to' parameter is not a valid address. please check documentation");
  });
});

describe('Twilio SMS through twilio', () => {
  const path = `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`;

  it('uses the messaging service when there is one', async () => {
    const receipt = await new TwilioSmsProvider(settings).send(sms, twilioContext());
    expect(fakes.twilio.requests).toHaveLength(1);
    const request = fakes.twilio.requests[0];
    expect(request.method).toBe('POST');
    expect(request.path).toBe(path);
    expect(request.authorization).toBe(basic(TWILIO_SID, TWILIO_TOKEN));
    expect(request.contentType).toBe('application/x-www-form-urlencoded');
    expect(request.fields).toEqual({ To: PHONE_TO, Body: 'Your code is 654321', MessagingServiceSid: TWILIO_SERVICE });
    expect(receipt.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('uses the sender number when there is no messaging service', async () => {
    await new TwilioSmsProvider(settings).send(sms, twilioContext({ twilio_messaging_service_sid: null, twilio_sender_phone_number: TWILIO_FROM }));
    const request = fakes.twilio.lastRequest()!;
    expect(request.path).toBe(path);
    expect(request.fields).toEqual({ To: PHONE_TO, Body: 'Your code is 654321', From: TWILIO_FROM });
  });

  it('prefers the messaging service when both are set (as Fides does)', async () => {
    await new TwilioSmsProvider(settings).send(sms, twilioContext({ twilio_sender_phone_number: TWILIO_FROM }));
    expect(fakes.twilio.lastRequest()!.fields).toEqual({ To: PHONE_TO, Body: 'Your code is 654321', MessagingServiceSid: TWILIO_SERVICE });
  });

  it('does not retry a 429 by itself (the outbox does)', async () => {
    fakes.twilio.failNext(3, 429);
    const error = await failure(new TwilioSmsProvider(settings).send(sms, twilioContext()));
    expect(error).toMatchObject({ retryable: true, status: 429 });
    expect(fakes.twilio.requests).toHaveLength(1);
  });

  it('a 400 that echoes the number is permanent, and the reason hides it', async () => {
    fakes.twilio.failNext(1, 400);
    const error = await failure(new TwilioSmsProvider(settings).send(sms, twilioContext()));
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(error.reason).toBe("Twilio answered 400 Bad Request: The 'To' number [recipient] is not a valid phone number. (code 21211)");
  });

  it('refuses a config without sender before calling', async () => {
    const error = await failure(
      new TwilioSmsProvider(settings).send(sms, twilioContext({ twilio_messaging_service_sid: null, twilio_sender_phone_number: '' })),
    );
    expect(error).toMatchObject({
      retryable: false,
      status: undefined,
      reason: 'Twilio: the config has neither twilio_messaging_service_sid nor twilio_sender_phone_number',
    });
    expect(fakes.twilio.requests).toHaveLength(0);
  });

  it('an account SID the SDK refuses is a permanent failure, before any request', async () => {
    const error = await failure(new TwilioSmsProvider(settings).send(sms, twilioContext({ twilio_account_sid: 'XX-not-a-sid' })));
    expect(error).toMatchObject({ retryable: false, status: undefined, reason: 'Twilio: accountSid must start with AC' });
    expect(fakes.twilio.requests).toHaveLength(0);
  });
});

describe('Twilio email through @sendgrid/mail', () => {
  it('posts JSON to /v3/mail/send with the Bearer key', async () => {
    const receipt = await new TwilioEmailProvider(settings).send(email, sendgridContext());
    expect(fakes.sendgrid.requests).toHaveLength(1);
    const request = fakes.sendgrid.requests[0];
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v3/mail/send');
    expect(request.authorization).toBe(`Bearer ${SENDGRID_KEY}`);
    expect(request.contentType).toBe('application/json');
    expect(request.body).toEqual({
      from: { email: 'privacy@example.com' },
      subject: 'Your privacy request',
      personalizations: [{ to: [{ email: EMAIL_TO }] }],
      content: [
        { type: 'text/plain', value: 'Your code is 123456' },
        { type: 'text/html', value: '<p>Your code is <b>123456</b></p>' },
      ],
      headers: { 'X-Idempotency-Key': 'idem-3f1c2a9e-1' },
      custom_args: { herald_message_id: '3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b' },
    });
    expect(receipt.providerMessageId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('refuses a config without twilio_email_from before calling', async () => {
    const error = await failure(new TwilioEmailProvider(settings).send(email, sendgridContext(SENDGRID_KEY, '')));
    expect(error).toMatchObject({ retryable: false, status: undefined, reason: 'SendGrid: the config has no twilio_email_from in its details' });
    expect(fakes.sendgrid.requests).toHaveLength(0);
  });
});

describe.each(cases)('$name: failures', (c) => {
  it('refused credentials (401) are permanent, with a reason', async () => {
    const error = await failure(c.make(settings).send(c.message, c.badCredentials));
    expect(error).toMatchObject({ retryable: false, status: 401 });
    expect(error.reason).toMatch(new RegExp(`^${c.provider} answered 401 Unauthorized`));
    expect(c.fake().requests).toHaveLength(1);
  });

  it.each([500, 429, 408, 503])('%i is retryable', async (status) => {
    c.fake().failNext(1, status, { retryAfter: 7 });
    const error = await failure(c.make(settings).send(c.message, c.context));
    expect(error).toMatchObject({ retryable: true, status });
    expect(error.reason).toMatch(new RegExp(`^${c.provider} answered ${status} `));
  });

  it('the next attempt succeeds once the fault is gone', async () => {
    c.fake().failNext(1, 503);
    await failure(c.make(settings).send(c.message, c.context));
    await expect(c.make(settings).send(c.message, c.context)).resolves.toHaveProperty('providerMessageId');
    expect(c.fake().requests.map((r) => r.status)).toEqual([503, expect.any(Number)]);
  });

  it('connection refused is retryable', async () => {
    const error = await failure(c.make(refusedSettings).send(c.message, c.context));
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect(error.reason).toMatch(new RegExp(`^${c.provider}: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+$`));
  });

  it('an answer later than the timeout is retryable', async () => {
    c.fake().setDelay(1500);
    const started = Date.now();
    const error = await failure(c.make(shortTimeoutSettings).send(c.message, c.context));
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect(error.reason).toBe(`${c.provider}: timeout of 300ms exceeded`);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1400);
  });

  it('a dropped connection is retryable', async () => {
    c.fake().dropNext(1);
    const error = await failure(c.make(settings).send(c.message, c.context));
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect(c.fake().requests[0].outcome).toBe('dropped');
  });

  it('concurrent sends with different credentials each carry their own', async () => {
    // The client is built per call from the config's secrets: nothing is shared between configs.
    const provider = c.make(settings);
    const results = await Promise.allSettled([
      provider.send(c.message, c.badCredentials),
      provider.send(c.message, c.context),
      provider.send(c.message, c.badCredentials),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected']);
    const answered = c.fake().requests.map((r) => ({ ok: r.status! < 300, good: r.authorization === c.goodAuthorization }));
    expect(answered.filter((r) => r.ok)).toEqual([{ ok: true, good: true }]);
    expect(answered.filter((r) => !r.ok)).toEqual([
      { ok: false, good: false },
      { ok: false, good: false },
    ]);
  });

  it('serves its service type and channel', () => {
    const provider = c.make(settings);
    expect(Object.values(MessagingServiceType)).toContain(provider.serviceType);
    expect(provider.channel).toBe(c.message.channel);
  });
});

describe('the fakes themselves (for benchmarks and `npm run fakes`)', () => {
  it('can be told over HTTP to fail, and list requests without the Authorization value', async () => {
    const control = await fetch(`${fakes.sendgrid.url}/__fake/fail?count=1&status=503&retryAfter=9`, { method: 'POST' });
    expect(control.status).toBe(200);
    const first = await fetch(`${fakes.sendgrid.url}/v3/mail/send`, { method: 'POST', headers: { authorization: `Bearer ${SENDGRID_KEY}` }, body: '{}' });
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('9');
    expect(await first.json()).toEqual({ errors: [{ message: 'service unavailable', field: null, help: null }] });
    const listed = (await (await fetch(`${fakes.sendgrid.url}/__fake/requests`)).json()) as Array<Record<string, unknown>>;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ path: '/v3/mail/send', authorization: 'Bearer [hidden]', status: 503 });
    expect(JSON.stringify(listed)).not.toContain(SENDGRID_KEY);
    expect(fakes.sendgrid.requests[0].authorization).toBe(`Bearer ${SENDGRID_KEY}`);
  });

  it('parses urlencoded bodies, repeated fields as arrays, and answers unknown paths in the provider’s shape', async () => {
    const body = new URLSearchParams([
      ['from', 'a@example.com'],
      ['to', 'b@example.com'],
      ['to', 'c@example.com'],
      ['text', 'hi'],
    ]);
    const ok = await fetch(`${fakes.mailgun.url}/v3/mg.example.com/messages`, { method: 'POST', headers: { authorization: basic('api', MAILGUN_KEY) }, body });
    expect(ok.status).toBe(200);
    expect(fakes.mailgun.lastRequest()!.fields).toEqual({ from: 'a@example.com', to: ['b@example.com', 'c@example.com'], text: 'hi' });
    const missing = await fetch(`${fakes.twilio.url}/2010-04-01/Accounts/${TWILIO_SID}/Calls.json`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 20404, status: 404 });
  });

  it('waits for requests, and records when each came', async () => {
    const waiting = fakes.twilio.waitForRequests(1, 2000);
    const before = Date.now();
    await new TwilioSmsProvider(settings).send(sms, twilioContext());
    const [request] = await waiting;
    expect(request.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(request.outcome).toBe('answered');
  });
});
