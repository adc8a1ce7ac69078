// A loopback stand-in for Mailchimp Transactional (Mandrill): `POST /api/1.x/messages/send[.json]` with the key in the
// JSON body, answering the per-recipient statuses Mandrill gives, recording every request, rejecting recipients
// (`reject_reason`) and failing, delaying or dropping on demand (the common controls of fake-http-server.mjs).
// Like the other fakes (provider-events.mjs), it posts Mandrill's signed webhook events for the messages it took to
// Herald: on demand (`emitEvent`, `POST /__fake/events?type=...`) or after each one (`autoEvent`, `/__fake/auto-events`).
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { startFakeHttpServer } from './fake-http-server.mjs';
import { fakeEventSource } from './provider-events.mjs';

const SEND = /^\/api\/1\.\d+\/messages\/send(\.json)?$/;

/** Mandrill answers every error with its error body; the HTTP status is 500 for most, whatever the cause. */
function mandrillError(status, name, message) {
  return {
    status: 'error',
    code: -1,
    name: name ?? (status === 503 ? 'ServiceUnavailable' : 'GeneralError'),
    message: message ?? STATUS_CODES[status] ?? 'Error',
  };
}

/** Mandrill: `{ key, message }` JSON, the key checked (any non-empty one unless `apiKey` is given); 200 with one status per recipient. */
export async function startMandrillFake(options = {}) {
  let rejections = [];
  let recipientStatus;
  const events = fakeEventSource('mandrill', options);
  const controls = {
    ...events.controls,
    // curl -X POST 'http://127.0.0.1:9304/__fake/reject?count=1&reason=hard-bounce'
    reject(method, query) {
      if (method !== 'POST') return { status: 405, body: { error: 'POST only' } };
      const count = Number(query.get('count') ?? '1');
      for (let i = 0; i < count; i++) rejections.push(query.get('reason') ?? 'hard-bounce');
      return { status: 200, body: { rejecting: rejections.length } };
    },
  };
  const fake = await events.attach(
    startFakeHttpServer({
      name: 'mandrill',
      host: options.host,
      port: options.port,
      onRequest: options.onRequest,
      controls,
      errorBody: (status) => mandrillError(status),
      handle(record) {
        if (!SEND.test(record.path) || record.method !== 'POST') return { status: 500, body: mandrillError(500, 'Invalid_Path', 'Unknown API path') };
        const body = record.body;
        const key = typeof body === 'object' && body !== null ? body.key : undefined;
        if (typeof key !== 'string' || key === '' || (options.apiKey !== undefined && key !== options.apiKey)) {
          return { status: 500, body: mandrillError(500, 'Invalid_Key', 'Invalid API key') };
        }
        const message = body.message;
        if (typeof message !== 'object' || message === null || !Array.isArray(message.to) || message.to.length === 0) {
          return { status: 500, body: mandrillError(500, 'ValidationError', 'You must specify a message value') };
        }
        return {
          status: 200,
          body: message.to.map((to) => {
            const reason = rejections.shift();
            const _id = randomBytes(16).toString('hex');
            if (reason !== undefined) return { email: to.email, status: 'rejected', reject_reason: reason, _id };
            // Herald's id comes back in the events' metadata, as Mandrill returns the message's `metadata`.
            events.accepted({ messageId: message.metadata?.herald_message_id, providerMessageId: _id, recipient: to.email });
            return { email: to.email, status: recipientStatus ?? 'sent', reject_reason: null, _id };
          }),
        };
      },
    }),
  );
  const reset = fake.reset.bind(fake);
  return Object.assign(fake, {
    /** The next `count` recipients are rejected with `reason` (`hard-bounce`, `soft-bounce`, `unsigned`, ...). */
    rejectNext(count, reason) {
      for (let i = 0; i < count; i++) rejections.push(reason);
    },
    /** The status of the recipients not rejected (`sent` by default; `queued`, `scheduled`, `invalid`). */
    answerStatus(status) {
      recipientStatus = status;
    },
    reset() {
      rejections = [];
      recipientStatus = undefined;
      reset();
    },
  });
}
