// API benchmark: Herald's authenticated `GET /api/v1/messaging/config/{key}` and GraphQL `messagingConfig(key)`
// beside a baseline measured in the same run on the same database: a bare Fastify server with a pg pool running the
// same SELECT. Prints requests/s, p99, the event loop's µs per request and the ratios (goals: REST >= 0.8, GraphQL >=
// 0.5), with a `GOAL|` line each for `npm run bench`; asserts nothing.
// The three scenarios run interleaved in rounds and each ratio is taken against its own round's baseline, so a
// machine that slows down for a while (a small VM shares its cores with PostgreSQL) skews no ratio; the medians count.
//   npm run bench:api   (BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_ROUNDS=3 by default, 5 s and 2 rounds with
//                        BENCH_QUICK=1; DATABASE_URL to use a server)
import 'reflect-metadata';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { createApp } from '../dist/app.factory.js';
import { loadSettings } from '../dist/config/settings.js';
import { benchDatabase } from './bench-database.mjs';
import { startProfile } from './profile.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 5 : 10));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 2 : 3));
const ROOT = { id: 'bench-root', secret: 'bench-root-secret' };

/** Statements sent to PostgreSQL by every pg client of this process (servers' pools, listeners), per request below. */
const statements = { count: 0 };
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  statements.count++;
  return query.apply(this, args);
};

async function load({ url, headers, method = 'GET', body }, duration = SECONDS) {
  const statementsBefore = statements.count;
  const before = performance.eventLoopUtilization();
  const cpuBefore = process.threadCpuUsage();
  // One worker thread generates the load, so autocannon does not share the event loop of the server it measures.
  const r = await autocannon({ url, headers, method, body, connections: CONNECTIONS, duration, workers: 1 });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  // The servers' event loop time per request: steadier than requests/s on a busy machine, and what code changes move.
  const busyUs = (performance.eventLoopUtilization(before).active * 1000) / r.requests.total;
  // The main thread's CPU time per request (the servers' thread, not autocannon's): what a busy machine moves least.
  const cpu = process.threadCpuUsage(cpuBefore);
  const cpuUs = (cpu.user + cpu.system) / r.requests.total;
  return { rps: r.requests.average, p99: r.latency.p99, busyUs, cpuUs, statements: (statements.count - statementsBefore) / r.requests.total };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const database = await benchDatabase();
  const databaseUrl = database.url;
  const settings = loadSettings({
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: ROOT.id,
    FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: ROOT.secret,
    FIDES__SECURITY__APP_ENCRYPTION_KEY: 'bench-encryption-key-32-bytes-ok',
  });
  const app = await createApp(settings);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const herald = `http://127.0.0.1:${app.getHttpServer().address().port}`;

  const token = async (id, secret) =>
    (await (await fetch(`${herald}/api/v1/oauth/token`, { method: 'POST', body: new URLSearchParams({ client_id: id, client_secret: secret }) })).json())
      .access_token;
  const root = await token(ROOT.id, ROOT.secret);
  const client = await (
    await fetch(`${herald}/api/v1/oauth/client`, {
      method: 'POST',
      headers: { authorization: `Bearer ${root}`, 'content-type': 'application/json' },
      body: JSON.stringify(['messaging:read']),
    })
  ).json();
  const clientToken = await token(client.client_id, client.client_secret);
  const auth = { authorization: `Bearer ${process.env.BENCH_ROOT ? root : clientToken}` };
  const created = await fetch(`${herald}/api/v1/messaging/config`, {
    method: 'POST',
    headers: { authorization: `Bearer ${root}`, 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'bench_mailgun', name: 'Bench Mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' } }),
  });
  if (created.status !== 200) throw new Error(`config not created: ${created.status}`);

  // Baseline: the least a server can do for this route: the same indexed SELECT on a pool, then the JSON answer.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
  const bare = Fastify();
  bare.get('/config/:key', async (request) => {
    const { rows } = await pool.query('SELECT key, name, service_type, details FROM messaging_config WHERE key = $1', [request.params.key]);
    if (rows.length === 0) throw new Error('missing config');
    return rows[0];
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const baselineUrl = `http://127.0.0.1:${bare.server.address().port}/config/bench_mailgun`;

  try {
    const only = process.env.BENCH_ONLY; // 'baseline', 'rest' or 'graphql', for profiling one scenario
    const scenarios = [
      { name: 'baseline (bare Fastify + pg, same SELECT)', url: baselineUrl, headers: {} },
      {
        name: 'REST GET /api/v1/messaging/config/{key}',
        goal: 0.8,
        short: 'api: REST read vs bare route',
        url: `${herald}/api/v1/messaging/config/bench_mailgun`,
        headers: auth,
      },
      {
        name: 'GraphQL messagingConfig(key)',
        goal: 0.5,
        short: 'api: GraphQL read vs bare route',
        url: `${herald}/graphql`,
        headers: { ...auth, 'content-type': 'application/json' },
        method: 'POST',
        // The same columns as the baseline's SELECT.
        body: JSON.stringify({
          query: '{ messagingConfig(key: "bench_mailgun") { key name serviceType details { ... on MailgunDetails { domain isEuDomain apiVersion } } } }',
        }),
      },
    ].filter((s) => !only || s.name.toLowerCase().startsWith(only));
    for (const scenario of scenarios) await load(scenario, Math.min(3, SECONDS)); // warm-up
    const runs = scenarios.map(() => []);
    const stopProfile = await startProfile();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, scenario] of scenarios.entries()) runs[i].push(await load(scenario));
    }
    await stopProfile();

    const row = (name, rps, p99, busyUs, cpuUs, perRequest) =>
      `${name.padEnd(44)} ${rps.toFixed(0).padStart(7)} req/s   p99 ${String(p99).padStart(4)} ms   loop ${busyUs.toFixed(0).padStart(4)} µs/req   CPU ${cpuUs.toFixed(0).padStart(4)} µs/req   ${perRequest.toFixed(2)} statements/req`;
    console.log(`\napi bench: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per scenario after a warm-up; medians`);
    for (const [i, scenario] of scenarios.entries()) {
      const rps = median(runs[i].map((r) => r.rps));
      const p99 = median(runs[i].map((r) => r.p99));
      const busyUs = median(runs[i].map((r) => r.busyUs));
      const cpuUs = median(runs[i].map((r) => r.cpuUs));
      const perRequest = median(runs[i].map((r) => r.statements));
      if (scenario.goal === undefined || only) {
        console.log(row(scenario.name, rps, p99, busyUs, cpuUs, perRequest));
        continue;
      }
      const ratios = runs[i].map((r, round) => r.rps / runs[0][round].rps);
      const rounds = ratios.map((r) => r.toFixed(2)).join(' ');
      console.log(
        `${row(scenario.name, rps, p99, busyUs, cpuUs, perRequest)}   ratio ${median(ratios).toFixed(2)} (rounds ${rounds}; goal >= ${scenario.goal})`,
      );
      // The baseline's cost per request over Herald's, by event loop time and by CPU time: steadier than requests/s
      // on a busy machine (CPU time the steadiest: it does not count the time the thread waited for a core).
      const loopRatio = median(runs[0].map((r) => r.busyUs)) / busyUs;
      const cpuRatio = median(runs[0].map((r) => r.cpuUs)) / cpuUs;
      const ratio = median(ratios);
      console.log(`   cost per request as a ratio to the baseline's: event loop ${loopRatio.toFixed(2)}, CPU ${cpuRatio.toFixed(2)}`);
      const met = (value) => (value >= scenario.goal ? 'yes' : 'no');
      console.log(`GOAL|${scenario.short} (req/s)|${ratio.toFixed(2)}|>= ${scenario.goal}|${met(ratio)}`);
      console.log(`GOAL|${scenario.short} (loop µs/req)|${loopRatio.toFixed(2)} (${busyUs.toFixed(0)} µs)|>= ${scenario.goal}|${met(loopRatio)}`);
      console.log(`GOAL|${scenario.short} (CPU µs/req)|${cpuRatio.toFixed(2)} (${cpuUs.toFixed(0)} µs)|>= ${scenario.goal}|${met(cpuRatio)}`);
    }
  } finally {
    await bare.close();
    await pool.end();
    await app.close();
    await database.stop();
  }
}

await main();
