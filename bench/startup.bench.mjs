// Start-up benchmark: real processes, from spawn to the first healthy `GET /health` (200), on the embedded database.
// First start: a new data dir (initdb, migrations, generated secrets). Restart: the same data dir again, after a clean
// stop. Beside a baseline in the same run: bench/startup/bare-server.mjs (the same embedded PostgreSQL start, a pg
// pool and a bare Fastify `/health`), so what is left is Herald's own start-up (Nest's module graph, migrations check,
// pg-boss, GraphQL schema). Goals: restart <= 1.0 s, first start <= 3 s. Asserts nothing.
//   npm run bench:startup   (BENCH_RESTARTS=5; 3 with BENCH_QUICK=1)
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESTARTS = Number(process.env.BENCH_RESTARTS ?? (process.env.BENCH_QUICK === '1' ? 3 : 5));
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const BARE = fileURLToPath(new URL('./startup/bare-server.mjs', import.meta.url));

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Spawns `args`, polls /health every 10 ms until 200; returns the milliseconds it took, and the child to stop. */
async function startAndWait(args, env, port) {
  const started = performance.now();
  // Always the embedded database: a DATABASE_URL in the caller's environment is not passed on.
  const inherited = { ...process.env };
  delete inherited.DATABASE_URL;
  const child = spawn(process.execPath, args, { env: { ...inherited, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${args.join(' ')} exited before it was healthy:\n${stderr}`);
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) return { ms: performance.now() - started, cpuMs: await cpuMsOf(child.pid), child };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * CPU time (user + system) the process has used so far, from /proc (Linux; NaN elsewhere): steadier than the time
 * to healthy on a busy machine. The embedded PostgreSQL runs in its own processes and is not counted, on either side.
 */
async function cpuMsOf(pid) {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

async function stop(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** One first start and RESTARTS restarts of a server on a new data dir; the data dir is removed afterwards. */
async function measure(name, argsFor, envFor) {
  const dir = await mkdtemp(join(tmpdir(), 'herald-startup-'));
  // The embedded server runs as `postgres` when the bench runs as root: it must reach the folder.
  await chmod(dir, 0o755);
  const dataDir = join(dir, 'data');
  try {
    const times = [];
    const cpu = [];
    for (let i = 0; i <= RESTARTS; i++) {
      const port = await freePort();
      const { ms, cpuMs, child } = await startAndWait(argsFor(dataDir, port), envFor(dataDir, port), port);
      times.push(ms);
      cpu.push(cpuMs);
      await stop(child);
    }
    const [first, ...restarts] = times;
    const [firstCpu, ...restartsCpu] = cpu;
    return { name, first, restart: median(restarts), restarts, firstCpu, restartCpu: median(restartsCpu) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const herald = await measure(
  'Herald (node dist/main.js)',
  () => [MAIN],
  (dataDir, port) => ({ HERALD_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }),
);
const bare = await measure(
  'baseline (embedded PostgreSQL + pg + bare Fastify)',
  (dataDir, port) => [BARE, dataDir, String(port)],
  () => ({}),
);

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`\nstartup bench: spawn → first 200 from /health; first start on a new data dir, then the median of ${RESTARTS} restarts`);
for (const r of [bare, herald]) {
  console.log(
    `${r.name.padEnd(52)} first ${s(r.first).padStart(7)}   restart ${s(r.restart).padStart(7)}   ` +
      `CPU first ${s(r.firstCpu)}, restart ${s(r.restartCpu)}   (restarts ${r.restarts.map(s).join(', ')})`,
  );
}
console.log(`Herald's own share: first start +${s(herald.first - bare.first)}, restart +${s(herald.restart - bare.restart)}`);
console.log(`GOAL|startup: restart to healthy|${s(herald.restart)}|<= 1.0 s|${herald.restart <= 1000 ? 'yes' : 'no'}`);
console.log(`GOAL|startup: first start to healthy|${s(herald.first)}|<= 3 s|${herald.first <= 3000 ? 'yes' : 'no'}`);
