// Webhook benchmark (decision D26): signed Mailgun `delivered` events per second through Herald's intake
// (`POST /api/v1/messaging/webhooks/mailgun`: signature, replay table, timeline entry, delivery status) beside a
// baseline measured in the same run on the same database: a bare Fastify route doing the same HMAC check and one
// INSERT. Every request is a new event (new token, new event id) for one of BENCH_MESSAGES messages in turn. Prints
// events/s, p99 and the ratio (goal >= 0.5), rounds interleaved as in api.bench.mjs; asserts nothing.
//   npm run bench:webhooks   (BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_ROUNDS=3 BENCH_MESSAGES=1000; DATABASE_URL to use a server)
import 'reflect-metadata';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApp } from '../dist/app.factory.js';
import { loadSettings } from '../dist/config/settings.js';
import { benchDatabase } from './bench-database.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 5 : 10));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 2 : 3));
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const ROOT = { id: 'bench-root', secret: 'bench-root-secret' };
const SIGNING_KEY = 'bench-mailgun-webhook-signing-key';
const SETUP_REQUEST = fileURLToPath(new URL('./webhooks/signed-mailgun-event.cjs', import.meta.url));

async function load(url, duration = SECONDS) {
  const before = performance.eventLoopUtilization();
  // One worker thread generates (and signs) the load, so autocannon does not share the event loop it measures.
  const r = await autocannon({ url, method: 'POST', connections: CONNECTIONS, duration, workers: 1, requests: [{ setupRequest: SETUP_REQUEST }] });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  const busyUs = (performance.eventLoopUtilization(before).active * 1000) / r.requests.total;
  return { rps: r.requests.average, p99: r.latency.p99, busyUs };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The least a server can do for a signed Mailgun event: parse, check the HMAC and the time, one INSERT. */
async function bareServer(pool) {
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_webhook_event (token varchar(64) PRIMARY KEY, message_id uuid, type varchar(16), occurred_at timestamptz)',
  );
  const bare = Fastify();
  bare.post('/webhook', async (request, reply) => {
    const { signature, 'event-data': data } = request.body;
    const expected = createHmac('sha256', SIGNING_KEY)
      .update(signature.timestamp + signature.token)
      .digest();
    const given = Buffer.from(signature.signature, 'hex');
    const fresh = Math.abs(Date.now() / 1000 - Number(signature.timestamp)) <= 300;
    if (!fresh || given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(401).send({ detail: 'Invalid signature' });
    await pool.query('INSERT INTO bench_webhook_event (token, message_id, type, occurred_at) VALUES ($1, $2, $3, to_timestamp($4))', [
      signature.token,
      data['user-variables'].herald_message_id,
      data.event,
      data.timestamp,
    ]);
    return { received: 1, recorded: 1 };
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  return bare;
}

async function main() {
  const database = await benchDatabase();
  const settings = loadSettings({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: ROOT.id,
    FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: ROOT.secret,
    FIDES__SECURITY__APP_ENCRYPTION_KEY: 'bench-encryption-key-32-bytes-ok',
  });
  const app = await createApp(settings);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const herald = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  const pool = new pg.Pool({ connectionString: database.url, max: 20 });
  let bare;
  try {
    const token = (
      await (
        await fetch(`${herald}/api/v1/oauth/token`, { method: 'POST', body: new URLSearchParams({ client_id: ROOT.id, client_secret: ROOT.secret }) })
      ).json()
    ).access_token;
    const call = (method, path, body) =>
      fetch(`${herald}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await call('POST', '/api/v1/messaging/config', {
      key: 'bench_mailgun',
      name: 'Bench Mailgun',
      service_type: 'mailgun',
      details: { domain: 'mg.example.com' },
    });
    const secrets = await call('PUT', '/api/v1/messaging/config/bench_mailgun/secret', {
      mailgun_api_key: 'key-bench',
      mailgun_webhook_signing_key: SIGNING_KEY,
    });
    if (created.status !== 200 || secrets.status !== 200) throw new Error(`config not created: ${created.status} ${secrets.status}`);
    // Messages as the outbox leaves them once sent (written directly: nothing is to be sent).
    const { rows } = await pool.query(
      `INSERT INTO message (idempotency_key, action_type, service_type_rule, service_type, channel, status, payload, attempts, sent_at)
       SELECT 'bench-webhook-' || g, 'test_message', 'MAILGUN', 'MAILGUN', 'email', 'sent', 'unused', 1, now() FROM generate_series(1, $1) g RETURNING id`,
      [MESSAGES],
    );
    process.env.BENCH_WEBHOOK_SIGNING_KEY = SIGNING_KEY;
    process.env.BENCH_WEBHOOK_MESSAGE_IDS = rows.map((r) => r.id).join(',');
    bare = await bareServer(pool);

    const only = process.env.BENCH_ONLY; // 'baseline' or 'herald', for profiling one scenario
    const scenarios = [
      { name: 'baseline (bare Fastify: HMAC + one INSERT)', url: `http://127.0.0.1:${bare.server.address().port}/webhook` },
      { name: 'Herald POST /messaging/webhooks/mailgun', goal: 0.5, url: `${herald}/api/v1/messaging/webhooks/mailgun` },
    ].filter((s) => !only || s.name.toLowerCase().startsWith(only));
    for (const scenario of scenarios) await load(scenario.url, Math.min(3, SECONDS)); // warm-up
    const runs = scenarios.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, scenario] of scenarios.entries()) runs[i].push(await load(scenario.url));
    }

    const recorded = (await pool.query('SELECT count(*)::int AS n FROM message_event')).rows[0].n;
    const row = (name, rps, p99, busyUs) =>
      `${name.padEnd(44)} ${rps.toFixed(0).padStart(7)} events/s   p99 ${String(p99).padStart(4)} ms   loop ${busyUs.toFixed(0).padStart(4)} µs/event`;
    console.log(`\nwebhooks bench: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per scenario after a warm-up; medians`);
    for (const [i, scenario] of scenarios.entries()) {
      const rps = median(runs[i].map((r) => r.rps));
      const p99 = median(runs[i].map((r) => r.p99));
      const busyUs = median(runs[i].map((r) => r.busyUs));
      if (scenario.goal === undefined || only) {
        console.log(row(scenario.name, rps, p99, busyUs));
        continue;
      }
      const ratios = runs[i].map((r, round) => r.rps / runs[0][round].rps);
      console.log(
        `${row(scenario.name, rps, p99, busyUs)}   ratio ${median(ratios).toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(' ')}; goal >= ${scenario.goal})`,
      );
      const ratio = median(ratios);
      console.log(`GOAL|webhooks: events/s vs bare route|${ratio.toFixed(2)}|>= ${scenario.goal}|${ratio >= scenario.goal ? 'yes' : 'no'}`);
    }
    console.log(`timeline entries recorded by Herald: ${recorded}`);
  } finally {
    await bare?.close();
    await pool.end();
    await app.close();
    await database.stop();
  }
}

await main();
