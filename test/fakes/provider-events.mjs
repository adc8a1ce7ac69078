// Delivery events as each provider posts them to a webhook, signed the provider's way (decision D26), for the fakes'
// call-backs (provider-fakes.mjs) and for tests that tamper with them. The signing is written out here from the
// providers' documentation, not taken from their SDKs, so a test cannot pass by Herald and the fake sharing a mistake.
//   Mailgun:  JSON {signature: {timestamp, token, signature: hex HMAC-SHA256(key, timestamp + token)}, event-data}
//   SendGrid: JSON array of events; X-Twilio-Email-Event-Webhook-Signature = base64 DER ECDSA P-256 SHA-256 over
//             timestamp + body, X-Twilio-Email-Event-Webhook-Timestamp = timestamp
//   Twilio:   form body; X-Twilio-Signature = base64 HMAC-SHA1(auth token, URL + sorted name+value pairs)
//   Mandrill: form body `mandrill_events` (JSON array); X-Mandrill-Signature = base64 HMAC-SHA1(webhook key, URL as
//             configured in Mandrill + sorted name+value pairs)
import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export const EVENT_TYPES = ['delivered', 'bounced', 'complained', 'deferred'];
export const WEBHOOK_PATHS = {
  mailgun: '/api/v1/messaging/webhooks/mailgun',
  twilio: '/api/v1/messaging/webhooks/twilio_text',
  sendgrid: '/api/v1/messaging/webhooks/twilio_email',
  mandrill: '/api/v1/messaging/webhooks/mailchimp_transactional',
};

const hex = (bytes) => randomBytes(bytes).toString('hex');
const seconds = (date = new Date()) => Math.floor(date.getTime() / 1000);

function checkType(type) {
  if (!EVENT_TYPES.includes(type)) throw new Error(`event type must be one of ${EVENT_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
}

/** Mailgun's signature of a webhook call. */
export const mailgunSignature = (signingKey, timestamp, token) => createHmac('sha256', signingKey).update(`${timestamp}${token}`).digest('hex');

/** One Mailgun webhook call: `{ path, headers, body }` (body as JSON text). */
export function mailgunEvent({
  type,
  messageId,
  providerMessageId,
  recipient = 'someone@example.org',
  signingKey,
  timestamp = seconds(),
  token = hex(25),
  eventId = hex(11),
}) {
  checkType(type);
  const kinds = {
    delivered: { event: 'delivered', 'delivery-status': { code: 250, message: 'OK', description: '' } },
    bounced: {
      event: 'failed',
      severity: 'permanent',
      reason: 'bounce',
      'delivery-status': {
        code: 550,
        message: `5.1.1 The email account ${recipient} does not exist`,
        description: 'Not delivering to previously bounced address',
      },
    },
    deferred: {
      event: 'failed',
      severity: 'temporary',
      reason: 'generic',
      'delivery-status': { code: 421, message: '4.7.0 Try again later', description: '' },
    },
    complained: { event: 'complained' },
  };
  const eventData = {
    ...kinds[type],
    id: eventId,
    timestamp: Date.now() / 1000,
    recipient,
    'user-variables': messageId ? { herald_message_id: messageId } : {},
    message: { headers: { 'message-id': (providerMessageId ?? `${hex(8)}@fake.mailgun`).replace(/^<|>$/g, '') } },
  };
  const body = {
    signature: { timestamp: String(timestamp), token, signature: mailgunSignature(signingKey, String(timestamp), token) },
    'event-data': eventData,
  };
  return { path: WEBHOOK_PATHS.mailgun, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** A P-256 key pair as SendGrid's event webhook has one: the public key as the base64 DER its console shows. */
export function sendgridKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey,
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }),
  };
}

/** SendGrid's signature of `timestamp + body`. */
export const sendgridSignature = (privateKey, timestamp, body) => sign('sha256', Buffer.from(`${timestamp}${body}`), privateKey).toString('base64');

/** One SendGrid event webhook call with one or more events: `{ path, headers, body }`. */
export function sendgridEvents({ events, privateKey, timestamp = seconds() }) {
  const kinds = {
    delivered: { event: 'delivered', response: '250 OK' },
    bounced: { event: 'bounce', type: 'bounce', status: '5.1.1', reason: '550 5.1.1 The email account that you tried to reach does not exist' },
    deferred: { event: 'deferred', response: '421 4.7.0 Try again later', attempt: '1' },
    complained: { event: 'spamreport' },
  };
  const list = events.map(({ type, messageId, providerMessageId, recipient = 'someone@example.org', eventId = randomBytes(16).toString('base64url') }) => {
    checkType(type);
    return {
      email: recipient,
      timestamp: seconds(),
      'smtp-id': `<${hex(8)}@fake.sendgrid>`,
      ...kinds[type],
      sg_event_id: eventId,
      sg_message_id: `${providerMessageId ?? randomBytes(16).toString('base64url').slice(0, 22)}.filterdrecv-${hex(4)}-1-0`,
      ...(messageId ? { herald_message_id: messageId } : {}),
    };
  });
  // SendGrid ends its body with CRLF; the signature covers it.
  const body = `${JSON.stringify(list)}\r\n`;
  return {
    path: WEBHOOK_PATHS.sendgrid,
    headers: {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': sendgridSignature(privateKey, String(timestamp), body),
      'x-twilio-email-event-webhook-timestamp': String(timestamp),
    },
    body,
  };
}

/** Twilio's signature of a call to `url` with form `params`. */
export function twilioSignature(authToken, url, params) {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** One Twilio status callback to `url` (the whole URL Twilio was given): `{ url, headers, body }`. */
export function twilioStatusCallback({ url, type, messageSid, accountSid = `AC${hex(16)}`, to = '+15550000000', from = '+15551111111', authToken }) {
  checkType(type);
  // Twilio has no deferral or complaint report: a message still on its way, and a refusal after the recipient's STOP.
  const kinds = {
    delivered: { MessageStatus: 'delivered' },
    bounced: { MessageStatus: 'undelivered', ErrorCode: '30005' },
    deferred: { MessageStatus: 'sent' },
    complained: { MessageStatus: 'failed', ErrorCode: '21610' },
  };
  const params = { AccountSid: accountSid, ApiVersion: '2010-04-01', From: from, To: to, MessageSid: messageSid, SmsSid: messageSid, ...kinds[type] };
  params.SmsStatus = params.MessageStatus;
  return {
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(authToken, url, params) },
    body: new URLSearchParams(params).toString(),
  };
}

/** Mandrill's signature of a call to `url` (as configured in Mandrill) with form `params`: Twilio's scheme, its own key. */
export const mandrillSignature = (webhookKey, url, params) => twilioSignature(webhookKey, url, params);

/**
 * One Mandrill webhook call with one or more events, posted to `url` (Herald's whole webhook URL, as configured in
 * Mandrill): `{ url, headers, body }`. `kind` overrides the Mandrill event name (`soft_bounce`, `reject`, `open`, ...).
 */
export function mandrillEvents({ url, events, webhookKey }) {
  const kinds = {
    delivered: { event: 'delivered', msg: { state: 'sent' } },
    bounced: {
      event: 'hard_bounce',
      msg: {
        state: 'bounced',
        bounce_description: 'bad_mailbox',
        bgtools_code: 10,
        diag: 'smtp;550 5.1.1 The email account that you tried to reach does not exist',
      },
    },
    deferred: {
      event: 'deferral',
      msg: { state: 'deferred', smtp_events: [{ ts: seconds(), type: 'deferred', diag: '451 4.3.5 Temporarily unavailable, try again later.' }] },
    },
    complained: { event: 'spam', msg: { state: 'sent' } },
  };
  const list = events.map(({ type, kind, messageId, providerMessageId = hex(16), recipient = 'someone@example.org', ts = seconds() }) => {
    if (kind === undefined) checkType(type);
    const base = kinds[type] ?? { event: kind, msg: {} };
    return {
      event: kind ?? base.event,
      _id: providerMessageId,
      ts,
      msg: {
        ts: ts - 5,
        subject: 'Your privacy request',
        email: recipient,
        sender: 'privacy@example.com',
        tags: [],
        metadata: messageId ? { herald_message_id: messageId } : {},
        _id: providerMessageId,
        _version: hex(11),
        ...base.msg,
      },
    };
  });
  const params = { mandrill_events: JSON.stringify(list) };
  return {
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-mandrill-signature': mandrillSignature(webhookKey, url, params) },
    body: new URLSearchParams(params).toString(),
  };
}

/** Posts a built call to `url` (or `base` + its path); resolves with Herald's answer. */
export async function postEvent(call, base) {
  const url = call.url ?? `${base}${call.path}`;
  const response = await fetch(url, { method: 'POST', headers: call.headers, body: call.body });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/** The Mailgun fake's webhook signing key unless one is given (set it as the config's mailgun_webhook_signing_key). */
export const FAKE_MAILGUN_SIGNING_KEY = 'fake-mailgun-webhook-signing-key';
/** The Mandrill fake's webhook key unless one is given (set it as the config's mailchimp_transactional_webhook_key). */
export const FAKE_MANDRILL_WEBHOOK_KEY = 'fake-mandrill-webhook-key';

/**
 * A provider fake's delivery events: it remembers each message it accepted (`accepted(...)` from its handler) and can
 * post that message's events to Herald, on demand (`emitEvent`, `POST /__fake/events?type=...`) or after every
 * accepted message (`autoEvent`, `POST /__fake/auto-events?type=...`). `attach` adds this to the started fake.
 */
export function fakeEventSource(provider, options = {}) {
  const accepted = [];
  const emitted = [];
  const signingKey = options.webhookSigningKey ?? (provider === 'mandrill' ? FAKE_MANDRILL_WEBHOOK_KEY : FAKE_MAILGUN_SIGNING_KEY);
  const keys = provider === 'sendgrid' ? (options.webhookKeyPair ?? sendgridKeyPair()) : undefined;
  const initial = { type: options.autoEvent, url: options.webhookUrl, delayMs: options.autoEventDelayMs ?? 20 };
  let auto = { ...initial };
  const timers = new Set();

  function build(message, type, webhookUrl) {
    if (provider === 'mailgun')
      return mailgunEvent({ type, messageId: message.messageId, providerMessageId: message.providerMessageId, recipient: message.recipient, signingKey });
    if (provider === 'sendgrid') return sendgridEvents({ events: [{ type, ...message }], privateKey: keys.privateKey });
    if (provider === 'mandrill') {
      // Mandrill signs with the URL as configured in it: the webhook URL's base (given now or at the start) + the path.
      const base = webhookUrl ?? auto.url;
      if (!base) throw new Error("no webhook URL: give url= (Herald's base URL) or start the fakes with FAKES_WEBHOOK_URL");
      return mandrillEvents({ url: `${base}${WEBHOOK_PATHS.mandrill}`, events: [{ type, ...message }], webhookKey: signingKey });
    }
    const url = message.callbackUrl ?? (auto.url ? `${auto.url}${WEBHOOK_PATHS.twilio}` : undefined);
    if (!url) throw new Error('this message had no StatusCallback and no webhook URL is set');
    return twilioStatusCallback({
      url,
      type,
      messageSid: message.providerMessageId,
      accountSid: message.accountSid,
      to: message.recipient,
      authToken: message.authToken,
    });
  }

  /** Posts `type` for the accepted message `messageId` (Herald's id or the provider's; default the last one). */
  async function emitEvent({ type, messageId, webhookUrl } = {}) {
    const message = messageId ? accepted.findLast((m) => m.messageId === messageId || m.providerMessageId === messageId) : accepted.at(-1);
    if (!message) throw new Error(messageId ? `no accepted message ${messageId}` : 'no message accepted yet');
    const call = build(message, type, webhookUrl);
    const base = webhookUrl ?? auto.url;
    if (!call.url && !base) throw new Error("no webhook URL: give url= (Herald's base URL) or start the fakes with FAKES_WEBHOOK_URL");
    const result = await postEvent(call, base);
    emitted.push({ type, messageId: message.messageId, ...result });
    return result;
  }

  const webhookKey = () =>
    provider === 'mailgun'
      ? { signing_key: signingKey }
      : provider === 'mandrill'
        ? { webhook_key: signingKey }
        : provider === 'sendgrid'
          ? { public_key: keys.publicKey, public_key_pem: keys.publicKeyPem }
          : { note: 'Twilio signs with the auth token of the account that sent the message' };

  const setAutoEvent = (type, url = auto.url, delayMs = auto.delayMs) => {
    if (type !== undefined && type !== null) checkType(type);
    auto = { type: type ?? undefined, url, delayMs };
  };

  const controls = {
    events: async (method, query) => {
      if (method !== 'POST') return { status: 405, body: { error: 'use POST' } };
      try {
        return {
          status: 200,
          body: await emitEvent({ type: query.get('type'), messageId: query.get('message_id') ?? undefined, webhookUrl: query.get('url') ?? undefined }),
        };
      } catch (error) {
        return { status: 400, body: { error: error.message } };
      }
    },
    'webhook-key': () => ({ status: 200, body: webhookKey() }),
    'auto-events': (method, query) => {
      if (method !== 'POST') return { status: 405, body: { error: 'use POST' } };
      try {
        const type = query.get('type');
        setAutoEvent(
          type === 'off' ? undefined : (type ?? undefined),
          query.get('url') ?? auto.url,
          query.has('delayMs') ? Number(query.get('delayMs')) : auto.delayMs,
        );
        return { status: 200, body: { type: auto.type ?? 'off', url: auto.url ?? null } };
      } catch (error) {
        return { status: 400, body: { error: error.message } };
      }
    },
  };

  return {
    controls,
    /** The handler took a message: `{ messageId, providerMessageId, recipient, callbackUrl?, accountSid?, authToken? }`. */
    accepted(message) {
      accepted.push(message);
      if (!auto.type) return;
      const type = auto.type;
      const timer = setTimeout(() => {
        timers.delete(timer);
        emitEvent({ type, messageId: message.messageId ?? message.providerMessageId }).catch((error) =>
          emitted.push({ type, messageId: message.messageId, error: error.message }),
        );
      }, auto.delayMs);
      timers.add(timer);
    },
    async attach(started) {
      const fake = await started;
      const { reset, close } = fake;
      return Object.assign(fake, {
        accepted,
        emitted,
        emitEvent,
        webhookKey,
        setAutoEvent,
        reset() {
          reset();
          accepted.length = 0;
          emitted.length = 0;
          auto = { ...initial };
        },
        async close() {
          for (const timer of timers) clearTimeout(timer);
          await close();
        },
      });
    },
  };
}
