// A loopback HTTP stand-in with request capture and fault injection; the provider fakes are built on it.
// Plain JavaScript (ESM) so that jest specs, bench/*.mjs and standalone scripts can all use it; types in the .d.mts.
import busboy from 'busboy';
import { createServer } from 'node:http';

const CONTROL_PREFIX = '/__fake/';

/** Parses `application/x-www-form-urlencoded` and `multipart/form-data` bodies (busboy); repeated names become arrays. */
function parseForm(headers, raw) {
  return new Promise((resolve, reject) => {
    const fields = {};
    const add = (name, value) => {
      if (!(name in fields)) fields[name] = value;
      else if (Array.isArray(fields[name])) fields[name].push(value);
      else fields[name] = [fields[name], value];
    };
    let parser;
    try {
      parser = busboy({ headers, defParamCharset: 'utf8', limits: { fieldSize: 10 * 1024 * 1024 } });
    } catch (error) {
      reject(error);
      return;
    }
    parser.on('field', (name, value) => add(name, value));
    parser.on('file', (name, stream, info) => {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => add(name, { filename: info.filename, mimeType: info.mimeType, content: Buffer.concat(chunks).toString('utf8') }));
    });
    parser.on('error', reject);
    parser.on('close', () => resolve(fields));
    parser.end(raw);
  });
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Starts a fake on `host` (default 127.0.0.1) and `port` (default 0: any free port).
 * `handle(record)` answers a recorded request with `{ status, headers?, body? }` (an object body is sent as JSON).
 * `errorBody(status, record)` gives the provider's error body for an injected failure.
 */
export async function startFakeHttpServer({ name, handle, errorBody, host = '127.0.0.1', port = 0, onRequest, controls = {} }) {
  const requests = [];
  const faults = [];
  let dropsLeft = 0;
  let delayMs = 0;
  let flaky = null;
  const timers = new Set();
  const waiters = new Set();

  const received = () => {
    for (const waiter of waiters) waiter();
  };
  /** Tells the listener about a request once its fate is known (answered, dropped, abandoned by the client). */
  const report = (record) => {
    if (onRequest) {
      try {
        onRequest(record);
      } catch {
        // a listener's bug must not break the fake
      }
    }
  };

  const send = (res, record, answer) => {
    record.status = answer.status;
    const headers = { ...(answer.headers ?? {}) };
    let payload = '';
    if (answer.body !== undefined && answer.body !== null) {
      if (typeof answer.body === 'string' || Buffer.isBuffer(answer.body)) {
        payload = answer.body;
      } else {
        payload = JSON.stringify(answer.body);
        headers['content-type'] ??= 'application/json; charset=utf-8';
      }
    }
    headers['content-length'] = Buffer.byteLength(payload);
    if (res.destroyed || res.writableEnded) {
      record.outcome = 'abandoned';
    } else {
      res.writeHead(answer.status, headers);
      res.end(payload);
      record.outcome = 'answered';
    }
    record.answeredAt = new Date();
    report(record);
  };

  const control = (req, res, url) => {
    const q = url.searchParams;
    const num = (key, fallback) => (q.has(key) ? Number(q.get(key)) : fallback);
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const action = url.pathname.slice(CONTROL_PREFIX.length);
    // A provider fake's own controls (its delivery events): `(method, query)` → `{ status, body }`, maybe later.
    if (Object.hasOwn(controls, action)) {
      Promise.resolve()
        .then(() => controls[action](req.method ?? 'GET', q))
        .then(
          (answer) => reply(answer.status, answer.body),
          (error) => reply(500, { error: String(error?.message ?? error) }),
        );
      return undefined;
    }
    if (action === 'requests' && req.method === 'GET') {
      // Over HTTP the Authorization value is not shown (only its scheme); in-process callers see it in `requests`.
      const hide = (value) => (value ? `${String(value).split(/\s+/)[0]} [hidden]` : value);
      return reply(
        200,
        requests.map((r) => ({ ...r, authorization: hide(r.authorization), headers: { ...r.headers, authorization: hide(r.headers.authorization) } })),
      );
    }
    if (req.method !== 'POST') return reply(405, { error: 'use POST' });
    if (action === 'fail') {
      fake.failNext(num('count', 1), num('status', 500), { retryAfter: q.get('retryAfter') ?? undefined });
      return reply(200, { ok: true });
    }
    if (action === 'flaky') {
      const statuses = (q.get('statuses') ?? '429,503').split(',').map(Number);
      fake.failRandomly(num('rate', 0), statuses, { retryAfter: q.get('retryAfter') ?? undefined });
      return reply(200, { ok: true });
    }
    if (action === 'delay') {
      fake.setDelay(num('ms', 0));
      return reply(200, { ok: true });
    }
    if (action === 'drop') {
      fake.dropNext(num('count', 1));
      return reply(200, { ok: true });
    }
    if (action === 'reset') {
      fake.reset();
      return reply(200, { ok: true });
    }
    return reply(404, { error: `unknown control ${action}` });
  };

  const server = createServer((req, res) => {
    const receivedAt = new Date();
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      req.resume();
      req.on('end', () => control(req, res, url));
      return;
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('error', () => {});
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      const text = raw.toString('utf8');
      let fields = {};
      let body;
      if (/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(contentType)) {
        try {
          fields = await parseForm(req.headers, raw);
        } catch {
          fields = {};
        }
        body = fields;
      } else if (/json/i.test(contentType)) {
        body = safeJson(text);
      } else {
        body = text === '' ? undefined : text;
      }
      const record = {
        provider: name,
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...req.headers },
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        rawBody: text,
        body,
        fields,
        receivedAt,
        status: undefined,
        outcome: 'pending',
      };
      requests.push(record);
      received();

      if (dropsLeft > 0) {
        dropsLeft -= 1;
        record.outcome = 'dropped';
        req.socket.destroy();
        report(record);
        return;
      }
      let answer;
      const fault =
        faults[0] ??
        (flaky && Math.random() < flaky.rate
          ? { left: Infinity, status: flaky.statuses[Math.floor(Math.random() * flaky.statuses.length)], retryAfter: flaky.retryAfter }
          : undefined);
      if (fault) {
        fault.left -= 1;
        if (fault.left <= 0) faults.shift();
        const headers = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
        answer = { status: fault.status, headers, body: fault.body !== undefined ? fault.body : errorBody(fault.status, record) };
      } else {
        try {
          answer = await handle(record);
        } catch (error) {
          answer = { status: 500, body: errorBody(500, record) };
          record.handlerError = String(error);
        }
      }
      if (delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send(res, record, answer);
        }, delayMs);
        timers.add(timer);
      } else {
        send(res, record, answer);
      }
    });
  });
  // Faults and delays are part of the fake's job: no server-side timeout may hide them.
  server.requestTimeout = 0;
  server.headersTimeout = 0;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const fake = {
    name,
    port: address.port,
    url: `http://${urlHost}:${address.port}`,
    requests,
    lastRequest: () => requests.at(-1),
    failNext(count, status, options = {}) {
      if (!(count > 0)) return;
      faults.push({ left: count, status, retryAfter: options.retryAfter, body: options.body });
    },
    failRandomly(rate, statuses = [429, 503], options = {}) {
      const valid = statuses.filter((status) => Number.isInteger(status) && status >= 100 && status <= 599);
      flaky = rate > 0 && valid.length > 0 ? { rate: Math.min(1, rate), statuses: valid, retryAfter: options.retryAfter } : null;
    },
    setDelay(ms) {
      delayMs = Math.max(0, Number(ms) || 0);
    },
    dropNext(count) {
      dropsLeft += Math.max(0, Number(count) || 0);
    },
    reset() {
      requests.length = 0;
      faults.length = 0;
      dropsLeft = 0;
      delayMs = 0;
      flaky = null;
    },
    waitForRequests(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(requests.slice(0, count));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${name} fake: ${requests.length} of ${count} requests after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
