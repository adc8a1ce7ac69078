// A loopback stand-in for Amazon SES v2 (REST/JSON: `POST /v2/email/outbound-emails`, `GET /v2/email/identities/{id}`)
// and STS `AssumeRole` (query API, XML answers) on one port. Every request must carry a SigV4 Authorization header
// whose credential scope names the region (when the fake is given one) and the service (`ses` or `sts`); signatures
// themselves are not checked. Records every request; throttles, rejects or reports an identity as pending on demand.
// It also plays Amazon SNS, which brings SES's delivery events to Herald (POST /api/v1/messaging/webhooks/aws_ses): an
// RSA key and a self-signed certificate (CN sns.amazonaws.com) made at start, served at its SigningCertURL
// (`GET /SimpleNotificationService-<32 hex>.pem`, unauthenticated as SNS's are), `GET /?Action=ConfirmSubscription`
// for the SubscribeURL of the confirmations it sends (`fake.sns.subscribe`), and signed Notifications carrying the SES
// events of the messages it accepted (`fake.emitEvent`, `autoEvent`, `/__fake/events`, as the other fakes do).
import { randomBytes, randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { startFakeHttpServer } from './fake-http-server.mjs';
import { FAKE_SNS_TOPIC_ARN, WEBHOOK_PATHS, fakeEventSource, postEvent, snsCertPath, snsMessage, snsToken } from './provider-events.mjs';
import { selfSignedCertificate } from './self-signed-cert.mjs';

const SEND = '/v2/email/outbound-emails';
const IDENTITY = /^\/v2\/email\/identities\/([^/]+)$/;
const SIGV4 =
  /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;
/** What SES says of an identity it was told nothing about (`identityStatus` option: default SUCCESS). */
const IDENTITY_STATUSES = ['SUCCESS', 'PENDING', 'FAILED', 'TEMPORARY_FAILURE', 'NOT_STARTED', 'NOT_FOUND'];

/** The parts of a SigV4 Authorization header, or undefined when it is not one. */
export function parseSigV4(header) {
  const match = SIGV4.exec(header ?? '');
  if (!match) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

const isSts = (record) => record.path === '/' && record.method === 'POST';

const sesError = (status, type, message) => ({ status, headers: { 'x-amzn-errortype': type }, body: { __type: type, message } });

function stsXmlError(status, code, message) {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${type}</Type><Code>${code}</Code>` +
    `<Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  return { status, headers: { 'content-type': 'text/xml' }, body };
}

const SES_ERROR_TYPES = { 400: 'BadRequestException', 403: 'AccessDeniedException', 404: 'NotFoundException', 429: 'TooManyRequestsException' };
const STS_ERROR_CODES = { 400: 'Throttling', 403: 'AccessDenied', 429: 'Throttling' };

const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** SNS's query API: `GET /?Action=...` (what a SubscribeURL or UnsubscribeURL is), and its certificates. */
const isSns = (record) => (record.path === '/' && record.method === 'GET') || /^\/SimpleNotificationService-[^/]*\.pem$/.test(record.path);

function snsXmlError(status, code, message) {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${SNS_XMLNS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  return { status, headers: { 'content-type': 'text/xml' }, body };
}
const SNS_ERROR_CODES = { 400: 'InvalidParameter', 403: 'AuthorizationError', 404: 'NotFound', 429: 'Throttled' };

/** The body of an injected failure (`failNext`, `failRandomly`): SES's JSON, or STS's or SNS's XML, by the request's path. */
function errorBody(status, record) {
  const text = STATUS_CODES[status] ?? 'Error';
  if (record && isSts(record)) return stsXmlError(status, STS_ERROR_CODES[status] ?? (status >= 500 ? 'InternalFailure' : 'InvalidRequest'), text).body;
  if (record && isSns(record)) return snsXmlError(status, SNS_ERROR_CODES[status] ?? (status >= 500 ? 'InternalError' : 'InvalidParameter'), text).body;
  return { __type: SES_ERROR_TYPES[status] ?? (status >= 500 ? 'InternalFailure' : 'BadRequestException'), message: text };
}

const xmlEscape = (text) => String(text).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
const present = (value) => typeof value === 'string' && value !== '';

/** Where an SNS message goes: `url` as is when it names the webhook, else Herald's base URL + the webhook's path. */
function endpointOf(url) {
  if (!url) throw new Error("no webhook URL: give Herald's base URL (or the webhook's whole URL), or start the fake with webhookUrl");
  const trimmed = url.replace(/\/+$/, '');
  return new URL(trimmed).pathname.endsWith(WEBHOOK_PATHS.awsSes) ? trimmed : `${trimmed}${WEBHOOK_PATHS.awsSes}`;
}

/**
 * SES v2 and STS. Options: `region` (the only region accepted in the credential scope; any when not given),
 * `accessKeyId` (the only long-term key accepted; any when not given), `identityStatus` (default SUCCESS),
 * `assumedRoleSeconds` (lifetime of assumed-role credentials; default the asked DurationSeconds, else 3600).
 * SNS: `snsTopicArn` (default FAKE_SNS_TOPIC_ARN); delivery events: `webhookUrl`, `autoEvent`, `autoEventDelayMs`,
 * `snsSignatureVersion` (of the events' Notifications, default '1'), `sesEventFormat` (`event` or `notification`).
 */
export async function startAwsSesFake(options = {}) {
  // SNS: a key and certificate of its own (SNS signs with RSA), and the tokens of the confirmations it sent, by topic.
  const snsCert = selfSignedCertificate({ keyType: 'rsa', commonName: 'sns.amazonaws.com', dnsNames: ['sns.amazonaws.com'], ips: [] });
  const certPath = snsCertPath();
  const topicArn = options.snsTopicArn ?? FAKE_SNS_TOPIC_ARN;
  /** Tokens handed out (topic ARN → Set of tokens). Kept across reset, as a real token outlives a test's reset. */
  const tokens = new Map();
  const confirmations = [];
  let url = '';
  const events = fakeEventSource('aws-ses', {
    ...options,
    snsTopicArn: topicArn,
    snsPrivateKey: snsCert.privateKey,
    snsCertUrl: () => `${url}${certPath}`,
  });
  /** The subscription of each topic the fake sent a SubscriptionConfirmation for (the events' topic: its own). */
  const subscriptions = new Map([[topicArn, events.sns.subscriptionArn]]);
  const subscriptionOf = (topic) => {
    if (!subscriptions.has(topic)) subscriptions.set(topic, `${topic}:${randomUUID()}`);
    return subscriptions.get(topic);
  };
  const identities = new Map();
  /** Send-only faults, in order: `throttle` (429 TooManyRequestsException) or `reject` (400 MessageRejected). */
  const sendFaults = [];
  /** Temporary keys handed out by AssumeRole: access key id → { sessionToken, expiration, roleArn }. Kept across reset. */
  const issued = new Map();
  const assumedRoles = [];

  const statusOf = (identity) => identities.get(identity.toLowerCase()) ?? options.identityStatus ?? 'SUCCESS';

  /** The SigV4 check every request passes first; undefined when it passes, else the answer. */
  function refuseSignature(record, service) {
    const refuse = (code, message) => (service === 'sts' ? stsXmlError(403, code, message) : sesError(403, code, message));
    const sig = parseSigV4(record.authorization);
    record.sigv4 = sig;
    if (!sig) return refuse(service === 'sts' ? 'MissingAuthenticationToken' : 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    if (!present(record.headers['x-amz-date']))
      return refuse('IncompleteSignature', 'Authorization header requires existence of either a X-Amz-Date or a Date header.');
    if (sig.service !== service)
      return refuse(service === 'sts' ? 'SignatureDoesNotMatch' : 'InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`);
    if (options.region !== undefined && sig.region !== options.region) {
      return refuse(service === 'sts' ? 'SignatureDoesNotMatch' : 'InvalidSignatureException', `Credential should be scoped to a valid region. `);
    }
    const temporary = issued.get(sig.accessKeyId);
    if (temporary) {
      if (record.headers['x-amz-security-token'] !== temporary.sessionToken)
        return refuse(service === 'sts' ? 'InvalidClientTokenId' : 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      if (temporary.expiration.getTime() <= Date.now())
        return refuse(service === 'sts' ? 'ExpiredToken' : 'ExpiredTokenException', 'The security token included in the request is expired');
    } else if (options.accessKeyId !== undefined && sig.accessKeyId !== options.accessKeyId) {
      return refuse(service === 'sts' ? 'InvalidClientTokenId' : 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    return undefined;
  }

  function assumeRole(record) {
    const refused = refuseSignature(record, 'sts');
    if (refused) return refused;
    const f = record.fields;
    if (f.Action !== 'AssumeRole')
      return stsXmlError(400, 'InvalidAction', `Could not find operation ${xmlEscape(f.Action ?? '')} for version ${xmlEscape(f.Version ?? '')}`);
    if (!present(f.RoleArn) || !present(f.RoleSessionName)) return stsXmlError(400, 'ValidationError', 'RoleArn and RoleSessionName are required');
    const seconds = options.assumedRoleSeconds ?? (Number(f.DurationSeconds) || 3600);
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(30).toString('base64');
    const sessionToken = randomBytes(48).toString('base64');
    const expiration = new Date(Date.now() + seconds * 1000);
    issued.set(accessKeyId, { sessionToken, expiration, roleArn: f.RoleArn });
    assumedRoles.push({ roleArn: f.RoleArn, roleSessionName: f.RoleSessionName, callerAccessKeyId: record.sigv4.accessKeyId, accessKeyId });
    const roleName = f.RoleArn.split('/').pop();
    const body =
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
      `<AssumedRoleUser><AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${xmlEscape(f.RoleSessionName)}</AssumedRoleId>` +
      `<Arn>arn:aws:sts::123456789012:assumed-role/${xmlEscape(roleName)}/${xmlEscape(f.RoleSessionName)}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secretAccessKey}</SecretAccessKey>` +
      `<SessionToken>${sessionToken}</SessionToken><Expiration>${expiration.toISOString()}</Expiration></Credentials>` +
      `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body };
  }

  function getIdentity(record, identity) {
    const refused = refuseSignature(record, 'ses');
    if (refused) return refused;
    const status = statusOf(identity);
    if (status === 'NOT_FOUND') return sesError(404, 'NotFoundException', `Email identity ${identity} does not exist.`);
    return {
      status: 200,
      body: {
        IdentityType: identity.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN',
        FeedbackForwardingStatus: true,
        VerifiedForSendingStatus: status === 'SUCCESS',
        VerificationStatus: status,
        DkimAttributes: { SigningEnabled: false, Status: 'NOT_STARTED' },
        MailFromAttributes: { BehaviorOnMxFailure: 'USE_DEFAULT_VALUE', MailFromDomainStatus: 'PENDING' },
        Tags: [],
      },
    };
  }

  /** `GET /?Action=ConfirmSubscription&TopicArn=...&Token=...` (a SubscribeURL) and `GET /?Action=Unsubscribe&SubscriptionArn=...`. */
  function snsAction(record) {
    const q = record.query;
    if (q.Action === 'ConfirmSubscription') {
      if (!present(q.TopicArn) || !present(q.Token)) return snsXmlError(400, 'InvalidParameter', 'Invalid parameter: TopicArn or Token');
      if (!tokens.get(q.TopicArn)?.has(q.Token)) return snsXmlError(400, 'InvalidParameter', 'Invalid parameter: Token');
      confirmations.push({ topicArn: q.TopicArn, token: q.Token });
      const body =
        `<ConfirmSubscriptionResponse xmlns="${SNS_XMLNS}"><ConfirmSubscriptionResult>` +
        `<SubscriptionArn>${xmlEscape(subscriptionOf(q.TopicArn))}</SubscriptionArn></ConfirmSubscriptionResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>`;
      return { status: 200, headers: { 'content-type': 'text/xml' }, body };
    }
    if (q.Action === 'Unsubscribe') {
      if (![...subscriptions.values()].includes(q.SubscriptionArn)) return snsXmlError(404, 'NotFound', 'Subscription does not exist');
      const body = `<UnsubscribeResponse xmlns="${SNS_XMLNS}"><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></UnsubscribeResponse>`;
      return { status: 200, headers: { 'content-type': 'text/xml' }, body };
    }
    return snsXmlError(400, 'InvalidAction', `The action ${q.Action ?? ''} is not valid for this web service.`);
  }

  /** Posts a signed SNS message to Herald; resolves with its answer. */
  function postSns(webhookUrl, fields) {
    const call = snsMessage({ certUrl: `${url}${certPath}`, privateKey: snsCert.privateKey, ...fields });
    return postEvent({ ...call, url: endpointOf(webhookUrl ?? options.webhookUrl) });
  }

  /** A SubscriptionConfirmation or UnsubscribeConfirmation with a new token, good for ConfirmSubscription on that topic. */
  function confirmation(type, webhookUrl, opts = {}) {
    const topic = opts.topicArn ?? topicArn;
    const token = snsToken();
    if (!tokens.has(topic)) tokens.set(topic, new Set());
    tokens.get(topic).add(token);
    return postSns(webhookUrl, { type, topicArn: topic, token, subscriptionArn: subscriptionOf(topic), signatureVersion: opts.signatureVersion ?? '1' });
  }

  const sns = {
    topicArn,
    get subscriptionArn() {
      return subscriptionOf(topicArn);
    },
    privateKey: snsCert.privateKey,
    certPem: snsCert.cert,
    certPath,
    get certUrl() {
      return `${url}${certPath}`;
    },
    confirmations,
    certFetches: () => fake.requests.filter((r) => r.method === 'GET' && r.path === certPath),
    subscribe: (webhookUrl, opts) => confirmation('SubscriptionConfirmation', webhookUrl, opts),
    unsubscribe: (webhookUrl, opts) => confirmation('UnsubscribeConfirmation', webhookUrl, opts),
    notify(webhookUrl, event, opts = {}) {
      const topic = opts.topicArn ?? topicArn;
      return postSns(webhookUrl, {
        type: 'Notification',
        topicArn: topic,
        subscriptionArn: subscriptionOf(topic),
        message: typeof event === 'string' ? event : JSON.stringify(event),
        subject: opts.subject,
        messageId: opts.messageId,
        timestamp: opts.timestamp,
        signatureVersion: opts.signatureVersion ?? '1',
      });
    },
  };

  function sendEmail(record) {
    const refused = refuseSignature(record, 'ses');
    if (refused) return refused;
    const mail = record.body;
    if (typeof mail !== 'object' || mail === null || Array.isArray(mail)) return sesError(400, 'BadRequestException', 'Invalid request body');
    const from = mail.FromEmailAddress;
    const to = mail.Destination?.ToAddresses;
    const simple = mail.Content?.Simple;
    if (!present(from)) return sesError(400, 'BadRequestException', 'Missing required field FromEmailAddress');
    if (!Array.isArray(to) || to.length === 0 || !to.every(present)) return sesError(400, 'BadRequestException', 'Missing final @domain');
    if (!simple || !present(simple.Subject?.Data)) return sesError(400, 'BadRequestException', 'Subject is required');
    if (!present(simple.Body?.Html?.Data) && !present(simple.Body?.Text?.Data)) return sesError(400, 'BadRequestException', 'Body is required');
    const fault = sendFaults.shift();
    if (fault === 'throttle') return sesError(429, 'TooManyRequestsException', 'Maximum sending rate exceeded.');
    // SES refuses a sender it has not verified (by its address or its domain), as it does in the sandbox.
    const region = (record.sigv4?.region ?? '').toUpperCase();
    const unverified = [from, from.split('@').pop()].find((identity) => identities.has(identity.toLowerCase()) && statusOf(identity) !== 'SUCCESS');
    if (fault === 'reject' || unverified) {
      const who = unverified ?? from;
      return sesError(400, 'MessageRejected', `Email address is not verified. The following identities failed the check in region ${region}: ${who}`);
    }
    const providerMessageId = `0100${randomBytes(8).toString('hex')}-${randomUUID()}-000000`;
    // Herald tags each send with its own id (SES v2 EmailTags); SES gives the tags back in event publishing.
    const tag = Array.isArray(mail.EmailTags) ? mail.EmailTags.find((t) => t?.Name === 'herald_message_id') : undefined;
    events.accepted({
      messageId: present(tag?.Value) ? tag.Value : undefined,
      providerMessageId,
      recipient: to[0],
      source: from.replace(/^.*<([^>]+)>\s*$/, '$1'),
      configurationSet: present(mail.ConfigurationSetName) ? mail.ConfigurationSetName : undefined,
    });
    return { status: 200, body: { MessageId: providerMessageId } };
  }

  const controls = {
    ...events.controls,
    // curl -X POST 'http://127.0.0.1:9307/__fake/sns-subscribe?url=http://127.0.0.1:8080'  (&signatureVersion=2)
    'sns-subscribe': async (method, q) => {
      if (method !== 'POST') return { status: 405, body: { error: 'use POST' } };
      try {
        const signatureVersion = q.get('signatureVersion') ?? '1';
        return { status: 200, body: await sns.subscribe(q.get('url') ?? undefined, { signatureVersion }) };
      } catch (error) {
        return { status: 400, body: { error: error.message } };
      }
    },
    throttle: (method, q) => {
      for (let i = 0; i < Number(q.get('count') ?? 1); i++) sendFaults.push('throttle');
      return { status: 200, body: { ok: true } };
    },
    reject: (method, q) => {
      for (let i = 0; i < Number(q.get('count') ?? 1); i++) sendFaults.push('reject');
      return { status: 200, body: { ok: true } };
    },
    identity: (method, q) => {
      const status = (q.get('status') ?? 'SUCCESS').toUpperCase();
      if (!q.get('identity') || !IDENTITY_STATUSES.includes(status))
        return { status: 400, body: { error: `identity= and status=${IDENTITY_STATUSES.join('|')}` } };
      identities.set(q.get('identity').toLowerCase(), status);
      return { status: 200, body: { ok: true } };
    },
  };

  const fake = await events.attach(
    startFakeHttpServer({
      name: 'aws-ses',
      host: options.host,
      port: options.port,
      onRequest: options.onRequest,
      controls,
      errorBody,
      handle(record) {
        if (isSts(record)) return assumeRole(record);
        if (record.method === 'GET' && record.path === certPath)
          return { status: 200, headers: { 'content-type': 'application/x-x509-ca-cert' }, body: snsCert.cert };
        if (isSns(record)) return record.path === '/' ? snsAction(record) : snsXmlError(404, 'NotFound', 'The specified key does not exist.');
        if (record.path === SEND && record.method === 'POST') return sendEmail(record);
        const identity = IDENTITY.exec(record.path);
        if (identity && record.method === 'GET') return getIdentity(record, decodeURIComponent(identity[1]));
        return sesError(404, 'NotFoundException', `Unknown operation ${record.method} ${record.path}`);
      },
    }),
  );
  url = fake.url;

  const baseReset = fake.reset;
  return Object.assign(fake, {
    sns,
    throttleNext(count = 1) {
      for (let i = 0; i < count; i++) sendFaults.push('throttle');
    },
    rejectNext(count = 1) {
      for (let i = 0; i < count; i++) sendFaults.push('reject');
    },
    setIdentityStatus(identity, status) {
      identities.set(identity.toLowerCase(), status);
    },
    sends: () => fake.requests.filter((r) => r.path === SEND && r.method === 'POST'),
    identityChecks: () => fake.requests.filter((r) => IDENTITY.test(r.path) && r.method === 'GET'),
    assumeRoleCalls: () => fake.requests.filter(isSts),
    assumedRoles,
    reset() {
      baseReset();
      identities.clear();
      sendFaults.length = 0;
      assumedRoles.length = 0;
      confirmations.length = 0;
    },
  });
}
