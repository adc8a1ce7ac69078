// Loopback stand-ins for Mailgun, Twilio (Messages API) and SendGrid (Twilio email), answering in each provider's
// success and error shapes, recording every request, and failing, delaying or dropping on demand.
// Used by jest specs (types in provider-fakes.d.mts), by bench/*.mjs and by `npm run fakes` (serve.mjs).
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { startAwsSesFake } from './aws-ses-fake.mjs';
import { startFakeHttpServer } from './fake-http-server.mjs';
import { fakeEventSource } from './provider-events.mjs';

export { startAwsSesFake, parseSigV4 } from './aws-ses-fake.mjs';
export { startFakeHttpServer } from './fake-http-server.mjs';

const hex = (bytes) => randomBytes(bytes).toString('hex');

/** `{ user, password }` of a Basic Authorization header, or undefined. */
export function parseBasicAuth(header) {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The token of a Bearer Authorization header, or undefined. */
export function parseBearerAuth(header) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : undefined;
}

/** A recorded field as text; throws when the request is missing or the field is missing, repeated or a file. */
export function fieldText(request, name) {
  const value = optionalFieldText(request, name);
  if (value === undefined) throw new Error(`${request ? `${request.provider} request` : 'no request'}: no field ${name}`);
  return value;
}

/** A recorded field as text, or undefined when it is missing; throws when it is repeated or a file. */
export function optionalFieldText(request, name) {
  const value = request?.fields?.[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new Error(`${request.provider} request: field ${name} is not a single text value`);
}

const first = (value) => (Array.isArray(value) ? value[0] : value);
const present = (value) => value !== undefined && value !== null && value !== '';

// ---------------------------------------------------------------- stored templates (decision D32)

/**
 * The provider-side templates a fake holds, by name: `options.templates` at the start, changed by the test through
 * `fake.templates` (a Set), back to the start's list on `reset()`.
 */
function withTemplates(started, initial = []) {
  const templates = new Set(initial);
  const reset = started.reset.bind(started);
  return Object.assign(started, {
    templates,
    reset() {
      reset();
      templates.clear();
      for (const name of initial) templates.add(name);
    },
  });
}

/** A stable SendGrid-like id for a template name (`d-` and 32 hex digits). */
export const sendgridTemplateId = (name) => `d-${Buffer.from(name.toLowerCase()).toString('hex').padEnd(32, '0').slice(0, 32)}`;

// ---------------------------------------------------------------- Mailgun: POST /{version}/{domain}/messages

const MAILGUN_MESSAGES = /^\/(v\d+)\/([^/]+)\/messages$/;
const MAILGUN_TEMPLATE = /^\/(v\d+)\/([^/]+)\/templates\/([^/]+)$/;

function mailgunError(status) {
  const messages = { 401: 'Invalid private key', 404: 'Not Found', 429: 'Too many requests' };
  return { message: messages[status] ?? STATUS_CODES[status] ?? 'Error' };
}

/**
 * Mailgun: Basic `api:{apiKey}` (any key when `apiKey` is not given), a form body; 200 `{ id, message }`. Stored
 * templates (`GET /{version}/{domain}/templates/{name}`: 200, or 404 `template not found`) are `fake.templates`.
 */
export async function startMailgunFake(options = {}) {
  const events = fakeEventSource('mailgun', options);
  let templates = new Set();
  const started = startFakeHttpServer({
    name: 'mailgun',
    host: options.host,
    port: options.port,
    onRequest: options.onRequest,
    controls: events.controls,
    errorBody: mailgunError,
    handle(record) {
      const auth = parseBasicAuth(record.authorization);
      const authorised = auth && auth.user === 'api' && auth.password !== '' && (options.apiKey === undefined || auth.password === options.apiKey);
      const template = MAILGUN_TEMPLATE.exec(record.path);
      if (template && record.method === 'GET') {
        if (!authorised) return { status: 401, body: mailgunError(401) };
        const name = decodeURIComponent(template[3]);
        if (!templates.has(name)) return { status: 404, body: { message: 'template not found' } };
        return {
          status: 200,
          body: { template: { name, description: 'stored in the fake', createdAt: new Date().toUTCString(), createdBy: '', id: hex(16) } },
        };
      }
      const match = MAILGUN_MESSAGES.exec(record.path);
      if (!match || record.method !== 'POST') return { status: 404, body: mailgunError(404) };
      if (!authorised) return { status: 401, body: mailgunError(401) };
      const f = record.fields;
      if (!present(f.from)) return { status: 400, body: { message: "'from' parameter is missing" } };
      if (!present(f.to)) return { status: 400, body: { message: "'to' parameter is missing" } };
      if (!present(f.text) && !present(f.html) && !present(f.template)) {
        return { status: 400, body: { message: "Need at least one of 'text', 'html' or 'template' parameters specified" } };
      }
      if (present(f.template) && !templates.has(first(f.template))) return { status: 400, body: { message: 'template not found' } };
      const domain = decodeURIComponent(match[2]);
      const id = `<${Date.now()}.${hex(8)}@${domain}>`;
      events.accepted({ messageId: first(f['v:herald_message_id']), providerMessageId: id, recipient: first(f.to) });
      return { status: 200, body: { id, message: 'Queued. Thank you.' } };
    },
  });
  const fake = withTemplates(await events.attach(started), options.templates);
  templates = fake.templates;
  return fake;
}

// ---------------------------------------------------------------- Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json

const TWILIO_MESSAGES = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const TWILIO_CODES = {
  400: [21211, (r) => `The 'To' number ${first(r?.fields?.To) ?? ''} is not a valid phone number.`],
  401: [20003, () => 'Authenticate'],
  404: [20404, (r) => `The requested resource ${r?.path ?? ''} was not found`],
  429: [20429, () => 'Too Many Requests'],
  500: [20500, () => 'Internal Server Error'],
  503: [20503, () => 'Service Unavailable'],
};

// Statuses without a documented Twilio code get a made-up one (20000 + status), so the shape stays the same.
function twilioError(status, record, override) {
  // Twilio echoes the number it refuses (code 21211), which is why reasons must redact the recipient.
  const [code, message] = override ?? TWILIO_CODES[status] ?? [20000 + status, () => STATUS_CODES[status] ?? 'Error'];
  return { code, message: message(record), more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** Twilio: Basic `{accountSid}:{authToken}` matching the path's account, a urlencoded body; 201 with a message resource. */
export function startTwilioFake(options = {}) {
  const events = fakeEventSource('twilio', options);
  const started = startFakeHttpServer({
    name: 'twilio',
    host: options.host,
    port: options.port,
    onRequest: options.onRequest,
    controls: events.controls,
    errorBody: (status, record) => twilioError(status, record),
    handle(record) {
      const match = TWILIO_MESSAGES.exec(record.path);
      if (!match || record.method !== 'POST') return { status: 404, body: twilioError(404, record) };
      const accountSid = decodeURIComponent(match[1]);
      const auth = parseBasicAuth(record.authorization);
      const wrong =
        !auth ||
        auth.user !== accountSid ||
        auth.password === '' ||
        (options.accountSid !== undefined && auth.user !== options.accountSid) ||
        (options.authToken !== undefined && auth.password !== options.authToken);
      if (wrong) return { status: 401, body: twilioError(401, record) };
      const f = record.fields;
      const to = first(f.To);
      const from = first(f.From);
      const service = first(f.MessagingServiceSid);
      if (!present(to)) return { status: 400, body: twilioError(400, record, [21604, () => "A 'To' phone number is required."]) };
      if (!present(first(f.Body))) return { status: 400, body: twilioError(400, record, [21602, () => 'Message body is required.']) };
      if (!present(from) && !present(service)) {
        return { status: 400, body: twilioError(400, record, [21603, () => "A 'From' or 'MessagingServiceSid' parameter is required to send a message."]) };
      }
      const sid = `SM${hex(16)}`;
      // Twilio posts status changes to the message's StatusCallback, signed with the sending account's auth token.
      const callbackUrl = first(f.StatusCallback);
      events.accepted({
        messageId: present(callbackUrl) ? new URL(callbackUrl).searchParams.get('message_id') : undefined,
        providerMessageId: sid,
        recipient: to,
        callbackUrl: present(callbackUrl) ? callbackUrl : undefined,
        accountSid,
        authToken: auth.password,
      });
      const now = new Date().toUTCString().replace('GMT', '+0000');
      const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`;
      return {
        status: 201,
        body: {
          account_sid: accountSid,
          api_version: '2010-04-01',
          body: first(f.Body),
          date_created: now,
          date_sent: null,
          date_updated: now,
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
          from: present(from) ? from : null,
          messaging_service_sid: present(service) ? service : null,
          num_media: '0',
          num_segments: '1',
          price: null,
          price_unit: 'USD',
          sid,
          status: 'queued',
          subresource_uris: { media: uri.replace('.json', '/Media.json') },
          to,
          uri,
        },
      };
    },
  });
  return events.attach(started);
}

// ---------------------------------------------------------------- SendGrid: POST /v3/mail/send

const SENDGRID_HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';

function sendgridError(status) {
  const messages = {
    401: 'The provided authorization grant is invalid, expired, or revoked',
    403: 'access forbidden',
    404: 'not found',
    413: 'request entity too large',
    429: 'too many requests',
  };
  return { errors: [{ message: messages[status] ?? (STATUS_CODES[status] ?? 'error').toLowerCase(), field: null, help: null }] };
}

function sendgridInvalid(message, field) {
  return { status: 400, body: { errors: [{ message, field, help: `${SENDGRID_HELP}#message.${field}` }] } };
}

/**
 * SendGrid: Bearer `{apiKey}` (any key when not given), a JSON body; 202 with an empty body and `x-message-id`.
 * Dynamic templates (`GET /v3/templates?generations=dynamic&page_size=N`, N from 1 to 200) are `fake.templates`,
 * by name; a send naming an unknown `template_id` is a 400.
 */
export async function startSendGridFake(options = {}) {
  const events = fakeEventSource('sendgrid', options);
  let templates = new Set();
  const started = startFakeHttpServer({
    name: 'sendgrid',
    host: options.host,
    port: options.port,
    onRequest: options.onRequest,
    controls: events.controls,
    errorBody: sendgridError,
    handle(record) {
      const key = parseBearerAuth(record.authorization);
      const authorised = key && (options.apiKey === undefined || key === options.apiKey);
      if (record.path === '/v3/templates' && record.method === 'GET') {
        if (!authorised) return { status: 401, body: sendgridError(401) };
        const size = Number(record.query.page_size);
        if (!Number.isInteger(size) || size < 1 || size > 200) return sendgridInvalid('page_size should be an integer between 1 and 200', 'page_size');
        const dynamic = record.query.generations === 'dynamic';
        const result = (dynamic ? [...templates] : [])
          .slice(0, size)
          .map((name) => ({ id: sendgridTemplateId(name), name, generation: 'dynamic', updated_at: '2026-01-01 00:00:00', versions: [] }));
        return { status: 200, body: { result, _metadata: { self: record.url, count: result.length } } };
      }
      if (record.path !== '/v3/mail/send' || record.method !== 'POST') return { status: 404, body: sendgridError(404) };
      if (!authorised) return { status: 401, body: sendgridError(401) };
      const mail = record.body;
      if (typeof mail !== 'object' || mail === null || Array.isArray(mail)) return sendgridInvalid('Bad Request', 'body');
      const personalizations = mail.personalizations;
      if (!Array.isArray(personalizations) || personalizations.length === 0) {
        return sendgridInvalid('The personalizations field is required and must have at least one personalization.', 'personalizations');
      }
      if (!personalizations.every((p) => Array.isArray(p?.to) && p.to.length > 0 && p.to.every((t) => present(t?.email)))) {
        return sendgridInvalid(
          'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
          'personalizations.0.to',
        );
      }
      if (!present(mail.from?.email)) return sendgridInvalid('The from object must be provided for every email send.', 'from');
      if (!present(mail.subject) && !personalizations.every((p) => present(p.subject))) {
        return sendgridInvalid(
          'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
          'subject',
        );
      }
      if (!present(mail.template_id) && (!Array.isArray(mail.content) || mail.content.length === 0 || !mail.content.every((c) => present(c?.value)))) {
        return sendgridInvalid(
          'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.',
          'content',
        );
      }
      if (present(mail.template_id) && ![...templates].some((name) => sendgridTemplateId(name) === mail.template_id)) {
        return sendgridInvalid('The template_id must be a valid GUID, you provided ' + String(mail.template_id) + '.', 'template_id');
      }
      const xMessageId = randomBytes(16).toString('base64url').slice(0, 22);
      // Custom args come back in each event; @sendgrid/mail puts them at the top of the body.
      const customArgs = { ...mail.custom_args, ...personalizations[0].custom_args };
      events.accepted({ messageId: customArgs.herald_message_id, providerMessageId: xMessageId, recipient: personalizations[0].to[0].email });
      return { status: 202, headers: { 'x-message-id': xMessageId } };
    },
  });
  const fake = withTemplates(await events.attach(started), options.templates);
  templates = fake.templates;
  return fake;
}

// ---------------------------------------------------------------- all of them

/**
 * Starts the fakes (each on `ports.<name>`, default 0 = any free port; AWS SES's is in aws-ses-fake.mjs) and returns
 * them with their base URLs, as Herald's settings want them (`env`), ready to pass to `loadSettings({ ...env })`.
 */
export async function startProviderFakes(options = {}) {
  const { host, ports = {}, onRequest, webhookUrl, autoEvent } = options;
  // Delivery events (decision D26) go to Herald at `webhookUrl`; `autoEvent` posts one after every accepted message.
  const events = { webhookUrl, autoEvent };
  const started = [];
  try {
    const mailgun = await startMailgunFake({ ...events, ...options.mailgun, host, port: ports.mailgun, onRequest });
    started.push(mailgun);
    const twilio = await startTwilioFake({ ...events, ...options.twilio, host, port: ports.twilio, onRequest });
    started.push(twilio);
    const sendgrid = await startSendGridFake({ ...events, ...options.sendgrid, host, port: ports.sendgrid, onRequest });
    started.push(sendgrid);
    const awsSes = await startAwsSesFake({ ...events, ...options.awsSes, host, port: ports.awsSes, onRequest });
    started.push(awsSes);
    return {
      mailgun,
      twilio,
      sendgrid,
      awsSes,
      urls: { mailgun: mailgun.url, twilio: twilio.url, sendgrid: sendgrid.url, awsSes: awsSes.url },
      env: {
        MAILGUN_API_URL: mailgun.url,
        TWILIO_API_URL: twilio.url,
        SENDGRID_API_URL: sendgrid.url,
        // One fake answers SES, STS and SNS (its signing certificates and SubscribeURLs, for the SES delivery events).
        AWS_SES_ENDPOINT_URL: awsSes.url,
        AWS_STS_ENDPOINT_URL: awsSes.url,
        AWS_SNS_ENDPOINT_URL: awsSes.url,
      },
      reset() {
        for (const fake of started) fake.reset();
      },
      async close() {
        await Promise.all(started.map((fake) => fake.close()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((fake) => fake.close()));
    throw error;
  }
}
