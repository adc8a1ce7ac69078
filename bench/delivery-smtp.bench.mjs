// SMTP delivery benchmark (decision D33): N messages through Herald's outbox (notify → message row + pg-boss job →
// worker → the pooled nodemailer transport of the `smtp` provider) to the SMTP fake over STARTTLS, answering each
// message after a delay, beside a baseline in the same run: a bare nodemailer pooled transport with as many
// connections, sending the same number of messages at the same concurrency, no database. Prints both throughputs,
// their ratio and a GOAL line (>= 0.7), and the p50/p99 time from notify to the fake's receipt. Asserts nothing.
// The fake runs in a child process (SMTP over TLS costs the server as much CPU as the client): in the same event
// loop it would slow whichever side does more work of its own, which is Herald.
// Messages are enqueued with notifyMany, 100 a statement, as Herald's bulk senders do; BENCH_ENQUEUE=one enqueues them
// one notify at a time (50 at once), which adds the enqueue's own cost to the outbox's.
//   npm run bench:delivery-smtp   (BENCH_MESSAGES=2000 BENCH_DELAY_MS=50 BENCH_CONCURRENCY=20 BENCH_ENQUEUE=many|one; DATABASE_URL to use a server)
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { createApp } from '../dist/app.factory.js';
import { loadSettings } from '../dist/config/settings.js';
import { MessagingConfigService } from '../dist/messaging-config/messaging-config.service.js';
import { NotificationsService } from '../dist/notifications/notifications.service.js';
import { startSmtpFake } from '../test/fakes/smtp-fake.mjs';
import { benchDatabase } from './bench-database.mjs';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const ENQUEUE = process.env.BENCH_ENQUEUE === 'one' ? 'one' : 'many';
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const USER = 'bench-user';
const PASSWORD = 'bench-password';
const FROM = 'bench@example.com';

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Runs `task(i)` for i in 0..n-1 with at most `limit` at once. */
async function pool(n, limit, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

/** Bare nodemailer: one pooled transport with CONCURRENCY connections, CONCURRENCY sends at a time. */
async function baseline(fake) {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: CONCURRENCY,
    host: fake.host,
    port: fake.port,
    secure: false,
    requireTLS: true,
    auth: { user: USER, pass: PASSWORD },
    tls: { ca: [fake.cert] },
  });
  try {
    const started = Date.now();
    await pool(MESSAGES, CONCURRENCY, (i) =>
      transport.sendMail({ from: FROM, to: `subject-${i}@example.org`, subject: 'Bench', html: `<p>${i}</p>`, text: `${i}` }),
    );
    return MESSAGES / ((Date.now() - started) / 1000);
  } finally {
    transport.close();
  }
}

/** The child: the SMTP fake, telling the parent its address and when each of Herald's messages came. */
async function fakeProcess() {
  const fake = await startSmtpFake({
    username: USER,
    password: PASSWORD,
    onMessage: (message) => {
      const id = message.headers['x-herald-message-id'];
      if (id && message.code === 250) process.send({ received: id, at: message.receivedAt.getTime() });
    },
  });
  process.on('message', (command) => {
    if (command.delay !== undefined) fake.setDelay(command.delay);
    if (command.close) fake.close().then(() => process.exit(0));
  });
  process.send({ host: fake.host, port: fake.port, cert: fake.cert });
}

/** The fake in a child process, as the parent sees it. */
async function startFakeProcess(receivedAt) {
  const child = fork(new URL(import.meta.url).pathname, ['--fake'], { stdio: 'inherit' });
  const address = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m) => {
      if (m.received) receivedAt.set(m.received, m.at);
      else if (m.port) resolve(m);
    });
  });
  return {
    ...address,
    setDelay: (ms) => child.send({ delay: ms }),
    close: () => new Promise((resolve) => child.once('exit', resolve).send({ close: true })),
  };
}

async function main() {
  const database = await benchDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-smtp-'));
  const receivedAt = new Map();
  const fake = await startFakeProcess(receivedAt);
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, fake.cert);
  fake.setDelay(DELAY_MS);

  const app = await createApp(
    loadSettings({
      DATABASE_URL: database.url,
      LOG_LEVEL: 'silent',
      HERALD_SMTP_CA_FILE: caFile,
      HERALD_SMTP_POOL_SIZE: String(CONCURRENCY),
      HERALD_DELIVERY_CONCURRENCY: String(CONCURRENCY),
      FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'smtp',
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'bench-root-secret',
      FIDES__SECURITY__APP_ENCRYPTION_KEY: 'bench-encryption-key-32-bytes-ok',
    }),
  );
  try {
    const configs = app.get(MessagingConfigService);
    await configs.createOrUpdate({
      name: 'Bench SMTP',
      key: 'bench_smtp',
      serviceType: 'SMTP',
      details: { host: fake.host, port: fake.port, security: 'starttls', email_from: FROM },
    });
    await configs.setSecrets('bench_smtp', { smtp_username: USER, smtp_password: PASSWORD });

    const baselineRate = await baseline(fake);

    const notifications = app.get(NotificationsService);
    const notifiedAt = new Map();
    const started = Date.now();
    const command = (i) => ({
      actionType: 'privacy_request_review_deny',
      recipient: { email: `subject-${i}@example.org` },
      params: { rejection_reason: `bench ${i}` },
      idempotencyKey: `bench-smtp-${started}-${i}`,
    });
    if (ENQUEUE === 'one') {
      await pool(MESSAGES, 50, async (i) => {
        const at = Date.now();
        const { messageId } = await notifications.notify(command(i));
        notifiedAt.set(messageId, at);
      });
    } else {
      // As a bulk sender enqueues (erasure emails, batches, alerts): notifyMany, 100 messages a statement.
      for (let from = 0; from < MESSAGES; from += 100) {
        const at = Date.now();
        const batch = Array.from({ length: Math.min(100, MESSAGES - from) }, (_, k) => command(from + k));
        for (const { messageId } of await notifications.notifyMany(batch)) notifiedAt.set(messageId, at);
      }
    }
    const enqueuedMs = Date.now() - started;
    while (receivedAt.size < MESSAGES) await new Promise((resolve) => setTimeout(resolve, 20));
    const finished = Math.max(...receivedAt.values());
    const outboxRate = MESSAGES / ((finished - started) / 1000);
    const ratio = outboxRate / baselineRate;
    const latencies = [...notifiedAt].map(([id, at]) => receivedAt.get(id) - at).sort((a, b) => a - b);

    console.log(`\nSMTP delivery bench: ${MESSAGES} messages over STARTTLS, the fake answers after ${DELAY_MS} ms, concurrency ${CONCURRENCY}`);
    console.log(`baseline (bare pooled nodemailer, no database)   ${baselineRate.toFixed(0).padStart(6)} msg/s`);
    console.log(`Herald outbox (notify → worker → smtp provider)  ${outboxRate.toFixed(0).padStart(6)} msg/s   ratio ${ratio.toFixed(2)}   (goal >= 0.7)`);
    console.log(`enqueueing all took ${enqueuedMs} ms (${ENQUEUE === 'one' ? 'notify, one by one' : 'notifyMany, 100 a statement'})`);
    console.log(`notify → fake receipt: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`);
    console.log(`GOAL|smtp delivery vs bare nodemailer|${ratio.toFixed(2)}|>= 0.7|${ratio >= 0.7 ? 'yes' : 'no'}`);
  } finally {
    await app.close();
    await fake.close();
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--fake') await fakeProcess();
else await main();
