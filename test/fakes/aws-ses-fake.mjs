// A loopback stand-in for Amazon SES v2 (REST/JSON: `POST /v2/email/outbound-emails`, `GET /v2/email/identities/{id}`)
// and STS `AssumeRole` (query API, XML answers) on one port. Every request must carry a SigV4 Authorization header
// whose credential scope names the region (when the fake is given one) and the service (`ses` or `sts`); signatures
// themselves are not checked. Records every request; throttles, rejects or reports an identity as pending on demand.
import { randomBytes, randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { startFakeHttpServer } from './fake-http-server.mjs';

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

/** The body of an injected failure (`failNext`, `failRandomly`): SES's JSON or STS's XML, by the request's path. */
function errorBody(status, record) {
  const text = STATUS_CODES[status] ?? 'Error';
  if (record && isSts(record)) return stsXmlError(status, STS_ERROR_CODES[status] ?? (status >= 500 ? 'InternalFailure' : 'InvalidRequest'), text).body;
  return { __type: SES_ERROR_TYPES[status] ?? (status >= 500 ? 'InternalFailure' : 'BadRequestException'), message: text };
}

const xmlEscape = (text) => String(text).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
const present = (value) => typeof value === 'string' && value !== '';

/**
 * SES v2 and STS. Options: `region` (the only region accepted in the credential scope; any when not given),
 * `accessKeyId` (the only long-term key accepted; any when not given), `identityStatus` (default SUCCESS),
 * `assumedRoleSeconds` (lifetime of assumed-role credentials; default the asked DurationSeconds, else 3600).
 */
export async function startAwsSesFake(options = {}) {
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
    return { status: 200, body: { MessageId: `0100${randomBytes(8).toString('hex')}-${randomUUID()}-000000` } };
  }

  const controls = {
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

  const fake = await startFakeHttpServer({
    name: 'aws-ses',
    host: options.host,
    port: options.port,
    onRequest: options.onRequest,
    controls,
    errorBody,
    handle(record) {
      if (isSts(record)) return assumeRole(record);
      if (record.path === SEND && record.method === 'POST') return sendEmail(record);
      const identity = IDENTITY.exec(record.path);
      if (identity && record.method === 'GET') return getIdentity(record, decodeURIComponent(identity[1]));
      return sesError(404, 'NotFoundException', `Unknown operation ${record.method} ${record.path}`);
    },
  });

  const baseReset = fake.reset;
  return Object.assign(fake, {
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
    },
  });
}
