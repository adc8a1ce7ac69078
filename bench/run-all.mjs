// `npm run bench`: runs every `bench:*` script of package.json in turn (whichever exist: other benches come and go),
// passes their output through, and ends with one table of every goal a bench printed as a line
// `GOAL|<name>|<measured>|<goal>|<yes/no>`, with the machine's core count. A bench that fails is reported, and the
// others still run. Quick modes (`BENCH_QUICK=1`, `BENCH_SCALE_QUICK=1`) are on unless BENCH_FULL=1.
//   npm run bench                 (BENCH_SCRIPTS=api,delivery to run a subset)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const only = process.env.BENCH_SCRIPTS?.split(',').map((name) => `bench:${name.trim()}`);
const scripts = Object.keys(pkg.scripts)
  .filter((name) => name.startsWith('bench:'))
  .filter((name) => !only || only.includes(name));

/** Runs one script through npm, echoing its output; resolves with the GOAL lines and the exit code. */
function run(script) {
  return new Promise((resolve) => {
    const quick = process.env.BENCH_FULL === '1' ? '' : '1';
    const env = { ...process.env, BENCH_QUICK: process.env.BENCH_QUICK ?? quick, BENCH_SCALE_QUICK: process.env.BENCH_SCALE_QUICK ?? quick };
    // Each bench's own BENCH_ONLY picks one of its scenarios (for profiling): never all of them at once from here.
    delete env.BENCH_ONLY;
    const child = spawn('npm', ['run', '--silent', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const goals = [];
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop();
      for (const line of lines) if (line.startsWith('GOAL|')) goals.push(line);
    });
    child.on('close', (code) => {
      if (pending.startsWith('GOAL|')) goals.push(pending);
      resolve({ goals, code });
    });
  });
}

const results = [];
for (const script of scripts) {
  console.log(`\n=== npm run ${script} ===`);
  const started = Date.now();
  const { goals, code } = await run(script);
  results.push({ script, goals, code, seconds: (Date.now() - started) / 1000 });
}

const rows = results.flatMap(({ script, goals, code }) => {
  const parsed = goals.map((line) => {
    const [, name, measured, goal, met] = line.split('|');
    return { script, name, measured, goal, met: met?.trim() };
  });
  if (code !== 0) parsed.push({ script, name: '(bench failed)', measured: `exit ${code}`, goal: '', met: 'no' });
  else if (parsed.length === 0) parsed.push({ script, name: '(printed no goal)', measured: '', goal: '', met: '' });
  return parsed;
});
const width = (key, min) => Math.max(min, ...rows.map((row) => String(row[key]).length));
const [s, n, m, g] = [width('script', 6), width('name', 4), width('measured', 8), width('goal', 4)];
console.log(`\nbench summary: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), node ${process.version}`);
console.log(`${'script'.padEnd(s)}  ${'goal'.padEnd(n)}  ${'measured'.padEnd(m)}  ${'target'.padEnd(g)}  met`);
for (const row of rows) console.log(`${row.script.padEnd(s)}  ${row.name.padEnd(n)}  ${row.measured.padEnd(m)}  ${row.goal.padEnd(g)}  ${row.met}`);
const met = rows.filter((row) => row.met === 'yes').length;
const counted = rows.filter((row) => row.met === 'yes' || row.met === 'no').length;
console.log(`${met} of ${counted} goals met; ${results.map((r) => `${r.script} ${r.seconds.toFixed(0)} s`).join(', ')}`);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
