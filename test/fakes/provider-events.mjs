// Delivery events as each provider posts them to a webhook, signed the provider's way (decision D26), for the fakes'
// call-backs (provider-fakes.mjs) and for tests that tamper with them. The signing is written out here from the
// providers' documentation, not taken from their SDKs, so a test cannot pass by Herald and the fake sharing a mistake.
//   Mailgun:  JSON {signature: {timestamp, token, signature: hex HMAC-SHA256(key, timestamp + token)}, event-data}
//   SendGrid: JSON array of events; X-Twilio-Email-Event-Webhook-Signature = base64 DER ECDSA P-256 SHA-256 over
//             timestamp + body, X-Twilio-Email-Event-Webhook-Timestamp = timestamp
//   Twilio:   form body; X-Twilio-Signature = base64 HMAC-SHA1(auth token, URL + sorted name+value pairs)
//   Mandrill: form body `mandrill_events` (JSON array); X-Mandrill-Signature = base64 HMAC-SHA1(webhook key, URL as
//             configured in Mandrill + sorted name+value pairs)
//   AWS SES:  an Amazon SNS HTTP(S) message (JSON body, Content-Type text/plain, x-amz-sns-* headers) whose Message is
//             the SES event as JSON text; Signature = base64 RSA PKCS#1 v1.5 (SHA1 for SignatureVersion 1, SHA256 for
//             2) over `Key\nValue\n` of the signed keys in order, checked with the certificate at SigningCertURL
import { createHmac, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';

export const EVENT_TYPES = ['delivered', 'bounced', 'complained', 'deferred'];
export const WEBHOOK_PATHS = {
  mailgun: '/api/v1/messaging/webhooks/mailgun',
  twilio: '/api/v1/messaging/webhooks/twilio_text',
  sendgrid: '/api/v1/messaging/webhooks/twilio_email',
  mandrill: '/api/v1/messaging/webhooks/mailchimp_transactional',
  awsSes: '/api/v1/messaging/webhooks/aws_ses',
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

// ---------------------------------------------------------------- Amazon SNS carrying SES events

/** The topic the SES fake's SNS messages come from unless one is given (the topic Herald is told to expect). */
export const FAKE_SNS_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:herald-ses-events';
export const SNS_MESSAGE_TYPES = ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'];

// The keys SNS signs, in this order (a key a message does not have, Subject most often, is left out).
const SNS_SIGNED_KEYS = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};
const SNS_HASHES = { 1: 'sha1', 2: 'sha256' };

function checkSnsType(type) {
  if (!SNS_MESSAGE_TYPES.includes(type)) throw new Error(`SNS message type must be one of ${SNS_MESSAGE_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
}

/** What SNS signs of a message (`fields` by their SNS names: Type, Message, MessageId, ...): `Key\nValue\n` for each signed key. */
export function snsStringToSign(fields) {
  checkSnsType(fields.Type);
  return SNS_SIGNED_KEYS[fields.Type]
    .filter((key) => fields[key] !== undefined && fields[key] !== null)
    .map((key) => `${key}\n${fields[key]}\n`)
    .join('');
}

/** SNS's Signature of a message: base64 SHA1withRSA (SignatureVersion '1') or SHA256withRSA ('2') over snsStringToSign. */
export function snsSignature(privateKey, fields, signatureVersion = '1') {
  const hash = SNS_HASHES[String(signatureVersion)];
  if (!hash) throw new Error(`SignatureVersion must be '1' or '2', got ${JSON.stringify(signatureVersion)}`);
  return sign(hash, Buffer.from(snsStringToSign(fields), 'utf8'), privateKey).toString('base64');
}

/** A SigningCertURL path as SNS's have it: `/SimpleNotificationService-<32 hex>.pem`. */
export const snsCertPath = (id = hex(16)) => `/SimpleNotificationService-${id}.pem`;
/** The SubscribeURL SNS gives for `token`, on the SNS endpoint `base`. */
export const snsSubscribeUrl = (base, topicArn, token) =>
  `${base.replace(/\/+$/, '')}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${encodeURIComponent(token)}`;
/** The UnsubscribeURL SNS puts in a Notification, on the SNS endpoint `base`. */
export const snsUnsubscribeUrl = (base, subscriptionArn) =>
  `${base.replace(/\/+$/, '')}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`;
/** A confirmation token as SNS hands them out (long hex). */
export const snsToken = () => hex(112);

const snsBodyText = (fields) =>
  // SNS's own layout: one `"Key" : value` a line. Any JSON parser reads it; a byte-exact check of the body would not.
  `{\n${Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `  ${JSON.stringify(key)} : ${JSON.stringify(value)}`)
    .join(',\n')}\n}`;

/**
 * One SNS HTTP(S) message to Herald's SES webhook: `{ path, headers, body }` (body as the JSON text SNS sends).
 * `message` is the Message (an object is sent as its JSON text); for the two confirmations it defaults to SNS's words.
 * `certUrl` is the SigningCertURL; the SubscribeURL and UnsubscribeURL default to its origin (the SNS endpoint).
 */
export function snsMessage({
  type,
  topicArn = FAKE_SNS_TOPIC_ARN,
  message,
  subject,
  messageId = randomUUID(),
  token,
  subscribeUrl,
  unsubscribeUrl,
  subscriptionArn = `${topicArn}:${randomUUID()}`,
  timestamp = new Date().toISOString(),
  signatureVersion = '1',
  certUrl,
  privateKey,
}) {
  checkSnsType(type);
  if (!certUrl) throw new Error('snsMessage: certUrl (the SigningCertURL) is required');
  if (!privateKey) throw new Error('snsMessage: privateKey (the key of the certificate at certUrl) is required');
  const endpoint = new URL(certUrl).origin;
  const text = (value) => (typeof value === 'string' || value === undefined ? value : JSON.stringify(value));
  let fields;
  if (type === 'Notification') {
    if (message === undefined) throw new Error('snsMessage: a Notification needs a message');
    fields = {
      Type: type,
      MessageId: messageId,
      TopicArn: topicArn,
      Subject: subject,
      Message: text(message),
      Timestamp: timestamp,
      SignatureVersion: String(signatureVersion),
      Signature: '',
      SigningCertURL: certUrl,
      UnsubscribeURL: unsubscribeUrl ?? snsUnsubscribeUrl(endpoint, subscriptionArn),
    };
  } else {
    const confirmationToken = token ?? snsToken();
    const defaultMessage =
      type === 'SubscriptionConfirmation'
        ? `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
        : `You have chosen to deactivate subscription ${subscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
    fields = {
      Type: type,
      MessageId: messageId,
      Token: confirmationToken,
      TopicArn: topicArn,
      Message: text(message) ?? defaultMessage,
      SubscribeURL: subscribeUrl ?? snsSubscribeUrl(endpoint, topicArn, confirmationToken),
      Timestamp: timestamp,
      SignatureVersion: String(signatureVersion),
      Signature: '',
      SigningCertURL: certUrl,
    };
  }
  fields.Signature = snsSignature(privateKey, fields, signatureVersion);
  const headers = {
    'content-type': 'text/plain; charset=UTF-8',
    'x-amz-sns-message-type': type,
    'x-amz-sns-message-id': messageId,
    'x-amz-sns-topic-arn': topicArn,
    // SNS names the subscription on a Notification and on an UnsubscribeConfirmation (it exists then), not before.
    ...(type === 'SubscriptionConfirmation' ? {} : { 'x-amz-sns-subscription-arn': subscriptionArn }),
    'user-agent': 'Amazon Simple Notification Service Agent',
  };
  return { path: WEBHOOK_PATHS.awsSes, headers, body: snsBodyText(fields) };
}

// The object of each SES event type, by the key it has in the event ('Rendering Failure' is SES's own spelling).
const SES_EVENT_KEYS = {
  Send: 'send',
  Reject: 'reject',
  Bounce: 'bounce',
  Complaint: 'complaint',
  Delivery: 'delivery',
  Open: 'open',
  Click: 'click',
  'Rendering Failure': 'failure',
  DeliveryDelay: 'deliveryDelay',
  Subscription: 'subscription',
};
const SES_KINDS = { delivered: 'Delivery', bounced: 'Bounce', complained: 'Complaint', deferred: 'DeliveryDelay' };
/** The event types SES's identity notifications (notificationType) have; the rest come only by event publishing. */
const SES_NOTIFICATION_TYPES = ['Delivery', 'Bounce', 'Complaint'];

/** An SES message id as SES gives them (the SendEmail answer's MessageId, the event's mail.messageId). */
export const sesMessageId = () => `0100${hex(8)}-${randomUUID()}-000000`;

/**
 * One SES event, the object SNS carries as its Message. `format`: `event` (event publishing through a configuration
 * set: `eventType`, `mail.tags` with `herald_message_id` when `messageId` is given) or `notification` (an identity's
 * notifications: `notificationType`, no tags; Delivery, Bounce and Complaint only). `kind` names any SES event type
 * instead of `type` (`Reject`, `Send`, `Open`, `Click`, `Rendering Failure`, `Subscription`, `Bounce`, ...).
 */
export function sesEvent({
  type,
  kind,
  format = 'event',
  messageId,
  providerMessageId = sesMessageId(),
  recipient = 'someone@example.org',
  source = 'privacy@example.com',
  configurationSet = 'herald',
  bounceType = 'Permanent',
  bounceSubType,
}) {
  if (kind === undefined) checkType(type);
  const eventType = kind ?? SES_KINDS[type];
  if (format !== 'event' && format !== 'notification') throw new Error(`format must be event or notification, got ${JSON.stringify(format)}`);
  if (!Object.hasOwn(SES_EVENT_KEYS, eventType)) throw new Error(`unknown SES event type ${JSON.stringify(eventType)}`);
  if (format === 'notification' && !SES_NOTIFICATION_TYPES.includes(eventType)) {
    throw new Error(`SES identity notifications have no ${eventType} (only ${SES_NOTIFICATION_TYPES.join(', ')}): use format 'event'`);
  }
  const now = new Date();
  const sent = new Date(now.getTime() - 1500).toISOString();
  const at = now.toISOString();
  const feedbackId = `0100${hex(8)}-${randomUUID()}-000000`;
  const domain = source.split('@').pop();
  const mail = {
    timestamp: sent,
    source,
    sourceArn: `arn:aws:ses:us-east-1:123456789012:identity/${domain}`,
    ...(format === 'notification' ? { sourceIp: '192.0.2.10' } : {}),
    sendingAccountId: '123456789012',
    ...(format === 'notification' ? { callerIdentity: 'herald' } : {}),
    messageId: providerMessageId,
    destination: [recipient],
    headersTruncated: false,
    ...(format === 'event'
      ? {
          tags: {
            'ses:configuration-set': [configurationSet],
            'ses:source-ip': ['192.0.2.10'],
            'ses:from-domain': [domain],
            'ses:caller-identity': ['herald'],
            'ses:outgoing-ip': ['198.51.100.7'],
            ...(messageId ? { herald_message_id: [messageId] } : {}),
          },
        }
      : {}),
    commonHeaders: { from: [source], to: [recipient], messageId: providerMessageId, subject: 'Your privacy request' },
  };
  const bounceRecipient = {
    Permanent: { emailAddress: recipient, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
    Transient: { emailAddress: recipient, action: 'failed', status: '5.2.2', diagnosticCode: 'smtp; 552 5.2.2 Mailbox full' },
    Undetermined: { emailAddress: recipient },
  };
  const details = {
    Send: {},
    Reject: { reason: 'Bad content' },
    Bounce: {
      bounceType,
      bounceSubType: bounceSubType ?? (bounceType === 'Undetermined' ? 'Undetermined' : 'General'),
      bouncedRecipients: [bounceRecipient[bounceType] ?? bounceRecipient.Permanent],
      timestamp: at,
      feedbackId,
      reportingMTA: 'dsn; a8-70.smtp-out.amazonses.com',
      ...(format === 'notification' ? { remoteMtaIp: '203.0.113.25' } : {}),
    },
    Complaint: {
      complainedRecipients: [{ emailAddress: recipient }],
      timestamp: at,
      feedbackId,
      complaintSubType: null,
      complaintFeedbackType: 'abuse',
      userAgent: 'ExampleCorp Feedback Loop (V0.01)',
      arrivalDate: sent,
    },
    Delivery: {
      timestamp: at,
      processingTimeMillis: 1500,
      recipients: [recipient],
      smtpResponse: '250 2.6.0 Message received',
      remoteMtaIp: '203.0.113.25',
      reportingMTA: 'a8-70.smtp-out.amazonses.com',
    },
    DeliveryDelay: {
      delayType: 'TransientCommunicationFailure',
      expirationTime: new Date(now.getTime() + 86_400_000).toISOString(),
      delayedRecipients: [{ emailAddress: recipient, status: '4.4.1', diagnosticCode: 'smtp; 421 4.4.1 Unable to connect' }],
      timestamp: at,
    },
    Open: { ipAddress: '192.0.2.1', timestamp: at, userAgent: 'Mozilla/5.0' },
    Click: { ipAddress: '192.0.2.1', link: 'https://example.com/privacy', linkTags: {}, timestamp: at, userAgent: 'Mozilla/5.0' },
    'Rendering Failure': { errorMessage: "Attribute 'name' is not present in the rendering data.", templateName: 'herald' },
    Subscription: {
      contactList: 'herald',
      timestamp: at,
      source: 'UnsubscribeHeader',
      newTopicPreferences: { unsubscribeAll: true, topicSubscriptionStatus: [] },
      oldTopicPreferences: { unsubscribeAll: false, topicSubscriptionStatus: [] },
    },
  };
  return { [format === 'event' ? 'eventType' : 'notificationType']: eventType, mail, [SES_EVENT_KEYS[eventType]]: details[eventType] };
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
  // AWS SES: the SNS topic its events come from, the subscription they come by, and the key and SigningCertURL that
  // sign them (the SES fake's own, served by it; the URL may be a function, as it is known once the fake listens).
  const topicArn = options.snsTopicArn ?? FAKE_SNS_TOPIC_ARN;
  const subscriptionArn = options.snsSubscriptionArn ?? `${topicArn}:${randomUUID()}`;
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
    if (provider === 'aws-ses') {
      const certUrl = typeof options.snsCertUrl === 'function' ? options.snsCertUrl() : options.snsCertUrl;
      if (!options.snsPrivateKey || !certUrl) throw new Error('aws-ses events need snsPrivateKey and snsCertUrl (the SES fake gives its own)');
      const event = sesEvent({
        type,
        format: options.sesEventFormat ?? 'event',
        messageId: message.messageId,
        providerMessageId: message.providerMessageId,
        recipient: message.recipient,
        source: message.source,
        configurationSet: message.configurationSet,
      });
      return snsMessage({
        type: 'Notification',
        topicArn,
        subscriptionArn,
        message: JSON.stringify(event),
        signatureVersion: options.snsSignatureVersion ?? '1',
        certUrl,
        privateKey: options.snsPrivateKey,
      });
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
          : provider === 'aws-ses'
            ? { topic_arn: topicArn }
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
    /** The SNS topic and subscription of AWS SES events (for the SES fake's own SNS messages). */
    sns: { topicArn, subscriptionArn },
    /**
     * The handler took a message: `{ messageId, providerMessageId, recipient, callbackUrl?, accountSid?, authToken? }`
     * (AWS SES: also `source?`, `configurationSet?`).
     */
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
