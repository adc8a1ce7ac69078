// Runs Fides' own Postman collection (docs/compatibility.md#the-postman-collection; by default
// ../shared/fides/Fides.postman_collection.json beside the repository, unedited) with newman against
// a Herald started on a throwaway embedded PostgreSQL, its providers the loopback fakes, and fails on any non-2xx
// answer (but the refusals Herald's folders ask for), failed bulk item or failed test-script assertion. The erasure
// request the collection creates must then run to `complete`, and its receipt and completion notice must reach the
// Mailgun fake.
// Herald's own folders (herald-providers.postman_collection.json beside this file, in the collection's style) run after
// Fides' messaging folders: one config per email type of decision D33 (Mailchimp Transactional, SMTP, AWS SES), a
// refused and a good secrets update, a test message, and the config deleted again; each fake must then have received
// exactly that test message.
//   npm run test:postman        (FIDES_POSTMAN_COLLECTION=/path/to/Fides.postman_collection.json for another copy)
// Without the collection it says so in one line and exits 1, before starting anything (no build needed for that).
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import newman from 'newman';
import { startMandrillFake, startProviderFakes, startSmtpFake } from '../fakes/index.mjs';

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
const PROVIDERS_COLLECTION = join(root, 'test', 'postman', 'herald-providers.postman_collection.json');
/** Where Herald's provider folders run: after this folder of Fides' collection, before identity verification. */
const PROVIDERS_AFTER = 'Messaging Config - SMS';
const PROVIDER_TEST_EMAIL = 'postman-provider-test@example.com';
/** The test message's subject (Herald's, decision D31), which each new provider's fake must receive once. */
const TEST_SUBJECT = 'Test message from Herald';
const MANDRILL_KEY = 'md-postman-key-0123456789';
const SMTP_LOGIN = { username: 'postman-smtp', password: 'postman-smtp-password' };
const AWS_KEYS = { id: 'AKIAPOSTMAN000000001', secret: 'postman-aws-secret-access-key-000000001' };

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
  { key: 'provider_test_email', value: PROVIDER_TEST_EMAIL },
  { key: 'mailchimp_transactional_api_key', value: MANDRILL_KEY },
  { key: 'smtp_host', value: '127.0.0.1' },
  { key: 'smtp_username', value: SMTP_LOGIN.username },
  { key: 'smtp_password', value: SMTP_LOGIN.password },
  { key: 'aws_ses_access_key_id', value: AWS_KEYS.id },
  { key: 'aws_ses_secret_access_key', value: AWS_KEYS.secret },
];

function runNewman(collection, items, envVar) {
  return new Promise((resolve, reject) =>
    newman.run({ collection: { ...collection, item: items }, reporters: ['cli'], envVar: [...ENV_VARS, ...envVar] }, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
}

/** The loopback fakes: Fides' three providers and AWS SES, Mandrill and SMTP, with the settings that point Herald at them. */
async function startFakes() {
  const providers = await startProviderFakes();
  const mandrill = await startMandrillFake({ apiKey: MANDRILL_KEY });
  const smtp = await startSmtpFake({ username: SMTP_LOGIN.username, password: SMTP_LOGIN.password });
  // Herald trusts the SMTP fake's self-signed certificate through HERALD_SMTP_CA_FILE.
  const caDir = await mkdtemp(join(tmpdir(), 'herald-postman-ca-'));
  await chmod(caDir, 0o755);
  const caFile = join(caDir, 'smtp-fake-ca.pem');
  await writeFile(caFile, smtp.cert);
  return {
    ...providers,
    mandrill,
    smtp,
    env: { ...providers.env, MAILCHIMP_TRANSACTIONAL_API_URL: mandrill.url, HERALD_SMTP_CA_FILE: caFile },
    close: async () => {
      await Promise.all([providers.close(), mandrill.close(), smtp.close()]);
      await rm(caDir, { recursive: true, force: true });
    },
  };
}

/**
 * After Herald's provider folders: each new provider's fake received exactly one message, the test message to
 * PROVIDER_TEST_EMAIL, and nothing else (AWS SES: besides the sender's identity checks).
 */
function checkProviderFakes(fakes) {
  const expected = [{ to: PROVIDER_TEST_EMAIL, subject: TEST_SUBJECT }];
  const received = {
    mandrill: fakes.mandrill.requests.map((r) => ({ to: r.body?.message?.to?.map((t) => t.email).join(','), subject: r.body?.message?.subject })),
    smtp: fakes.smtp.attempts.map((m) => ({ to: m.to.join(','), subject: m.subject })),
    awsSes: fakes.awsSes.sends().map((r) => ({ to: r.body?.Destination?.ToAddresses?.join(','), subject: r.body?.Content?.Simple?.Subject?.Data })),
  };
  const problems = [];
  for (const [name, messages] of Object.entries(received)) {
    if (JSON.stringify(messages) !== JSON.stringify(expected)) {
      problems.push(`the ${name} fake received ${JSON.stringify(messages)}, not only the test message ${JSON.stringify(expected[0])}`);
    }
  }
  const checks = new Set(fakes.awsSes.identityChecks());
  const otherSes = fakes.awsSes.requests.filter((r) => !checks.has(r) && !fakes.awsSes.sends().includes(r));
  if (otherSes.length) problems.push(`the AWS SES fake received unexpected requests: ${otherSes.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  if (fakes.smtp.messages.length !== 1 || !fakes.smtp.messages[0].secure) problems.push('the SMTP fake did not receive the test message over STARTTLS');
  for (const problem of problems) console.error(`FAILED ${problem}`);
  console.log(`postman: test messages received by the Mandrill, SMTP and AWS SES fakes: ${JSON.stringify(received)}`);
  return problems.length;
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
  const providers = JSON.parse(await readFile(PROVIDERS_COLLECTION, 'utf8'));
  const providerItems = providers.item.flatMap((folder) => folder.item);
  const runCollection = { ...collection, variable: [...(collection.variable ?? []), ...providers.variable] };
  // Herald's requests that must be refused (their scripts check the 4xx): not failures of the run for that.
  const refusals = new Set(
    providerItems.filter((i) => i.event?.some((e) => e.script.exec.some((line) => /to\.have\.status\(4\d\d\)/.test(line)))).map((i) => i.id),
  );
  const firstItems = others.flatMap((folder) => (folder.name === PROVIDERS_AFTER ? [...folder.item, ...providerItems] : folder.item));

  const fakes = await startFakes();
  const herald = await startHerald(fakes.env);
  try {
    const first = await runNewman(
      runCollection,
      [tokenRequest, ...email.item.filter((i) => !emailDelete.includes(i)), ...firstItems],
      [
        { key: 'host', value: `${herald.base}/api/v1` },
        { key: 'smtp_port', value: String(fakes.smtp.port) },
      ],
    );
    const providerProblems = checkProviderFakes(fakes);
    const created = first.run.executions.find((e) => e.item.name === 'Create Erasure Privacy Request');
    const requestId = created && bodyOf(created)?.succeeded?.[0]?.id;
    if (!requestId) throw new Error(`the collection's erasure request was not created: ${created?.response?.text?.()}`);
    // Before the Mailgun config goes (the delete that runs last), the request must have run and sent its notices.
    const problems = (await checkErasureRequestRan(herald, fakes, requestId)) + providerProblems;
    const second = await runNewman(
      runCollection,
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
    const refused = (e) => refusals.has(e.item.id) && e.response.code >= 400 && e.response.code < 500;
    const failedScript = (e) => e.assertions?.some((a) => a.error) ?? false;
    const failures = executions.filter(
      (e) => !e.response || ((e.response.code < 200 || e.response.code >= 300) && !refused(e)) || failedItems(e) || failedScript(e),
    );
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
