// A loopback SMTP server (smtp-server) standing in for a mail relay: it takes AUTH PLAIN/LOGIN with any login (or the
// one given), offers STARTTLS (or speaks TLS from the start with `secure: true`) with a self-signed certificate made
// at start, records every message's envelope, headers and parts, and answers 421/450/550 (any code) on demand.
// Used by jest specs (types in smtp-fake.d.mts), by bench/delivery-smtp.bench.mjs and by `npm run fakes`.
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { selfSignedCertificate } from './self-signed-cert.mjs';

/** Unfolded headers of a MIME entity, lower-case names, and its body. */
function splitEntity(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeBody(body, encoding = '') {
  const e = encoding.toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable') {
    const bytes = Buffer.from(
      body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    );
    return bytes.toString('utf8');
  }
  return body;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`), as nodemailer writes non-ASCII subjects. */
function decodeWords(value) {
  return value.replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=\s*(?==\?)?/gi, (_, charset, kind, text) =>
    kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeBody(text.replace(/_/g, ' '), 'quoted-printable'),
  );
}

/** The text/plain and text/html parts of a message (multipart/alternative or single part). */
function parts(entity) {
  const type = entity.headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const pieces = entity.body.split(`--${boundary}`).slice(1);
    return pieces.filter((p) => !p.startsWith('--')).flatMap((p) => parts(splitEntity(p.replace(/^\r?\n/, ''))));
  }
  const text = decodeBody(entity.body, entity.headers['content-transfer-encoding']).replace(/\r?\n$/, '');
  return [{ type: type.split(';')[0].trim().toLowerCase(), text }];
}

/** What a raw message says: its headers, subject and parts (first text/plain as `text`, first text/html as `html`). */
export function parseMessage(raw) {
  const entity = splitEntity(raw);
  const all = parts(entity);
  return {
    headers: entity.headers,
    subject: entity.headers.subject === undefined ? undefined : decodeWords(entity.headers.subject),
    text: all.find((p) => p.type === 'text/plain')?.text,
    html: all.find((p) => p.type === 'text/html')?.text,
  };
}

/**
 * Controls over HTTP for another shell (`npm run fakes`): `POST /__fake/fail?count=1&code=450[&message=...]`,
 * `POST /__fake/delay?ms=`, `POST /__fake/reset`, `GET /__fake/messages` (envelopes and subjects, no bodies).
 */
export async function startSmtpFakeControls(fake, { host = '127.0.0.1', port = 0 } = {}) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const q = url.searchParams;
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const action = `${req.method} ${url.pathname}`;
    if (action === 'POST /__fake/fail') {
      const code = Number(q.get('code') ?? '450');
      if (!Number.isInteger(code) || code < 400 || code > 599) return reply(400, { error: 'code must be a 4xx or 5xx SMTP reply code' });
      fake.failNext(Number(q.get('count') ?? '1'), code, q.get('message') ?? undefined);
      return reply(200, { failing: code });
    }
    if (action === 'POST /__fake/delay') {
      fake.setDelay(Number(q.get('ms') ?? '0'));
      return reply(200, { delayMs: Number(q.get('ms') ?? '0') });
    }
    if (action === 'POST /__fake/reset') {
      fake.reset();
      return reply(200, { reset: true });
    }
    if (action === 'GET /__fake/messages') {
      return reply(
        200,
        fake.attempts.map((m) => ({ from: m.from, to: m.to, subject: m.subject, code: m.code, secure: m.secure })),
      );
    }
    return reply(404, { error: 'unknown control' });
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return {
    url: `http://${host}:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const smtpError = (code, message) => Object.assign(new Error(message), { responseCode: code });
const DEFAULT_TEXT = {
  421: 'Service not available, closing transmission channel',
  450: 'Mailbox unavailable, try again later',
  451: 'Local error in processing',
  452: 'Insufficient system storage',
  550: 'Mailbox unavailable',
  552: 'Exceeded storage allocation',
  554: 'Transaction failed',
};

/**
 * Starts the SMTP fake on `port` (0 = any free) of 127.0.0.1. `secure: true` speaks TLS from the start (as port 465);
 * otherwise STARTTLS is offered. `username`/`password`, when given, are the only login accepted.
 */
export async function startSmtpFake(options = {}) {
  const { key, cert } = selfSignedCertificate();
  const messages = [];
  const attempts = [];
  let failures = [];
  let delayMs = 0;
  const waiters = new Set();

  const server = new SMTPServer({
    secure: options.secure === true,
    key,
    cert,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true, // the `none` security mode logs in over plain text, as some private relays do
    disableReverseLookup: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      const wrong =
        !auth.username ||
        !auth.password ||
        (options.username !== undefined && auth.username !== options.username) ||
        (options.password !== undefined && auth.password !== options.password);
      if (wrong) return callback(smtpError(535, 'Authentication credentials invalid'));
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const attempt = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user,
          secure: session.secure,
          raw,
          ...parseMessage(raw),
          receivedAt: new Date(),
        };
        const finish = () => {
          const failure = failures.shift();
          attempt.code = failure ? failure.code : 250;
          attempts.push(attempt);
          options.onMessage?.(attempt);
          if (failure) return callback(smtpError(failure.code, failure.message));
          messages.push(attempt);
          for (const waiter of [...waiters]) waiter();
          callback(null, `OK queued as ${messages.length}`);
        };
        if (delayMs > 0) setTimeout(finish, delayMs);
        else finish();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined); // a client that leaves mid-session is not the fake's failure
  const port = server.server.address().port;

  return {
    name: 'smtp',
    port,
    host: options.host ?? '127.0.0.1',
    /** The certificate to trust (write it to a file for HERALD_SMTP_CA_FILE). */
    cert,
    /** Messages accepted (250), oldest first. */
    messages,
    /** Every message received, accepted or failed on demand, with the `code` answered. */
    attempts,
    /** The next `count` messages are answered `code` (421, 450, 550, ...) after their data, with `message` or the usual text. */
    failNext(count, code, message) {
      for (let i = 0; i < count; i++) failures.push({ code, message: message ?? DEFAULT_TEXT[code] ?? 'Error' });
    },
    /** Every answer to a message's data waits `ms` (0 to stop). */
    setDelay(ms) {
      delayMs = ms;
    },
    reset() {
      messages.length = 0;
      attempts.length = 0;
      failures = [];
      delayMs = 0;
    },
    /** Resolves with the first `count` accepted messages once there are that many. */
    waitForMessages(count, timeoutMs = 10_000) {
      if (messages.length >= count) return Promise.resolve(messages.slice(0, count));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`smtp fake: ${messages.length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice(0, count));
        };
        waiters.add(check);
      });
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
