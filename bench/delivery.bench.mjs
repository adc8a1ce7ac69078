// Delivery benchmark: N messages through Herald's outbox (message row + pg-boss job → worker → mailgun.js) to the
// Mailgun fake, beside a baseline in the same run calling the same SDK directly with the same concurrency and no
// database. The messages are enqueued as a bulk sender would (erasure emails, alerts): `notifyMany` in batches of
// 500, here in one transaction so the worker starts on a full queue, and delivery is timed from the worker's first
// claim to the fake's last receipt: the outbox's own cost, not the enqueueing's (printed apart). Two standing scenarios: the fake answering at once with concurrency 50 (CPU-bound: Herald's own cost
// per message shows; goal >= 0.75 of the baseline) and after 50 ms with concurrency 20 (goal >= 0.9). Prints both
// throughputs, their ratio, the process's CPU time per message over the same window (steadier than msg/s on a busy
// machine; the fake runs in this process too, so it counts on both sides) and the p50/p99 time from the enqueueing's
// commit to the fake's receipt.
// Asserts nothing.
//   npm run bench:delivery     (BENCH_MESSAGES=2000, 1000 with BENCH_QUICK=1; DATABASE_URL to use a server;
//                               BENCH_DELAY_MS and BENCH_CONCURRENCY together run that one scenario instead)
import 'reflect-metadata';
import FormData from 'form-data';
import Mailgun from 'mailgun.js';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../dist/app.factory.js';
import { loadSettings } from '../dist/config/settings.js';
import { benchDatabase } from './bench-database.mjs';
import { startProfile } from './profile.mjs';
import { MessagingConfigService } from '../dist/messaging-config/messaging-config.service.js';
import { NotificationsService } from '../dist/notifications/notifications.service.js';
import { startMailgunFake } from '../test/fakes/provider-fakes.mjs';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? (process.env.BENCH_QUICK === '1' ? 1000 : 2000));
const SCENARIOS =
  process.env.BENCH_DELAY_MS !== undefined || process.env.BENCH_CONCURRENCY !== undefined
    ? [{ delayMs: Number(process.env.BENCH_DELAY_MS ?? 50), concurrency: Number(process.env.BENCH_CONCURRENCY ?? 20) }]
    : [
        { delayMs: 0, concurrency: 50, goal: 0.75 },
        { delayMs: 50, concurrency: 20, goal: 0.9 },
      ];
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

/**
 * Statements sent to PostgreSQL by every pg client of this process (Herald's pool, pg-boss's, listeners): the
 * round trips per message, a figure no load on the machine moves.
 */
const statements = { count: 0, firstClaim: undefined, firstClaimCpu: undefined };
const BATCH = 500;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  statements.count++;
  // The worker's claim statement (a named prepared statement): where the measured delivery window starts.
  if (statements.firstClaim === undefined && args[0]?.name === 'herald_claim_messages') {
    statements.firstClaim = Date.now();
    statements.firstClaimCpu = process.cpuUsage();
  }
  return query.apply(this, args);
};

/** CPU time of this process (user + system) in microseconds since `before`. */
const cpuSince = (before) => {
  const used = process.cpuUsage(before);
  return used.user + used.system;
};

async function baseline(fakeUrl, concurrency) {
  const started = Date.now();
  const cpu = process.cpuUsage();
  await pool(MESSAGES, concurrency, async (i) => {
    const client = new Mailgun(FormData).client({ username: 'api', key: KEY, url: fakeUrl, timeout: 10_000 });
    await client.messages.create(DOMAIN, { from: `<mailgun@${DOMAIN}>`, to: 'subject@example.org', subject: 'Bench', html: `<p>${i}</p>`, text: `${i}` });
  });
  return { rate: MESSAGES / ((Date.now() - started) / 1000), cpuUs: cpuSince(cpu) / MESSAGES };
}

async function scenario(databaseUrl, { delayMs, concurrency, goal }, round) {
  const receivedAt = new Map();
  const fake = await startMailgunFake({
    apiKey: KEY,
    onRequest: (request) => {
      const id = request.fields['v:herald_message_id'];
      if (typeof id === 'string') receivedAt.set(id, request.receivedAt.getTime());
    },
  });
  fake.setDelay(delayMs);

  const app = await createApp(
    loadSettings({
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'silent',
      MAILGUN_API_URL: fake.url,
      HERALD_DELIVERY_CONCURRENCY: String(concurrency),
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

    const base = await baseline(fake.url, concurrency);
    fake.reset();
    fake.setDelay(delayMs);

    const notifications = app.get(NotificationsService);
    statements.firstClaim = undefined;
    const enqueueStarted = Date.now();
    const commands = Array.from({ length: MESSAGES }, (_, i) => ({
      actionType: 'privacy_request_review_deny',
      recipient: { email: `subject-${i}@example.org` },
      params: { rejection_reason: `bench ${i}` },
      idempotencyKey: `bench-${round}-${enqueueStarted}-${i}`,
    }));
    await app.get(DataSource).transaction(async (manager) => {
      for (let i = 0; i < MESSAGES; i += BATCH) await notifications.notifyMany(commands.slice(i, i + BATCH), manager);
    });
    const committed = Date.now();
    const enqueuedMs = committed - enqueueStarted;
    const stopProfile = await startProfile();
    const statementsBefore = statements.count;
    while (receivedAt.size < MESSAGES) await new Promise((resolve) => setTimeout(resolve, 20));
    const finished = Math.max(...receivedAt.values());
    const cpuUs = cpuSince(statements.firstClaimCpu) / MESSAGES;
    await stopProfile();
    const perMessage = (statements.count - statementsBefore) / MESSAGES;
    const rate = MESSAGES / ((finished - statements.firstClaim) / 1000);
    const latencies = [...receivedAt.values()].map((at) => at - committed).sort((a, b) => a - b);
    const ratio = rate / base.rate;

    console.log(`\ndelivery bench: ${MESSAGES} messages, fake answers after ${delayMs} ms, concurrency ${concurrency}`);
    console.log(`baseline (mailgun.js direct, no database)    ${base.rate.toFixed(0).padStart(6)} msg/s   CPU ${base.cpuUs.toFixed(0).padStart(5)} µs/msg`);
    console.log(
      `Herald outbox (claim → worker → mailgun.js)  ${rate.toFixed(0).padStart(6)} msg/s   CPU ${cpuUs.toFixed(0).padStart(5)} µs/msg   ratio ${ratio.toFixed(2)}` +
        (goal === undefined ? '' : `   (goal >= ${goal})`),
    );
    console.log(
      `enqueueing all (notifyMany, batches of ${BATCH}) took ${enqueuedMs} ms (${((MESSAGES * 1000) / enqueuedMs).toFixed(0)} msg/s); ` +
        `${perMessage.toFixed(2)} statements per message (claim to outcome)`,
    );
    console.log(`commit → fake receipt: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`);
    if (goal !== undefined) {
      const name = `delivery: outbox vs SDK loop, ${delayMs} ms provider, concurrency ${concurrency}`;
      console.log(`GOAL|${name}|${ratio.toFixed(2)}|>= ${goal}|${ratio >= goal ? 'yes' : 'no'}`);
    }
  } finally {
    await app.close();
    await fake.close();
  }
}

async function main() {
  const database = await benchDatabase();
  try {
    for (const [round, s] of SCENARIOS.entries()) await scenario(database.url, s, round);
  } finally {
    await database.stop();
  }
}

await main();
