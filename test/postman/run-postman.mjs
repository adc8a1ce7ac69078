// Runs Fides' own Postman collection (../shared/fides/Fides.postman_collection.json, unedited) with newman against
// a Herald started on a throwaway embedded PostgreSQL, and fails on any non-2xx answer or failed bulk item.
//   npm run test:postman        (FIDES_POSTMAN_COLLECTION to use another copy of the collection)
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import newman from 'newman';

const root = fileURLToPath(new URL('../..', import.meta.url));
const collectionPath = process.env.FIDES_POSTMAN_COLLECTION ?? join(root, '..', 'shared', 'fides', 'Fides.postman_collection.json');
const ROOT_CLIENT = { id: 'postman-root', secret: 'postman-root-secret' };

/** The requests to run, by folder, in the collection's own order. */
const FOLDERS = ['Messaging Config - Email', 'Messaging Config - SMS', 'Identity Verification', 'Email ConnectionConfig'];

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

async function startHerald() {
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

async function main() {
  const collection = JSON.parse(await readFile(collectionPath, 'utf8'));
  const tokenRequest = findItem(collection.item, (i) => i.name === 'Get Root Client Token' && i.request);
  const folders = FOLDERS.map((name) => {
    const folder = findItem(collection.item, (i) => i.name === name && i.item);
    if (!folder) throw new Error(`folder "${name}" not in the collection`);
    return folder;
  });
  // The Email folder deletes its config before setting that config's secrets (a 404 in Fides too): its delete
  // request runs last, after the other folders, so that every request meets the state it was written for.
  const [email, ...others] = folders;
  const emailDelete = email.item.filter((i) => i.request.method === 'DELETE');
  const run = {
    ...collection,
    item: [tokenRequest, ...email.item.filter((i) => !emailDelete.includes(i)), ...others.flatMap((f) => f.item), ...emailDelete],
  };

  const herald = await startHerald();
  try {
    const summary = await new Promise((resolve, reject) =>
      newman.run(
        {
          collection: run,
          reporters: ['cli'],
          envVar: [
            { key: 'host', value: `${herald.base}/api/v1` },
            { key: 'OAUTH_ROOT_CLIENT_ID', value: ROOT_CLIENT.id },
            { key: 'OAUTH_ROOT_CLIENT_SECRET', value: ROOT_CLIENT.secret },
            { key: 'mailgun_domain', value: 'mg.example.com' },
            { key: 'mailgun_api_key', value: 'key-postman' },
            { key: 'twilio_account_sid', value: 'AC00000000000000000000000000000000' },
            { key: 'twilio_auth_token', value: 'postman-token' },
            { key: 'twilio_messaging_service_id', value: 'MG00000000000000000000000000000000' },
          ],
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      ),
    );
    // Bulk routes answer 200 even when items fail: an item in `failed` is a failure too.
    const failedItems = (e) => {
      try {
        const body = JSON.parse(e.response.text());
        return Array.isArray(body?.failed) && body.failed.length > 0;
      } catch {
        return false;
      }
    };
    const failures = summary.run.executions.filter((e) => !e.response || e.response.code < 200 || e.response.code >= 300 || failedItems(e));
    for (const e of failures) {
      console.error(`FAILED ${e.item.name}: ${e.response?.code ?? 'no response'} ${e.response?.text?.() ?? ''}`);
    }
    const total = summary.run.executions.length;
    console.log(`postman: ${total - failures.length} passed, ${failures.length} failed`);
    process.exitCode = failures.length === 0 && summary.run.failures.length === 0 && total > 0 ? 0 : 1;
  } finally {
    await herald.stop();
  }
}

await main();
