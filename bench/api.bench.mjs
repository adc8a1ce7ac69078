// API benchmark: Herald's authenticated `GET /api/v1/messaging/config/{key}` and GraphQL `messagingConfig(key)`
// beside a baseline measured in the same run on the same database: a bare Fastify server with a pg pool running the
// same SELECT. Prints requests/s, p99 and the ratios (goals: REST >= 0.5, GraphQL >= 0.35); asserts nothing.
//   npm run bench:api            (BENCH_SECONDS=10 BENCH_CONNECTIONS=50 by default; DATABASE_URL to use a server)
import 'reflect-metadata';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { createApp } from '../dist/app.factory.js';
import { loadSettings } from '../dist/config/settings.js';
import { benchDatabase } from './bench-database.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROOT = { id: 'bench-root', secret: 'bench-root-secret' };

async function load(url, headers, method = 'GET', body = undefined) {
  const options = { url, headers, method, body, connections: CONNECTIONS };
  await autocannon({ ...options, duration: Math.min(3, SECONDS) }); // warm-up
  const r = await autocannon({ ...options, duration: SECONDS });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}

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
    const only = process.env.BENCH_ONLY; // 'rest' or 'graphql', for profiling one scenario
    const skipped = { rps: NaN, p99: NaN };
    const baseline = only ? skipped : await load(baselineUrl, {});
    const rest = only === 'graphql' ? skipped : await load(`${herald}/api/v1/messaging/config/bench_mailgun`, auth);
    const gql = only === 'rest' ? skipped : await load(
      `${herald}/graphql`,
      { ...auth, 'content-type': 'application/json' },
      'POST',
      // The same columns as the baseline's SELECT.
      JSON.stringify({ query: '{ messagingConfig(key: "bench_mailgun") { key name serviceType details { ... on MailgunDetails { domain isEuDomain apiVersion } } } }' }),
    );
    const row = (name, r) => `${name.padEnd(48)} ${r.rps.toFixed(0).padStart(8)} req/s   p99 ${String(r.p99).padStart(4)} ms`;
    const ratio = (r) => `   ratio ${(r.rps / baseline.rps).toFixed(2)}`;
    console.log(`\napi bench: ${CONNECTIONS} connections, ${SECONDS} s each, after a warm-up`);
    console.log(row('baseline (bare Fastify + pg, same SELECT)', baseline));
    console.log(row('REST GET /api/v1/messaging/config/{key}', rest) + ratio(rest) + '   (goal >= 0.5)');
    console.log(row('GraphQL messagingConfig(key)', gql) + ratio(gql) + '   (goal >= 0.35)');
  } finally {
    await bare.close();
    await pool.end();
    await app.close();
    await database.stop();
  }
}

await main();
