// API benchmark: an authenticated REST route of Herald beside a bare Fastify + pg baseline doing the same database
// work (the token's client lookup), measured in the same run on the same database. Prints figures; asserts nothing.
//   npm run bench:api            (BENCH_SECONDS=10 BENCH_CONNECTIONS=50 by default; DATABASE_URL to use a server)
import 'reflect-metadata';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp } from '../dist/app.factory.js';
import { loadSettings } from '../dist/config/settings.js';
import { startEmbeddedDatabase } from '../dist/database/embedded-database.js';
import { SCOPE_REGISTRY } from '../dist/auth/scope-registry.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROOT = { id: 'bench-root', secret: 'bench-root-secret' };

async function load(url, headers) {
  await autocannon({ url, headers, connections: CONNECTIONS, duration: Math.min(3, SECONDS) }); // warm-up
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}

async function main() {
  let dir;
  let embedded;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    dir = await mkdtemp(join(tmpdir(), 'herald-bench-'));
    await chmod(dir, 0o755);
    embedded = await startEmbeddedDatabase(join(dir, 'data'));
    databaseUrl = embedded.url;
  }
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
      body: JSON.stringify(['scope:read']),
    })
  ).json();
  const clientToken = await token(client.client_id, client.client_secret);

  // Baseline: the least a server can do for this route: one indexed SELECT on a pool, then the JSON answer.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
  const bare = Fastify();
  bare.get('/scope', async () => {
    const { rows } = await pool.query('SELECT scopes FROM oauth_client WHERE id = $1', [client.client_id]);
    if (rows.length === 0) throw new Error('missing client');
    return [...SCOPE_REGISTRY];
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const baselineUrl = `http://127.0.0.1:${bare.server.address().port}/scope`;

  try {
    const baseline = await load(baselineUrl, {});
    const rest = await load(`${herald}/api/v1/oauth/scope`, { authorization: `Bearer ${clientToken}` });
    const row = (name, r) => `${name.padEnd(44)} ${r.rps.toFixed(0).padStart(8)} req/s   p99 ${String(r.p99).padStart(4)} ms`;
    console.log(`\napi bench: ${CONNECTIONS} connections, ${SECONDS} s each, after a warm-up`);
    console.log(row('baseline (bare Fastify + pg, same SELECT)', baseline));
    console.log(row('REST GET /api/v1/oauth/scope (client token)', rest) + `   ratio ${(rest.rps / baseline.rps).toFixed(2)}`);
  } finally {
    await bare.close();
    await pool.end();
    await app.close();
    await embedded?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

await main();
