// `npm run test:readme`: the README runs itself. Every ```sh block of README.md is run in order, in one bash session
// (`set -euo pipefail`, so variables such as $TOKEN carry from block to block), against a Herald started from dist/
// on a fresh HERALD_DATA_DIR and a free port, its providers the loopback fakes (test/fakes) on free ports.
//
// How blocks are read:
// - The bash session's working directory holds the data dir as `.data/`, so the README's
//   `require('./.data/herald-secrets.json')` reads this Herald's secret, as it would after `npm start` in a checkout.
// - Addresses are the README's, rewritten: http://127.0.0.1:8080 becomes this Herald's, :9301/:9302/:9303 the Mailgun,
//   Twilio and SendGrid fakes', :9304 the Mandrill fake's, :9305 (and `"port": 9305`) the SMTP fake's, :9307 the AWS SES fake's. Any other 127.0.0.1 port or `localhost` in a block that runs is an error.
// - `curl` is a function that prints the answer as curl would and fails the block on a status outside 2xx and on a
//   bulk answer that lists failed items (`"failed":[{`); a `NAME=$(...)` assigned by a block must not end empty,
//   `null` or `undefined`.
// - Markers, on the opening fence after `sh`:
//     readme-test:skip    not run (installs, starts servers the runner starts itself, or is an alternative);
//     readme-test:herald  starts Herald: the runner restarts its Herald with the block's `NAME=value` settings (the
//                         data dir stays), as a reader stops Herald and starts it again.
//   A block without a marker that runs `npm start`, `npm run fakes`, `npm ci` or `npm test` is an error.
// - Herald runs from the first block on, pointed at the fakes even before a `readme-test:herald` block (a reader's
//   Herald would call the real providers there; this run sends nothing off the machine).
// After the blocks: every privacy request the README created must end `complete`, and the Mailgun fake must have
// received what the walk-through says shell 1 shows (the erasure email, "Your data has been deleted").
//
//   npm run test:readme                 (builds dist/ first; `node test/readme/run-readme.mjs` uses the build there)
//   node test/readme/run-readme.mjs --outputFile=.ci-results/readme.json    (counts in the jest JSON shape, for CI)
//   README_TEST_KEEP=1 keeps the temporary folder (data dir, herald.log, the bash script) for a look afterwards.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMandrillFake, startProviderFakes, startSmtpFake } from '../fakes/index.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const README = join(root, 'README.md');
const MAIN = join(root, 'dist', 'main.js');
const MARKERS = ['readme-test:skip', 'readme-test:herald'];
/** What only a reader does by hand: installing, or starting servers that the runner starts itself. */
const SERVER_COMMANDS = /\bnpm (start|ci|test|run (fakes|start:prod))\b/;
const README_PORTS = { herald: 8080, mailgun: 9301, twilio: 9302, sendgrid: 9303, mandrill: 9304, smtp: 9305, awsSes: 9307 };
const BLOCKS_TIMEOUT_MS = 5 * 60_000;
const HERALD_START_TIMEOUT_MS = 90_000;
/** What the walk-through says the Mailgun stand-in receives ("A privacy request, end to end"). */
const MAILGUN_CLAIMS = [
  { to: 'privacy@daycare.example', what: 'the erasure email to the daycare connector' },
  { to: 'parent@example.com', subject: 'Your data has been deleted', what: 'the completion notice' },
  // "Batched erasure emails": one email to the vendor for the week's three requests.
  { to: 'privacy@acme.example', subject: 'Notification of user erasure requests from Daycare', what: 'the batch email to the acme connector' },
];

const outputFile = (() => {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === '--outputFile' || a.startsWith('--outputFile='));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].slice('--outputFile='.length) : args[i + 1];
})();

/** The ```sh blocks of the README, with their marker and the line of their first command. */
function shellBlocks(markdown) {
  const blocks = [];
  let open;
  markdown.split('\n').forEach((line, index) => {
    if (open === undefined) {
      const fence = /^```(\S*)[ \t]*(.*)$/.exec(line);
      if (fence) open = { info: fence[1], marker: fence[2].trim(), line: index + 2, lines: [] };
    } else if (/^```\s*$/.test(line)) {
      if (open.info === 'sh') blocks.push({ marker: open.marker, line: open.line, text: open.lines.join('\n') });
      open = undefined;
    } else {
      open.lines.push(line);
    }
  });
  if (open) throw new Error(`README.md: a code block opened at line ${open.line - 1} is never closed`);
  for (const block of blocks) {
    if (block.marker && !MARKERS.includes(block.marker))
      throw new Error(`README.md:${block.line - 1}: unknown marker "${block.marker}" (known: ${MARKERS.join(', ')})`);
    if (!block.marker && SERVER_COMMANDS.test(block.text)) {
      throw new Error(`README.md:${block.line - 1}: this block installs or starts a server; mark it \`\`\`sh readme-test:skip (or readme-test:herald)`);
    }
  }
  return blocks;
}

/** The README's addresses rewritten to this run's; anything else on the loopback is refused. */
function rewriteAddresses(block, ports) {
  let text = block.text;
  for (const [name, port] of Object.entries(README_PORTS)) text = text.replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${ports[name]}`);
  // An SMTP config names its port apart from its host.
  text = text.replaceAll(`"port": ${README_PORTS.smtp}`, `"port": ${ports.smtp}`);
  const known = new Set(Object.values(ports).map(String));
  for (const match of text.matchAll(/127\.0\.0\.1:(\d+)|\blocalhost\b/g)) {
    if (!known.has(match[1])) throw new Error(`README.md:${block.line}: an address this run does not know: ${match[0]}`);
  }
  return text;
}

/** The `NAME=value` settings of a readme-test:herald block, which must be just settings and `npm start`. */
function heraldSettings(text, line) {
  const command = text
    .split('\n')
    .filter((l) => !/^\s*(#|$)/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .trim();
  const words = command.split(/\s+/);
  if (words.slice(-2).join(' ') !== 'npm start') throw new Error(`README.md:${line}: a readme-test:herald block ends with \`npm start\``);
  const settings = {};
  for (const word of words.slice(0, -2)) {
    const setting = /^([A-Z][A-Z0-9_]*)=([^\s'"$`\\]*)$/.exec(word);
    if (!setting) throw new Error(`README.md:${line}: not a plain NAME=value setting: ${word}`);
    settings[setting[1]] = setting[2];
  }
  return settings;
}

/** The curl wrapper and the checks, in bash (sourced first). */
const PRELUDE = join(root, 'test', 'readme', 'prelude.sh');

/** The bash script: the prelude, then each block between progress messages to the runner on fd 3. */
function script(blocks, ports) {
  const parts = [`source ${JSON.stringify(PRELUDE)}`];
  for (const block of blocks) {
    if (block.marker === 'readme-test:skip') continue;
    parts.push(`echo "start ${block.line}" >&3`, `printf '\\n== README.md:%s%s\\n' ${block.line} ${JSON.stringify(block.marker ? ` (${block.marker})` : '')}`);
    if (block.marker === 'readme-test:herald') {
      parts.push(`readme_herald ${block.line}`);
    } else {
      const assigned = [...new Set([...block.text.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)=\$\(/gm)].map((m) => m[1]))];
      // Each command is echoed before it runs (set -v), with the addresses rewritten.
      parts.push('set -v', rewriteAddresses(block, ports), 'set +v', assigned.length ? `readme_filled ${assigned.join(' ')}` : ':');
    }
    parts.push(`echo "done ${block.line}" >&3`);
  }
  return parts.join('\n') + '\n';
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Herald from dist/ with a clean environment: the PATH, the data dir, the port, the fakes, and `settings`. */
async function startHerald(work, port, fakes, settings, log) {
  const child = spawn(process.execPath, [MAIN], {
    cwd: work,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MALLOC_ARENA_MAX: '2',
      // Warnings and errors only: the last lines of a failed run are then about it (settings may say otherwise).
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HERALD_DATA_DIR: join(work, '.data'),
      ...fakes.env,
      ...settings,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output += chunk;
    log.push(String(chunk));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  await new Promise((resolve, reject) => {
    const deadline = Date.now() + HERALD_START_TIMEOUT_MS;
    const timer = setInterval(() => {
      if (/Herald listening on http:\/\/\S+/.test(output)) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(timer);
        child.kill('SIGKILL');
        reject(new Error(`Herald did not start (exit ${child.exitCode}):\n${output.slice(-4000)}`));
      }
    }, 50);
  });
  return {
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs the script; resolves with bash's exit code and the lines (blocks) it finished. */
function runBash(work, onHerald) {
  const child = spawn('bash', [join(work, 'readme.sh')], {
    cwd: work,
    env: { PATH: `${dirname(process.execPath)}:${process.env.PATH}`, HOME: process.env.HOME, LANG: 'C.UTF-8' },
    stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
  });
  const control = child.stdio[3];
  const state = { started: undefined, done: [] };
  let pending = '';
  control.on('data', (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const [word, line] = pending.slice(0, newline).split(' ');
      pending = pending.slice(newline + 1);
      if (word === 'start') state.started = Number(line);
      if (word === 'done') state.done.push(Number(line));
      if (word === 'herald') {
        onHerald(Number(line)).then(
          () => control.write('ok\n'),
          (error) => {
            console.error(error.message);
            control.write('failed\n');
          },
        );
      }
    }
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      console.error(`readme-test: the blocks took longer than ${BLOCKS_TIMEOUT_MS / 1000} s`);
      child.kill('SIGKILL');
    }, BLOCKS_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, ...state });
    });
  });
}

/** Polls until `check` gives a value, for at most `ms`. */
async function eventually(what, check, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** After the blocks: the privacy requests they created ran to the end, and the stand-ins received what the README says. */
async function checkOutcome(work, base, fakes) {
  const problems = [];
  // "Mailchimp Transactional and SMTP": one test message each.
  if (!fakes.mandrill.requests.some((r) => r.status === 200 && r.body?.message?.to?.[0]?.email === 'you@example.com')) {
    problems.push('the Mandrill stand-in never received the test message to you@example.com');
  }
  if (!fakes.smtp.messages.some((m) => m.to.includes('you@example.com') && m.secure)) {
    problems.push('the SMTP fake never received the test message to you@example.com over STARTTLS');
  }
  const secrets = JSON.parse(await readFile(join(work, '.data', 'herald-secrets.json'), 'utf8'));
  const token = (
    await (
      await fetch(`${base}/api/v1/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ client_id: 'fidesadmin', client_secret: secrets.oauthRootClientSecret }),
      })
    ).json()
  ).access_token;
  const FINAL = ['complete', 'error', 'denied', 'canceled'];
  const requests = await eventually('the privacy requests to finish', async () => {
    const page = await (await fetch(`${base}/api/v1/privacy-request?size=50`, { headers: { authorization: `Bearer ${token}` } })).json();
    return page.items?.every((r) => FINAL.includes(r.status)) ? page.items : undefined;
  });
  if (requests.length === 0) problems.push('the README created no privacy request');
  for (const r of requests) if (r.status !== 'complete') problems.push(`privacy request ${r.id} ended ${r.status}, not complete`);
  const received = fakes.mailgun.requests.filter((r) => r.status === 200).map((r) => ({ to: r.fields?.to, subject: r.fields?.subject }));
  for (const claim of MAILGUN_CLAIMS) {
    if (!received.some((r) => r.to === claim.to && (claim.subject === undefined || r.subject === claim.subject))) {
      problems.push(`the Mailgun stand-in never received ${claim.what} (to ${claim.to}); it received ${JSON.stringify(received)}`);
    }
  }
  console.log(`\nreadme-test: privacy requests ${requests.map((r) => `${r.id} ${r.status}`).join(', ')}; Mailgun stand-in: ${received.length} messages`);
  return problems;
}

async function main() {
  if (!existsSync(MAIN)) {
    console.error(`readme: no ${MAIN}; run \`npm run build\` first (npm run test:readme does)`);
    return { passed: 0, failed: 1 };
  }
  const blocks = shellBlocks(await readFile(README, 'utf8'));
  const work = await mkdtemp(join(tmpdir(), 'herald-readme-'));
  // The embedded PostgreSQL runs as `postgres` when this runs as root: it must reach the folder.
  await chmod(work, 0o755);
  const log = [];
  const providerFakes = await startProviderFakes({ ports: { mailgun: 0, twilio: 0, sendgrid: 0, awsSes: 0 } });
  const mandrill = await startMandrillFake();
  const smtp = await startSmtpFake();
  const caFile = join(work, 'smtp-fake-ca.pem');
  await writeFile(caFile, smtp.cert);
  const fakes = {
    ...providerFakes,
    mandrill,
    smtp,
    env: { ...providerFakes.env, MAILCHIMP_TRANSACTIONAL_API_URL: mandrill.url, HERALD_SMTP_CA_FILE: caFile },
    close: () => Promise.all([providerFakes.close(), mandrill.close(), smtp.close()]),
  };
  const ports = {
    herald: await freePort(),
    mailgun: fakes.mailgun.port,
    twilio: fakes.twilio.port,
    sendgrid: fakes.sendgrid.port,
    mandrill: mandrill.port,
    smtp: smtp.port,
    awsSes: fakes.awsSes.port,
  };
  const base = `http://127.0.0.1:${ports.herald}`;
  let passed = 0;
  let failed = 0;
  let herald;
  try {
    await writeFile(join(work, 'readme.sh'), script(blocks, ports));
    herald = await startHerald(work, ports.herald, fakes, {}, log);
    const result = await runBash(work, async (line) => {
      const block = blocks.find((b) => b.line === line);
      const settings = heraldSettings(rewriteAddresses(block, ports), line);
      console.log(`readme-test: Herald stopped and started again with ${Object.keys(settings).join(', ')}`);
      await herald.stop();
      herald = await startHerald(work, ports.herald, fakes, settings, log);
    });
    const run = blocks.filter((b) => b.marker !== 'readme-test:skip');
    passed += result.done.length;
    if (result.code !== 0) {
      failed += 1;
      console.error(
        `\nFAILED README.md:${result.started}: the block stopped (bash exit ${result.code}); Herald's last lines:\n${log.join('').split('\n').slice(-15).join('\n')}`,
      );
    } else {
      const problems = await checkOutcome(work, base, fakes);
      for (const problem of problems) console.error(`FAILED ${problem}`);
      if (problems.length) failed += 1;
      else passed += 1;
    }
    const skipped = blocks.length - run.length;
    console.log(`readme-test: ${blocks.length} sh blocks, ${skipped} marked readme-test:skip; temporary folder ${work}`);
  } catch (error) {
    failed += 1;
    console.error(`FAILED ${error.message}`);
  } finally {
    await herald?.stop();
    await fakes.close();
    if (process.env.README_TEST_KEEP !== '1') await rm(work, { recursive: true, force: true });
  }
  return { passed, failed };
}

const { passed, failed } = await main();
console.log(`readme: ${passed} passed, ${failed} failed`);
if (outputFile) await writeFile(outputFile, JSON.stringify({ numPassedTests: passed, numFailedTests: failed, numTotalTests: passed + failed }));
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
