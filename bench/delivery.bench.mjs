// Delivery benchmark: N messages through Herald's outbox (notify → message row + pg-boss job → worker → mailgun.js)
// to the Mailgun fake answering after a delay, beside a baseline in the same run calling the same SDK directly with
// the same concurrency and no database. Prints both throughputs, their ratio (goal >= 0.7) and the p50/p99 time
// from notify to the fake's receipt. Asserts nothing.
//   npm run bench:delivery     (BENCH_MESSAGES=2000 BENCH_DELAY_MS=50 BENCH_CONCURRENCY=20; DATABASE_URL to use a server)
import 'reflect-metadata';
import FormData from 'form-data';
import Mailgun from 'mailgun.js';
import { createApp } from '../dist/app.factory.js';
import { loadSettings } from '../dist/config/settings.js';
import { benchDatabase } from './bench-database.mjs';
import { MessagingConfigService } from '../dist/messaging-config/messaging-config.service.js';
import { NotificationsService } from '../dist/notifications/notifications.service.js';
import { startMailgunFake } from '../test/fakes/provider-fakes.mjs';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const KEY = 'key-bench';
const DOMAIN = 'bench.example.com';

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

async function baseline(fakeUrl) {
  const started = Date.now();
  await pool(MESSAGES, CONCURRENCY, async (i) => {
    const client = new Mailgun(FormData).client({ username: 'api', key: KEY, url: fakeUrl, timeout: 10_000 });
    await client.messages.create(DOMAIN, { from: `<mailgun@${DOMAIN}>`, to: 'subject@example.org', subject: 'Bench', html: `<p>${i}</p>`, text: `${i}` });
  });
  return MESSAGES / ((Date.now() - started) / 1000);
}

async function main() {
  const database = await benchDatabase();
  const databaseUrl = database.url;
  const receivedAt = new Map();
  const fake = await startMailgunFake({
    apiKey: KEY,
    onRequest: (request) => {
      const id = request.fields['v:herald_message_id'];
      if (typeof id === 'string') receivedAt.set(id, request.receivedAt.getTime());
    },
  });
  fake.setDelay(DELAY_MS);

  const app = await createApp(
    loadSettings({
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'silent',
      MAILGUN_API_URL: fake.url,
      HERALD_DELIVERY_CONCURRENCY: String(CONCURRENCY),
      FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'bench-root-secret',
      FIDES__SECURITY__APP_ENCRYPTION_KEY: 'bench-encryption-key-32-bytes-ok',
    }),
  );
  try {
    const configs = app.get(MessagingConfigService);
    await configs.createOrUpdate({
      name: 'Bench Mailgun',
      key: 'bench_mailgun',
      serviceType: 'MAILGUN',
      details: { domain: DOMAIN, is_eu_domain: false, api_version: 'v3' },
    });
    await configs.setSecrets('bench_mailgun', { mailgun_api_key: KEY });

    const baselineRate = await baseline(fake.url);
    fake.reset();
    fake.setDelay(DELAY_MS);

    const notifications = app.get(NotificationsService);
    const notifiedAt = new Map();
    const started = Date.now();
    await pool(MESSAGES, 50, async (i) => {
      const at = Date.now();
      const { messageId } = await notifications.notify({
        actionType: 'privacy_request_review_deny',
        recipient: { email: `subject-${i}@example.org` },
        params: { rejection_reason: `bench ${i}` },
        idempotencyKey: `bench-${started}-${i}`,
      });
      notifiedAt.set(messageId, at);
    });
    const enqueuedMs = Date.now() - started;
    while (receivedAt.size < MESSAGES) await new Promise((resolve) => setTimeout(resolve, 20));
    const finished = Math.max(...receivedAt.values());
    const outboxRate = MESSAGES / ((finished - started) / 1000);
    const latencies = [...notifiedAt].map(([id, at]) => receivedAt.get(id) - at).sort((a, b) => a - b);

    console.log(`\ndelivery bench: ${MESSAGES} messages, fake answers after ${DELAY_MS} ms, concurrency ${CONCURRENCY}`);
    console.log(`baseline (mailgun.js direct, no database)  ${baselineRate.toFixed(0).padStart(6)} msg/s`);
    console.log(
      `Herald outbox (notify → worker → mailgun.js) ${outboxRate.toFixed(0).padStart(6)} msg/s   ratio ${(outboxRate / baselineRate).toFixed(2)}   (goal >= 0.7)`,
    );
    console.log(`enqueueing all took ${enqueuedMs} ms`);
    console.log(`notify → fake receipt: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`);
  } finally {
    await app.close();
    await fake.close();
    await database.stop();
  }
}

await main();
