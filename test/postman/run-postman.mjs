// Runs Fides' own Postman collection (docs/compatibility.md#the-postman-collection; by default
// ../shared/fides/Fides.postman_collection.json beside the repository, unedited) with newman against
// a Herald started on a throwaway embedded PostgreSQL, its providers the loopback fakes, and fails on any non-2xx
// answer or failed bulk item. The erasure request the collection creates must then run to `complete`, and its
// receipt and completion notice must reach the Mailgun fake.
//   npm run test:postman        (FIDES_POSTMAN_COLLECTION=/path/to/Fides.postman_collection.json for another copy)
// Without the collection it says so in one line and exits 1, before starting anything (no build needed for that).
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import newman from 'newman';
import { startProviderFakes } from '../fakes/provider-fakes.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const COLLECTION_VAR = 'FIDES_POSTMAN_COLLECTION';
const collectionPath = process.env[COLLECTION_VAR] || join(root, '..', 'shared', 'fides', 'Fides.postman_collection.json');
const ROOT_CLIENT = { id: 'postman-root', secret: 'postman-root-secret' };

/** The requests to run, by folder, in the collection's own order. */
const FOLDERS = [
  'Messaging Config - Email',
  'Messaging Config - SMS',
  'Identity Verification',
  'Email ConnectionConfig',
  'Calls to create an Erasure Request (Assume Basic Configs already set up from Access Request section)',
];
/** Requests of "Privacy Request Management" run afterwards, with the id of the request created above. */
const MANAGEMENT = ['Check the Status of my Privacy Request', 'Get all Privacy Request Execution Logs'];
const SUBJECT_EMAIL = 'customer-1@example.com'; // the identity of the collection's "Create Erasure Privacy Request"

function findItem(items, predicate) {
  for (const item of items) {
    if (predicate(item)) return item;
    if (item.item) {
      const found = findItem(item.item, predicate);
      if (found) return found;
    }
  }
  return undefined;
}

async function startHerald(providerEnv) {
  const dir = await mkdtemp(join(tmpdir(), 'herald-postman-'));
  await chmod(dir, 0o755);
  const child = spawn(process.execPath, [join(root, 'dist', 'main.js')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      LOG_LEVEL: 'warn',
      HERALD_DATA_DIR: join(dir, 'data'),
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: ROOT_CLIENT.id,
      FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: ROOT_CLIENT.secret,
      FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
      FIDES__NOTIFICATIONS__SEND_REQUEST_RECEIPT_NOTIFICATION: 'true',
      FIDES__NOTIFICATIONS__SEND_REQUEST_COMPLETION_NOTIFICATION: 'true',
      ...providerEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const base = await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /Herald listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(match[1]);
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`Herald exited: ${output}`));
      }
    }, 50);
  });
  return {
    base,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const ENV_VARS = [
  { key: 'OAUTH_ROOT_CLIENT_ID', value: ROOT_CLIENT.id },
  { key: 'OAUTH_ROOT_CLIENT_SECRET', value: ROOT_CLIENT.secret },
  { key: 'mailgun_domain', value: 'mg.example.com' },
  { key: 'mailgun_api_key', value: 'key-postman' },
  { key: 'twilio_account_sid', value: 'AC00000000000000000000000000000000' },
  { key: 'twilio_auth_token', value: 'postman-token' },
  { key: 'twilio_messaging_service_id', value: 'MG00000000000000000000000000000000' },
];

function runNewman(collection, items, envVar) {
  return new Promise((resolve, reject) =>
    newman.run({ collection: { ...collection, item: items }, reporters: ['cli'], envVar: [...ENV_VARS, ...envVar] }, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
}

const bodyOf = (execution) => {
  try {
    return JSON.parse(execution.response.text());
  } catch {
    return undefined;
  }
};

/** Polls until `check` gives a value, for at most `ms`. */
async function eventually(what, check, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** After the collection: the erasure request it created ran to the end, and its subject got both notices. */
async function checkErasureRequestRan(herald, fakes, requestId) {
  const token = (
    await (
      await fetch(`${herald.base}/api/v1/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ client_id: ROOT_CLIENT.id, client_secret: ROOT_CLIENT.secret }),
      })
    ).json()
  ).access_token;
  const status = await eventually(`privacy request ${requestId} to finish`, async () => {
    const page = await (await fetch(`${herald.base}/api/v1/privacy-request?request_id=${requestId}`, { headers: { authorization: `Bearer ${token}` } })).json();
    const current = page.items?.[0]?.status;
    return ['complete', 'error', 'denied', 'canceled'].includes(current) ? current : undefined;
  });
  const subjects = fakes.mailgun.requests.filter((r) => r.status === 200 && r.fields?.to === SUBJECT_EMAIL).map((r) => r.fields.subject);
  const problems = [];
  if (status !== 'complete') problems.push(`privacy request ${requestId} ended ${status}, not complete`);
  for (const subject of ['Your request has been received', 'Your data has been deleted']) {
    if (!subjects.includes(subject)) problems.push(`no "${subject}" email reached the Mailgun fake (got: ${JSON.stringify(subjects)})`);
  }
  for (const problem of problems) console.error(`FAILED ${problem}`);
  console.log(`postman: erasure request ${requestId} ${status}; emails to the subject: ${JSON.stringify(subjects)}`);
  return problems.length;
}

/** The collection, or undefined after one line on stderr saying what is wrong (a missing file: how to point at one). */
async function readCollection() {
  let text;
  try {
    text = await readFile(collectionPath, 'utf8');
  } catch (error) {
    const missing = error.code === 'ENOENT' || error.code === 'ENOTDIR';
    console.error(
      missing
        ? `postman: no collection at ${collectionPath}; set ${COLLECTION_VAR}=/path/to/Fides.postman_collection.json (Fides' docs/fides/docs/development/postman/)`
        : `postman: cannot read the collection at ${collectionPath} (${error.code ?? error.message}); set ${COLLECTION_VAR} to a readable copy`,
    );
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    console.error(`postman: ${collectionPath} is not JSON (${error.message}); set ${COLLECTION_VAR} to Fides' Postman collection`);
    return undefined;
  }
}

async function main() {
  const collection = await readCollection();
  if (collection === undefined) {
    process.exitCode = 1;
    return;
  }
  const tokenRequest = findItem(collection.item, (i) => i.name === 'Get Root Client Token' && i.request);
  const folders = FOLDERS.map((name) => {
    const folder = findItem(collection.item, (i) => i.name === name && i.item);
    if (!folder) throw new Error(`folder "${name}" not in the collection`);
    return folder;
  });
  const management = MANAGEMENT.map((name) => {
    const request = findItem(collection.item, (i) => i.name === name && i.request);
    if (!request) throw new Error(`request "${name}" not in the collection`);
    return request;
  });
  // The Email folder deletes its config before setting that config's secrets (a 404 in Fides too): its delete
  // request runs last, after the other folders, so that every request meets the state it was written for.
  const [email, ...others] = folders;
  const emailDelete = email.item.filter((i) => i.request.method === 'DELETE');

  const fakes = await startProviderFakes();
  const herald = await startHerald(fakes.env);
  try {
    const first = await runNewman(
      collection,
      [tokenRequest, ...email.item.filter((i) => !emailDelete.includes(i)), ...others.flatMap((f) => f.item)],
      [{ key: 'host', value: `${herald.base}/api/v1` }],
    );
    const created = first.run.executions.find((e) => e.item.name === 'Create Erasure Privacy Request');
    const requestId = created && bodyOf(created)?.succeeded?.[0]?.id;
    if (!requestId) throw new Error(`the collection's erasure request was not created: ${created?.response?.text?.()}`);
    // Before the Mailgun config goes (the delete that runs last), the request must have run and sent its notices.
    const problems = await checkErasureRequestRan(herald, fakes, requestId);
    const second = await runNewman(
      collection,
      [tokenRequest, ...management, ...emailDelete],
      [
        { key: 'host', value: `${herald.base}/api/v1` },
        { key: 'privacy_request_id', value: requestId },
      ],
    );

    // Bulk routes answer 200 even when items fail: an item in `failed` is a failure too.
    const failedItems = (e) => {
      const body = bodyOf(e);
      return Array.isArray(body?.failed) && body.failed.length > 0;
    };
    const executions = [...first.run.executions, ...second.run.executions];
    const failures = executions.filter((e) => !e.response || e.response.code < 200 || e.response.code >= 300 || failedItems(e));
    for (const e of failures) {
      console.error(`FAILED ${e.item.name}: ${e.response?.code ?? 'no response'} ${e.response?.text?.() ?? ''}`);
    }
    const total = executions.length;
    console.log(`postman: ${total - failures.length} passed, ${failures.length} failed`);
    const newmanFailures = first.run.failures.length + second.run.failures.length;
    process.exitCode = failures.length === 0 && newmanFailures === 0 && problems === 0 && total > 0 ? 0 : 1;
  } finally {
    await herald.stop();
    await fakes.close();
  }
}

await main();
