// `npm run start:dev`: Herald that restarts when its sources change, and the console (console/) rebuilt when its own do.
//
// The TypeScript compiler runs in watch mode inside this process (incremental, dist/.tsbuildinfo). After each compile
// that ends without errors and wrote something, Herald (`node dist/main.js`) gets SIGTERM, as from an operator, stops
// (its embedded PostgreSQL too) and starts again. A compile with errors leaves the running Herald alone and says so.
// Restarting when tsc says it has finished, rather than on file events (`node --watch`), means Herald never starts
// from half-written output. Ctrl-C stops Herald, then the watcher.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, watch } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { CONSOLE_SRC, DIST, ROOT, TSBUILDINFO, TSCONFIG, build, buildConsoleIfStale, snapshot, writeStamp } from './build.mjs';

const say = (line) => process.stderr.write(`[dev] ${line}\n`);
const formatHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };

/** The running Herald: its process, the promise of its exit code, and whether this script is the one stopping it. */
let herald;
let started = false;
let stopping = false;
let queue = Promise.resolve();
let watcher;
let consoleWatcher;

function startHerald() {
  const child = spawn(process.execPath, ['--enable-source-maps', join(DIST, 'main.js')], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' },
  });
  const current = { child, stoppedByUs: false };
  current.exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      if (herald === current) herald = undefined;
      if (!current.stoppedByUs) say(`Herald exited (${signal ?? `code ${code}`}); it starts again after the next change`);
      resolve(code ?? 1);
    }),
  );
  herald = current;
  started = true;
}

function stopHerald(signal) {
  if (!herald) return Promise.resolve(0);
  herald.stoppedByUs = true;
  herald.child.kill(signal);
  return herald.exited;
}

function restartHerald(reason) {
  queue = queue.then(async () => {
    if (stopping) return;
    if (herald) {
      const started = Date.now();
      await stopHerald('SIGTERM');
      say(`${reason}; Herald stopped in ${Date.now() - started} ms, starting it again`);
    } else {
      say(`${reason}; starting Herald`);
    }
    if (!stopping) startHerald();
  });
}

async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  watcher?.close();
  consoleWatcher?.close();
  // On Ctrl-C the terminal has sent SIGINT to Herald as well; a second one changes nothing.
  process.exit(await stopHerald(signal));
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

// dist/ as the sources are now, then Herald at once; the watcher's first pass, meanwhile, finds nothing to emit.
if (build({ ifStale: true })) startHerald();
else say('the build has errors: Herald starts after the first compile without errors');

let taken = snapshot();
let previous = taken;
let emitted = 0;
let compileStarted = Date.now();
let watching = false;

/** A source removed while watching: its compiled module goes too, so nothing can import a stale copy. */
function removeOutputsOfDeletedSources(now) {
  let removed = 0;
  for (const path of Object.keys(previous.files)) {
    if (path in now.files) continue;
    const out = join(DIST, path.replace(/^src[/\\]/, '').replace(/\.ts$/, '.js'));
    for (const file of [out, `${out}.map`]) {
      if (!existsSync(file)) continue;
      rmSync(file);
      removed++;
    }
  }
  previous = now;
  return removed;
}

function onWatchStatus(diagnostic, _newLine, _options, errorCount = 0) {
  // 6031 "Starting compilation in watch mode...", 6032 "File change detected. Starting incremental compilation..."
  if (diagnostic.code === 6031 || diagnostic.code === 6032) {
    emitted = 0;
    compileStarted = Date.now();
    taken = snapshot(); // before the compile reads the files: a save during it is a change next time
    return;
  }
  // 6193 / 6194: "Found 1 error. / Found N errors. Watching for file changes."
  if (diagnostic.code !== 6193 && diagnostic.code !== 6194) return;
  if (!watching) {
    watching = true;
    say(`watching src/ for changes (first pass ${Date.now() - compileStarted} ms)`);
  }
  if (errorCount > 0) {
    say(`${errorCount} compile error${errorCount > 1 ? 's' : ''}: ${herald ? 'Herald keeps running the previous build' : 'Herald is not started'}`);
    return;
  }
  const removed = removeOutputsOfDeletedSources(taken);
  writeStamp(taken); // a later `npm start` needs no compile
  // A Herald that exited by itself waits for a change; one never started (the first build failed) starts now.
  if (emitted > 0 || removed > 0 || !started) restartHerald(`compiled in ${Date.now() - compileStarted} ms`);
}

const system = {
  ...ts.sys,
  writeFile(path, data, writeByteOrderMark) {
    if (path.endsWith('.js')) emitted++;
    ts.sys.writeFile(path, data, writeByteOrderMark);
  },
};
watcher = ts.createWatchProgram(
  ts.createWatchCompilerHost(
    TSCONFIG,
    { incremental: true, tsBuildInfoFile: TSBUILDINFO, preserveWatchOutput: true },
    system,
    ts.createEmitAndSemanticDiagnosticsBuilderProgram,
    (diagnostic) => process.stderr.write((process.stderr.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics)([diagnostic], formatHost)),
    onWatchStatus,
  ),
);

// The console: a Vite build after its sources have been quiet for a moment (an editor saves several files at once),
// in the same queue as Herald's restarts. Herald keeps the console's page in memory, so it restarts after a build.
let consoleTimer;
consoleWatcher = watch(CONSOLE_SRC, { recursive: true }, () => {
  clearTimeout(consoleTimer);
  consoleTimer = setTimeout(() => {
    queue = queue.then(() => {
      if (stopping) return;
      const started = Date.now();
      const outcome = buildConsoleIfStale();
      if (outcome === 'failed') say('the console did not build: Herald keeps serving the previous one');
      else if (outcome === 'built') restartHerald(`console built in ${Date.now() - started} ms`);
    });
  }, 300);
});
say('watching console/ for changes');
