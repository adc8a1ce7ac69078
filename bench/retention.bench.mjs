// Retention benchmark: how fast the purge goes, and what it costs sending. Seeds a year of messages, attempts and
// privacy requests (bench/scale/seed.mjs, SQL generate_series), then measures the outbox's delivery rate to the
// Mailgun fake (enqueued with notifyMany, delivered by the workers) twice: alone, then while a purge runs that deletes
// what is older than the periods below (about three quarters of the seed) and erases finished requests' identities.
// Prints both rates, their ratio (goal >= 0.8), and the purge's rows per second. Asserts nothing.
//
//   npm run build && npm run bench:retention
//     BENCH_RETENTION_SIZE=300000     messages seeded (a quarter as many requests)
//     BENCH_MESSAGES=3000             messages delivered per phase
//     BENCH_DELAY_MS=20 BENCH_CONCURRENCY=20
//     BENCH_DATABASE_URL=postgres://...   a server to create the database herald_retention on (else an embedded one)
import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { createApp } from '../dist/app.factory.js';
import { loadSettings } from '../dist/config/settings.js';
import { MessagingConfigService } from '../dist/messaging-config/messaging-config.service.js';
import { NotificationsService } from '../dist/notifications/notifications.service.js';
import { RetentionPurge } from '../dist/privacy-requests/retention/retention-purge.js';
import { startMailgunFake } from '../test/fakes/provider-fakes.mjs';
import { seed, seededCounts } from './scale/seed.mjs';
import { createDatabase, databaseUrl, dropDatabase, scaleServer } from './scale/server.mjs';

const SIZE = Number(process.env.BENCH_RETENTION_SIZE ?? 300_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3000);
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const BATCH = 100;
const RETENTION = {
  HERALD_RETENTION_MESSAGES_DAYS: '90',
  HERALD_RETENTION_ATTEMPTS_DAYS: '30',
  HERALD_RETENTION_EVENTS_DAYS: '30',
  HERALD_RETENTION_REQUEST_IDENTITIES_DAYS: '90',
  // Once a year: the benchmark starts the purge itself.
  HERALD_RETENTION_CRON: '0 0 1 1 *',
};
const KEY = 'key-bench-retention';
const DOMAIN = 'bench.example.com';
const NAME = 'herald_retention';

async function main() {
  const server = await scaleServer();
  await createDatabase(server.url, NAME);
  const url = databaseUrl(server.url, NAME);
  const received = new Set();
  let lastReceivedAt = 0;
  const fake = await startMailgunFake({
    apiKey: KEY,
    onRequest: (request) => {
      received.add(request.fields['v:herald_message_id']);
      lastReceivedAt = performance.now();
    },
  });
  fake.setDelay(DELAY_MS);
  const app = await createApp(
    loadSettings({
      DATABASE_URL: url,
      LOG_LEVEL: 'silent',
      MAILGUN_API_URL: fake.url,
      HERALD_DELIVERY_CONCURRENCY: String(CONCURRENCY),
      FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'bench-root-secret',
      FIDES__SECURITY__APP_ENCRYPTION_KEY: 'bench-encryption-key-32-bytes-ok',
      ...RETENTION,
    }),
  );
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    console.log(`retention bench: ${availableParallelism()} cores; seeding ${SIZE} messages`);
    await seed(client, SIZE, (line) => console.log(line));
    const before = await seededCounts(client);
    const configs = app.get(MessagingConfigService);
    await configs.createOrUpdate({
      name: 'Bench Mailgun',
      key: 'bench_mailgun',
      serviceType: 'MAILGUN',
      details: { domain: DOMAIN, is_eu_domain: false, api_version: 'v3' },
    });
    await configs.setSecrets('bench_mailgun', { mailgun_api_key: KEY });
    const notifications = app.get(NotificationsService);

    /** Enqueues MESSAGES in batches through notifyMany and waits for the fake to have them all: msg/s from first enqueue to last receipt. */
    const deliver = async (phase) => {
      received.clear();
      const started = performance.now();
      for (let i = 0; i < MESSAGES; i += BATCH) {
        await notifications.notifyMany(
          Array.from({ length: Math.min(BATCH, MESSAGES - i) }, (_, j) => ({
            actionType: 'privacy_request_review_deny',
            recipient: { email: `subject-${i + j}@example.org` },
            params: { rejection_reason: `bench ${i + j}` },
            idempotencyKey: `bench-retention-${phase}-${i + j}`,
          })),
        );
      }
      while (received.size < MESSAGES) await new Promise((resolve) => setTimeout(resolve, 10));
      return MESSAGES / ((lastReceivedAt - started) / 1000);
    };

    await deliver('warm-up');
    const alone = await deliver('alone');

    const purge = app.get(RetentionPurge);
    let purgeEnded;
    const purgeStarted = performance.now();
    const running = purge.run('manual').then((run) => {
      purgeEnded = performance.now();
      return run;
    });
    const during = await deliver('during');
    const overlapped = purgeEnded === undefined;
    const run = await running;
    const purgeSeconds = (purgeEnded - purgeStarted) / 1000;
    const rows = run.messages + run.attempts + run.events + run.requestIdentities;
    const after = await seededCounts(client);

    const ratio = during / alone;
    console.log(`\nretention bench: ${SIZE} messages seeded (${before.attempts} attempts, ${before.requests} requests), ${availableParallelism()} cores`);
    console.log(
      `purge: ${run.messages} messages, ${run.attempts} attempts, ${run.events} events, ${run.requestIdentities} identities in ${purgeSeconds.toFixed(1)} s` +
        ` = ${(rows / purgeSeconds).toFixed(0)} rows/s (${before.messages} → ${after.messages} messages, ${before.attempts} → ${after.attempts} attempts)`,
    );
    console.log(
      `delivery (${MESSAGES} messages, provider ${DELAY_MS} ms, concurrency ${CONCURRENCY}): alone ${alone.toFixed(0)} msg/s, during the purge ${during.toFixed(0)} msg/s`,
    );
    if (!overlapped) console.log('note: the purge ended before the delivery did; raise BENCH_RETENTION_SIZE for a full overlap');
    console.log(`GOAL|delivery during purge vs without|${ratio.toFixed(2)}|>= 0.8|${ratio >= 0.8 ? 'yes' : 'no'}`);
  } finally {
    await client.end();
    await app.close();
    await fake.close();
    await dropDatabase(server.url, NAME).catch(() => undefined);
    await server.stop();
  }
}

await main();
