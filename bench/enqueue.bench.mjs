// Enqueue benchmark: messages written into the outbox (message row, sealed payload, pg-boss job, wake-up) through
// `notify` one message per call, from BENCH_ENQUEUE_CONNECTIONS callers at once (the baseline), and through
// `notifyMany` in batches of BENCH_BATCH (one statement per batch), in interleaved rounds; medians. The delivery
// workers are stopped so that only the enqueue is measured. Asserts nothing.
//
//   npm run build && npm run bench:enqueue
//     BENCH_MESSAGES=4000 BENCH_ROUNDS=3 BENCH_BATCH=100 BENCH_ENQUEUE_CONNECTIONS=10 BENCH_BATCH_CONNECTIONS=2
//     BENCH_DATABASE_URL=postgres://...   a server to create the database herald_enqueue on (else an embedded one)
import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { createApp } from '../dist/app.factory.js';
import { loadSettings } from '../dist/config/settings.js';
import { JobQueueService } from '../dist/database/job-queue.service.js';
import { DELIVERY_QUEUE } from '../dist/notifications/outbox/delivery-queue.js';
import { NotificationsService } from '../dist/notifications/notifications.service.js';
import { createDatabase, databaseUrl, dropDatabase, scaleServer } from './scale/server.mjs';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const CONNECTIONS = Number(process.env.BENCH_ENQUEUE_CONNECTIONS ?? 10);
const BATCH_CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 2);
const NAME = 'herald_enqueue';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs `task(i)` for i in 0..n-1 with at most `limit` at once. */
async function pool(n, limit, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

async function main() {
  const server = await scaleServer();
  await createDatabase(server.url, NAME);
  const app = await createApp(
    loadSettings({
      DATABASE_URL: databaseUrl(server.url, NAME),
      LOG_LEVEL: 'silent',
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'bench-root-secret',
      FIDES__SECURITY__APP_ENCRYPTION_KEY: 'bench-encryption-key-32-bytes-ok',
    }),
  );
  try {
    await app.get(JobQueueService).boss.offWork(DELIVERY_QUEUE, { wait: true });
    const notifications = app.get(NotificationsService);
    let seq = 0;
    const command = (i) => ({
      actionType: 'privacy_request_review_deny',
      recipient: { email: `subject-${i}@example.org` },
      params: { rejection_reason: `bench ${i}` },
      privacyRequestId: `pri_bench_${i % 1000}`,
      idempotencyKey: `bench-enqueue-${++seq}`,
    });
    const oneByOne = async (n) => {
      const started = performance.now();
      await pool(n, CONNECTIONS, async (i) => notifications.notify(command(i)));
      return n / ((performance.now() - started) / 1000);
    };
    const batched = async (n) => {
      const started = performance.now();
      await pool(Math.ceil(n / BATCH), BATCH_CONNECTIONS, async (b) =>
        notifications.notifyMany(Array.from({ length: Math.min(BATCH, n - b * BATCH) }, (_, j) => command(b * BATCH + j))),
      );
      return n / ((performance.now() - started) / 1000);
    };

    await oneByOne(Math.min(500, MESSAGES));
    await batched(Math.min(500, MESSAGES));
    const single = [];
    const many = [];
    for (let round = 0; round < ROUNDS; round++) {
      single.push(await oneByOne(MESSAGES));
      many.push(await batched(MESSAGES));
      console.log(`  round ${round + 1}: notify ${single.at(-1).toFixed(0)} msg/s, notifyMany ${many.at(-1).toFixed(0)} msg/s`);
    }
    const rate = median(many);
    console.log(`\nenqueue bench: ${MESSAGES} messages per round, ${ROUNDS} rounds, ${availableParallelism()} cores; medians`);
    console.log(`notify, one per call, ${CONNECTIONS} callers at once   ${median(single).toFixed(0).padStart(6)} msg/s (baseline)`);
    console.log(
      `notifyMany, batches of ${BATCH}, ${BATCH_CONNECTIONS} at once       ${rate.toFixed(0).padStart(6)} msg/s   ${(rate / median(single)).toFixed(1)}x`,
    );
    console.log(`GOAL|enqueue through notifyMany (msg/s)|${rate.toFixed(0)}|>= 3000|${rate >= 3000 ? 'yes' : 'no'}`);
  } finally {
    await app.close();
    await dropDatabase(server.url, NAME).catch(() => undefined);
    await server.stop();
  }
}

await main();
