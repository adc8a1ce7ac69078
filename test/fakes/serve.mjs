// `npm run fakes`: Mailgun, Twilio, SendGrid and AWS SES (with SNS) stand-ins on fixed loopback ports, to try Herald end to end without
// accounts. Start Herald with the printed *_API_URL settings; every request the fakes receive is logged here.
//   MAILGUN_FAKE_PORT (9301), TWILIO_FAKE_PORT (9302), SENDGRID_FAKE_PORT (9303), AWS_SES_FAKE_PORT (9307: SES v2, STS and SNS), FAKES_HOST (127.0.0.1)
//   MANDRILL_FAKE_PORT (9304): Mailchimp Transactional; curl -X POST 'http://127.0.0.1:9304/__fake/reject?count=1&reason=hard-bounce'
//   SMTP_FAKE_PORT (9305): an SMTP server offering STARTTLS; its self-signed certificate is written to a file for HERALD_SMTP_CA_FILE
//   SMTP_FAKE_CONTROL_PORT (9306): curl -X POST 'http://127.0.0.1:9306/__fake/fail?count=1&code=450'  (421, 450, 550, ...);
//     curl 'http://127.0.0.1:9306/__fake/messages'
//   FAKES_VERBOSE=1 prints whole bodies (default: values cut at 200 characters)
//   FAKES_TEMPLATES=fides   provider-side templates the Mailgun and SendGrid fakes hold (comma-separated names; D32)
// Fault injection from another shell (per fake, on its own port):
//   curl -X POST 'http://127.0.0.1:9301/__fake/fail?count=2&status=500'     (also &retryAfter=7)
//   curl -X POST 'http://127.0.0.1:9302/__fake/delay?ms=15000'              (0 to stop)
//   curl -X POST 'http://127.0.0.1:9301/__fake/flaky?rate=0.3&statuses=429,503'  (random failures; rate=0 to stop)
//   curl -X POST 'http://127.0.0.1:9303/__fake/drop?count=1'
//   curl -X POST 'http://127.0.0.1:9307/__fake/throttle?count=1'   (SES SendEmail: 429; reject?count=1: MessageRejected)
//   curl -X POST 'http://127.0.0.1:9307/__fake/identity?identity=privacy@example.com&status=PENDING'   (SUCCESS, FAILED, NOT_FOUND, ...)
//   curl -X POST 'http://127.0.0.1:9301/__fake/reset';  curl 'http://127.0.0.1:9301/__fake/requests'   (Authorization values hidden)
// Delivery events (decision D26), posted to Herald's webhooks signed the provider's way:
//   FAKES_WEBHOOK_URL=http://127.0.0.1:8080 (Herald's base URL; Twilio uses the StatusCallback Herald gave it)
//   FAKES_AUTO_EVENT=delivered|bounced|complained|deferred   one event after every accepted message
//   FAKES_MAILGUN_SIGNING_KEY (default fake-mailgun-webhook-signing-key): set it as the config's mailgun_webhook_signing_key
//   FAKES_MANDRILL_WEBHOOK_KEY (default fake-mandrill-webhook-key): set it as the config's mailchimp_transactional_webhook_key
//   curl 'http://127.0.0.1:9303/__fake/webhook-key'     SendGrid's public key, for twilio_email_webhook_public_key
//   AWS SES: Amazon SNS messages carrying SES events, signed with the certificate the SES fake serves (9307, also
//     AWS_SNS_ENDPOINT_URL), from the topic arn:aws:sns:us-east-1:123456789012:herald-ses-events (the topic ARN to
//     configure; curl 'http://127.0.0.1:9307/__fake/webhook-key'). A SubscriptionConfirmation, Herald confirming at the fake:
//     curl -X POST 'http://127.0.0.1:9307/__fake/sns-subscribe?url=http://127.0.0.1:8080'   (&signatureVersion=2)
//   curl -X POST 'http://127.0.0.1:9301/__fake/events?type=bounced'   (&message_id=<Herald's id>, default the last message)
//   curl -X POST 'http://127.0.0.1:9302/__fake/auto-events?type=delivered'   (type=off to stop; &url= Herald's base URL)
import { EVENT_TYPES } from './provider-events.mjs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMandrillFake } from './mandrill-fake.mjs';
import { startProviderFakes } from './provider-fakes.mjs';
import { startSmtpFake, startSmtpFakeControls } from './smtp-fake.mjs';

function port(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    console.error(`${name} must be a port number (0-65535), got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return parsed;
}

const verbose = ['1', 'true', 'yes'].includes((process.env.FAKES_VERBOSE ?? '').toLowerCase());
const cut = (value) => {
  if (typeof value === 'string') return verbose || value.length <= 200 ? value : `${value.slice(0, 200)}… (${value.length} chars)`;
  if (Array.isArray(value)) return value.map(cut);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cut(v)]));
  return value;
};

function log(request) {
  const time = request.receivedAt.toISOString().slice(11, 23);
  const answer = request.outcome === 'answered' ? String(request.status) : request.outcome;
  const ms = request.answeredAt ? ` ${request.answeredAt.getTime() - request.receivedAt.getTime()}ms` : '';
  // The Authorization header's value is never printed: only its scheme.
  const auth = request.authorization ? `${request.authorization.split(/\s+/)[0]} [hidden]` : 'none';
  // Mandrill's key travels in the body: hidden the same way.
  if (request.provider === 'mandrill' && request.body && typeof request.body === 'object') request = { ...request, body: { ...request.body, key: '[hidden]' } };
  console.log(`${time} [${request.provider}] ${request.method} ${request.url} -> ${answer}${ms} (authorization: ${auth}, ${request.contentType ?? 'no body'})`);
  if (request.body !== undefined) console.log(`  ${JSON.stringify(cut(request.body))}`);
}

const autoEvent = process.env.FAKES_AUTO_EVENT?.trim() || undefined;
if (autoEvent !== undefined && !EVENT_TYPES.includes(autoEvent)) {
  console.error(`FAKES_AUTO_EVENT must be one of ${EVENT_TYPES.join(', ')}, got ${JSON.stringify(autoEvent)}`);
  process.exit(2);
}
const webhookUrl = process.env.FAKES_WEBHOOK_URL?.trim().replace(/\/+$/, '') || undefined;
const templates = (process.env.FAKES_TEMPLATES ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter((name) => name !== '');

const fakes = await startProviderFakes({
  host: process.env.FAKES_HOST || '127.0.0.1',
  webhookUrl,
  autoEvent,
  mailgun: { templates, ...(process.env.FAKES_MAILGUN_SIGNING_KEY ? { webhookSigningKey: process.env.FAKES_MAILGUN_SIGNING_KEY } : {}) },
  sendgrid: { templates },
  ports: {
    mailgun: port('MAILGUN_FAKE_PORT', 9301),
    twilio: port('TWILIO_FAKE_PORT', 9302),
    sendgrid: port('SENDGRID_FAKE_PORT', 9303),
    awsSes: port('AWS_SES_FAKE_PORT', 9307),
  },
  onRequest: log,
}).catch((error) => {
  console.error(`Could not start the provider fakes: ${error.message}`);
  process.exit(1);
});

const host = process.env.FAKES_HOST || '127.0.0.1';
const mandrill = await startMandrillFake({
  host,
  port: port('MANDRILL_FAKE_PORT', 9304),
  onRequest: log,
  webhookUrl,
  autoEvent,
  ...(process.env.FAKES_MANDRILL_WEBHOOK_KEY ? { webhookSigningKey: process.env.FAKES_MANDRILL_WEBHOOK_KEY } : {}),
});
const smtp = await startSmtpFake({
  host,
  port: port('SMTP_FAKE_PORT', 9305),
  onMessage: (m) =>
    console.log(
      `${m.receivedAt.toISOString().slice(11, 23)} [smtp] ${m.from} -> ${m.to.join(', ')} ${m.code} (tls: ${m.secure}) ${JSON.stringify(cut(m.subject ?? ''))}`,
    ),
});
const smtpControls = await startSmtpFakeControls(smtp, { host, port: port('SMTP_FAKE_CONTROL_PORT', 9306) });
const caFile = join(tmpdir(), `herald-smtp-fake-${smtp.port}.pem`);
writeFileSync(caFile, smtp.cert);

console.log('Provider fakes listening. Start Herald with:');
for (const [name, value] of Object.entries(fakes.env)) console.log(`${name}=${value}`);
console.log(`MAILCHIMP_TRANSACTIONAL_API_URL=${mandrill.url}`);
console.log(`HERALD_SMTP_CA_FILE=${caFile}   (SMTP config: host ${smtp.host}, port ${smtp.port}, security starttls; controls ${smtpControls.url})`);
console.log('Any key is accepted. Ctrl-C to stop.');
if (templates.length > 0) console.log(`Provider-side templates held by the Mailgun and SendGrid fakes: ${templates.join(', ')}.`);
console.log(`Delivery events: to ${webhookUrl ?? '(no FAKES_WEBHOOK_URL: only on demand with url=)'}${autoEvent ? `, ${autoEvent} after every message` : ''}.`);
console.log(`  mailgun_webhook_signing_key: ${fakes.mailgun.webhookKey().signing_key}`);
console.log(`  twilio_email_webhook_public_key: ${fakes.sendgrid.webhookKey().public_key}`);
console.log(`  mailchimp_transactional_webhook_key: ${mandrill.webhookKey().webhook_key}`);
console.log(`  aws_ses SNS topic ARN: ${fakes.awsSes.webhookKey().topic_arn} (POST ${fakes.awsSes.url}/__fake/sns-subscribe?url=<Herald's base URL>)`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await Promise.all([fakes.close(), mandrill.close(), smtp.close(), smtpControls.close()]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
