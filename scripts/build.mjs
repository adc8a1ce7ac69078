// Compiles src/ into dist/ (tsc, tsconfig.build.json) and the operator console (console/, Vite) into dist/console/,
// and knows whether each is current.
//
//   node scripts/build.mjs             a clean build: dist/ removed, everything compiled (`npm run build`: CI, tests, image)
//   node scripts/build.mjs --if-stale  what `npm start` runs: nothing when dist/ was built from the sources as they are
//
// The console has a stamp of its own (dist/console/.build-stamp.json: every file under console/ and the lockfile);
// a change to any of them, or a missing stamp, rebuilds the console (a Vite build is whole, a few seconds), and only
// the console: Herald's modules and the console's bundle are built independently.
//
// Every build leaves a stamp (dist/.build-stamp.json: the path, size and mtime of every source and of the files that
// shape the build, and the newest output). With --if-stale, an unchanged stamp means no compiler at all (~50 ms);
// changed or added sources are compiled incrementally (dist/.tsbuildinfo); a source that is gone, a changed tsconfig
// or lockfile, output written by another compile (a plain `tsc`), or a missing stamp make a clean build, so a deleted
// module can never linger in dist/ and be loaded, and dist/ is never trusted beyond what the stamp vouches for.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const TSCONFIG = join(ROOT, 'tsconfig.build.json');
export const TSBUILDINFO = join(DIST, '.tsbuildinfo');
const STAMP = join(DIST, '.build-stamp.json');
/** Files that change what the compiler produces besides the sources: a change here means a clean build. */
const BUILD_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
/** The console's sources (its index.html, vite.config.ts, tsconfig.json and src/) and where Vite writes it. */
export const CONSOLE_SRC = join(ROOT, 'console');
export const CONSOLE_DIST = join(DIST, 'console');
const CONSOLE_STAMP = join(CONSOLE_DIST, '.build-stamp.json');

/** The compiled sources: every .ts under src/ but the specs (tsconfig.build.json's include and exclude). */
function sources(dir = join(ROOT, 'src'), found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, found);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) found.push(path);
  }
  return found;
}

const fingerprint = (path) => {
  const { size, mtimeMs } = statSync(path);
  return `${size}:${mtimeMs}`;
};

/** What dist/ is built from, as it is now. */
export function snapshot() {
  const files = {};
  for (const path of sources()) files[relative(ROOT, path)] = fingerprint(path);
  const build = {};
  for (const name of BUILD_FILES) build[name] = existsSync(join(ROOT, name)) ? fingerprint(join(ROOT, name)) : null;
  return { files, build };
}

/** The mtime of the newest compiled module in dist/ (0 when there is none); the console's bundle is not one. */
function newestOutput(dir = DIST) {
  let newest = 0;
  for (const entry of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
    const path = join(dir, entry.name);
    if (path === CONSOLE_DIST) continue;
    if (entry.isDirectory()) newest = Math.max(newest, newestOutput(path));
    else if (entry.name.endsWith('.js')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Records that dist/ (as it is now) was compiled from the sources as they were `taken` before the compile. */
export function writeStamp(taken) {
  writeFileSync(STAMP, `${JSON.stringify({ ...taken, outputs: newestOutput() })}\n`);
}

/**
 * `fresh` (dist/ matches the sources), `changed` (sources edited or added: an incremental compile will do) or the
 * reason for a clean build.
 */
export function staleness(now, stamp = readStamp()) {
  if (!existsSync(join(DIST, 'main.js')) || stamp?.files === undefined) return { state: 'clean', why: 'no complete build in dist/' };
  for (const name of BUILD_FILES) if (stamp.build?.[name] !== now.build[name]) return { state: 'clean', why: `${name} changed` };
  const gone = Object.keys(stamp.files).filter((path) => !(path in now.files));
  if (gone.length > 0) return { state: 'clean', why: `${gone[0]}${gone.length > 1 ? ` and ${gone.length - 1} more` : ''} removed` };
  if (!existsSync(TSBUILDINFO)) return { state: 'clean', why: 'no incremental build information' };
  if (newestOutput() !== stamp.outputs) return { state: 'clean', why: 'dist/ was written by another compile' };
  const changed = Object.keys(now.files).filter((path) => stamp.files[path] !== now.files[path]);
  return changed.length === 0 ? { state: 'fresh' } : { state: 'changed', why: `${changed.length} source file${changed.length > 1 ? 's' : ''} changed` };
}

/** Runs tsc on tsconfig.build.json with incremental information; true when it compiled without errors. */
export function compile() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', TSCONFIG, '--incremental', '--tsBuildInfoFile', TSBUILDINFO], { cwd: ROOT, stdio: 'inherit' });
  return result.status === 0;
}

/** Every file of the console's sources with its fingerprint, and the lockfile's (a new React is a new bundle). */
export function consoleSnapshot(dir = CONSOLE_SRC, files = {}) {
  for (const entry of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) consoleSnapshot(path, files);
    else files[relative(ROOT, path)] = fingerprint(path);
  }
  if (dir === CONSOLE_SRC) files['package-lock.json'] = existsSync(join(ROOT, 'package-lock.json')) ? fingerprint(join(ROOT, 'package-lock.json')) : null;
  return files;
}

/** Why the console must be built again, or undefined when dist/console/ matches its sources. */
export function consoleStaleness(now = consoleSnapshot()) {
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) return 'no console in dist/console/';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(CONSOLE_STAMP, 'utf8'));
  } catch {
    return 'no console build stamp';
  }
  const names = new Set([...Object.keys(now), ...Object.keys(stamp)]);
  const changed = [...names].filter((name) => stamp[name] !== now[name]);
  return changed.length === 0 ? undefined : `${changed[0]}${changed.length > 1 ? ` and ${changed.length - 1} more` : ''} changed`;
}

/** `vite build` of console/ into dist/console/ (emptied first); true when it built. */
export function buildConsole() {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', join(CONSOLE_SRC, 'vite.config.ts')], { cwd: ROOT, stdio: 'inherit' });
  return result.status === 0;
}

/** The console built again when its sources changed since its stamp: 'fresh', 'built' or 'failed'. */
export function buildConsoleIfStale() {
  const now = consoleSnapshot();
  if (consoleStaleness(now) === undefined) return 'fresh';
  if (!buildConsole()) return 'failed';
  writeFileSync(CONSOLE_STAMP, `${JSON.stringify(now)}\n`);
  return 'built';
}

/** A clean build, or with `ifStale` only what the changes since the last build need. True when dist/ is current. */
export function build({ ifStale = false } = {}) {
  // Taken before compiling: a file saved during the compile is seen as changed next time.
  const now = snapshot();
  const consoleNow = consoleSnapshot();
  const { state, why } = ifStale ? staleness(now) : { state: 'clean' };
  if (state !== 'fresh') {
    const started = Date.now();
    if (state === 'clean') rmSync(DIST, { recursive: true, force: true });
    if (ifStale) process.stderr.write(`Building dist/ (${state === 'clean' ? 'clean build' : 'incremental'}: ${why})...\n`);
    if (!compile()) return false;
    writeStamp(now);
    if (ifStale) process.stderr.write(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const consoleWhy = ifStale ? consoleStaleness(consoleNow) : 'clean build';
  if (consoleWhy === undefined) return true;
  const started = Date.now();
  if (ifStale) process.stderr.write(`Building the console into dist/console/ (${consoleWhy})...\n`);
  if (!buildConsole()) return false;
  writeFileSync(CONSOLE_STAMP, `${JSON.stringify(consoleNow)}\n`);
  if (ifStale) process.stderr.write(`Built the console in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(build({ ifStale: process.argv.includes('--if-stale') }) ? 0 : 1);
}
