// autocannon's setupRequest for bench/webhooks.bench.mjs (a file, since the load runs in a worker thread): every
// request is a new Mailgun `delivered` event, signed as Mailgun signs (HMAC-SHA256 of timestamp + token), for one of
// the bench's messages in turn. Settings come from the environment the bench sets before starting autocannon.
/* global process */
const { createHmac, randomBytes } = require('node:crypto');

const key = process.env.BENCH_WEBHOOK_SIGNING_KEY;
const messageIds = (process.env.BENCH_WEBHOOK_MESSAGE_IDS ?? '').split(',');
let next = 0;

module.exports = function signedMailgunEvent(request) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = randomBytes(25).toString('hex');
  const signature = createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
  const eventData = {
    event: 'delivered',
    id: randomBytes(11).toString('hex'),
    timestamp: Date.now() / 1000,
    recipient: 'bench@example.org',
    'user-variables': { herald_message_id: messageIds[next++ % messageIds.length] },
    'delivery-status': { code: 250, message: 'OK', description: '' },
  };
  request.body = JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': eventData });
  request.headers = { ...request.headers, 'content-type': 'application/json' };
  return request;
};
