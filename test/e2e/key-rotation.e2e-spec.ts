// Key rotation (issue 15 item 4): data sealed under key A, and in the format from before the key ring, is read by an
// app with key B and HERALD_PREVIOUS_ENCRYPTION_KEYS=A; `rotate-keys` re-seals it all under B in batches, continuing
// after a crash; then B alone reads everything, while tokens and download links made under A are refused.
import { execFile } from 'node:child_process';
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import pg from 'pg';
import { KeyRing } from '../../src/common/crypto/index.js';
import { rotateKeys, type TableReport } from '../../src/crypto-rotation/rotation.js';
import { AccessPackages } from '../../src/privacy-requests/execution/access-packages.js';
import { fieldText, startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { bearer, createTestApp, createTestDatabase, type TestApp } from '../support/test-app.js';

// Built by `npm test` (as the start-up tests use dist/main.js): the script as an operator runs it.
const SCRIPT = new URL('../../dist/crypto-rotation/rotate-keys.js', import.meta.url).pathname;

const KEY_A = 'rotation-e2e-key-a-of-32-bytes!!';
const KEY_B = 'rotation-e2e-key-b-of-32-bytes!!';
const MAILGUN_KEY = 'key-rotation-mailgun-9090';
const SUBJECT = 'rotating-subject@example.com';
const PHONE = '+15557779090';
const LEGACY_SUBJECT = 'legacy-subject@example.com';
const VERIFYING_SUBJECT = 'verifying-subject@example.com';
const TEST_EMAIL = 'connector-test@vendor.example';
const SUPPRESSED = 'Suppressed.Subject@example.com';
const ID_A = new KeyRing(KEY_A).currentKeyId;
const ID_B = new KeyRing(KEY_B).currentKeyId;

/** What Herald wrote before the key ring: a v1 envelope under the raw key, and the identity hash under SHA-256(label + key). */
const legacySeal = (plaintext: string, key: string, context: string) => {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', ...[nonce, ciphertext, cipher.getAuthTag()].map((p) => p.toString('base64url'))].join('.');
};
const legacyEmailHash = (key: string, email: string) =>
  createHmac('sha256', createHash('sha256').update(`herald:identity-hash:${key}`).digest())
    .update(`email:${email}`)
    .digest('hex');
/** A download link as sent before the key ring: HS256 without a `kid`. */
const legacyLinkToken = (key: string, requestId: string) =>
  new SignJWT({ purpose: 'access-package' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(requestId)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(createHash('sha256').update(`herald:download-link:${key}`).digest());

const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;

/** Every sealed value and lookup hash, by table and row. */
async function stored(db: pg.Pool): Promise<Record<string, string>> {
  const rows = await db.query<{ k: string; v: string }>(`
    SELECT 'secret:' || owner_kind || ':' || owner_id AS k, envelope || ' ' || key_version AS v FROM secret
    UNION ALL SELECT 'privacy_request:' || id, identity || ' ' || coalesce(email_hash, '-') || ' ' || coalesce(phone_number_hash, '-') FROM privacy_request
    UNION ALL SELECT 'access_package:' || request_id, sealed FROM access_package
    UNION ALL SELECT 'message:' || id, payload FROM message
    UNION ALL SELECT 'suppression:' || id, recipient || ' ' || recipient_hash FROM suppression`);
  return Object.fromEntries(rows.rows.map((r) => [r.k, r.v]));
}

describe('encryption key rotation', () => {
  let fakes: ProviderFakes;
  let database: { url: string; drop: () => Promise<void> };
  let dataDir: string;
  let pool: pg.Pool;
  const apps: TestApp[] = [];

  const start = async (env: Record<string, string>) => {
    const app = await createTestApp(
      { ...fakes.env, HERALD_DATA_DIR: dataDir, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun', ...env },
      undefined,
      database.url,
    );
    apps.push(app);
    return app;
  };
  const stop = async (app: TestApp) => {
    // The outbox and the runs end first: a message sealed by one app is never left for the next.
    await waitFor('a quiet outbox', async () => {
      const { rows } = await app.db.query(
        "SELECT (SELECT count(*) FROM message WHERE status IN ('queued', 'sending')) + (SELECT count(*) FROM privacy_request WHERE status IN ('pending', 'approved', 'in_processing')) AS n",
      );
      return Number(rows[0].n) === 0;
    });
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };
  const ids = async (t: TestApp, auth: Record<string, string>, identity: string) => {
    const res = await t
      .http()
      .get(`/api/v1/privacy-request?identity=${encodeURIComponent(identity)}&include_identities=true`)
      .set(auth)
      .expect(200);
    return (res.body.items as { id: string; identity: unknown }[]).map((i) => ({ id: i.id, identity: i.identity }));
  };
  const connectionTest = async (t: TestApp, auth: Record<string, string>) => {
    const sent = fakes.mailgun.requests.filter((r) => r.fields.to === TEST_EMAIL && r.status === 200).length;
    // The test email goes through the Mailgun config: both the connection's and the config's secrets must open.
    const res = await t.http().get('/api/v1/connection/vendor/test').set(auth).expect(200);
    expect(res.body).toEqual({ msg: 'Test completed for ConnectionConfig with key: vendor.', test_status: 'succeeded', failure_reason: null });
    expect(fakes.mailgun.requests.filter((r) => r.fields.to === TEST_EMAIL && r.status === 200)).toHaveLength(sent + 1);
  };

  beforeAll(async () => {
    fakes = await startProviderFakes({ mailgun: { apiKey: MAILGUN_KEY } });
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'herald-rotation-'));
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await pool?.end();
    await database?.drop();
    await fakes?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reads data of the previous key, re-seals it all, and then needs only the new key', async () => {
    // ---- Key A: a messaging config, a connection with secrets, requests with identities, an access package.
    const a = await start({ FIDES__SECURITY__APP_ENCRYPTION_KEY: KEY_A });
    const tokenA = await a.rootToken();
    const authA = bearer(tokenA);
    await a
      .http()
      .post('/api/v1/messaging/config')
      .set(authA)
      .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.herald.example' } })
      .expect(200);
    await a.http().put('/api/v1/messaging/config/mailgun/secret').set(authA).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
    await a
      .http()
      .patch('/api/v1/connection')
      .set(authA)
      .send([{ name: 'Vendor', key: 'vendor', connection_type: 'email', access: 'write' }])
      .expect(200);
    await a
      .http()
      .put('/api/v1/connection/vendor/secret?verify=false')
      .set(authA)
      .send({ to_email: 'erasure@vendor.example', test_email: TEST_EMAIL })
      .expect(200);
    await connectionTest(a, authA);
    // A suppressed address (D28): found only by its keyed hash, which changes with the key.
    const suppressed = (await a.http().post('/api/v1/messaging/suppressions').set(authA).send({ email: SUPPRESSED }).expect(200)).body as { id: string };
    const suppressAgain = async (t: TestApp, auth: Record<string, string>) =>
      expect((await t.http().post('/api/v1/messaging/suppressions').set(auth).send({ email: SUPPRESSED.toLowerCase() }).expect(200)).body.id).toBe(
        suppressed.id,
      );

    const create = async (t: TestApp, identity: object) =>
      (
        await t
          .http()
          .post('/api/v1/privacy-request')
          .send([{ identity, policy_key: 'default_access_policy' }])
          .expect(200)
      ).body.succeeded[0] as { id: string; status: string };
    const main = await create(a, { email: SUBJECT, phone_number: PHONE });
    const legacy = await create(a, { email: LEGACY_SUBJECT });
    await waitFor(
      'both requests to complete',
      async () => (await a.db.query("SELECT count(*)::int AS n FROM privacy_request WHERE status = 'complete'")).rows[0].n === 2,
    );
    expect((await a.db.query('SELECT 1 FROM access_package WHERE request_id = $1', [main.id])).rowCount).toBe(1);
    // One request as a release before the key ring left it: a v1 identity and the old lookup hash.
    await a.db.query('UPDATE privacy_request SET identity = $2, email_hash = $3 WHERE id = $1', [
      legacy.id,
      legacySeal(JSON.stringify({ email: LEGACY_SUBJECT, phone_number: null }), KEY_A, `privacy_request:${legacy.id}`),
      legacyEmailHash(KEY_A, LEGACY_SUBJECT),
    ]);
    // A verification code emailed under A, to be used after the key changes.
    await a
      .http()
      .patch('/api/v1/config')
      .set(authA)
      .send({ execution: { subject_identity_verification_required: true } })
      .expect(200);
    const verifying = await create(a, { email: VERIFYING_SUBJECT });
    expect(verifying.status).toBe('identity_unverified');
    const codeEmail = fakes.mailgun.requests.find((r) => r.fields.to === VERIFYING_SUBJECT && r.status === 200);
    const code = /code is (\d{6})/.exec(fieldText(codeEmail, 'text'))?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const linkA = await a.app.get(AccessPackages).link(main.id);
    const legacyLink = `/api/v1/privacy-request/${main.id}/access-package?token=${await legacyLinkToken(KEY_A, main.id)}`;
    await a.http().get(pathOf(linkA)).expect(200);
    await a.http().get(legacyLink).expect(200);
    await stop(a);

    const underA = await stored(pool);
    expect(Object.keys(underA).filter((k) => k.startsWith('secret:'))).toHaveLength(2);
    for (const [row, value] of Object.entries(underA)) {
      expect([row, value.startsWith(`v2.${ID_A}.`) || (row === `privacy_request:${legacy.id}` && value.startsWith('v1.'))]).toEqual([row, true]);
    }

    // ---- Key B, reading A: everything opens, lookups by identity find old rows, links and codes sent under A work.
    const b = await start({ FIDES__SECURITY__APP_ENCRYPTION_KEY: KEY_B, HERALD_PREVIOUS_ENCRYPTION_KEYS: KEY_A });
    // Tokens are JWE directly under the app key (as in Fides): a new key means new tokens, at once.
    await b.http().get('/api/v1/privacy-request').set(authA).expect(401);
    const authB = bearer(await b.rootToken());
    expect(await ids(b, authB, SUBJECT.toUpperCase())).toEqual([{ id: main.id, identity: { email: SUBJECT, phone_number: PHONE } }]);
    expect((await ids(b, authB, PHONE)).map((i) => i.id)).toEqual([main.id]);
    expect(await ids(b, authB, LEGACY_SUBJECT)).toEqual([{ id: legacy.id, identity: { email: LEGACY_SUBJECT, phone_number: null } }]);
    await connectionTest(b, authB);
    await suppressAgain(b, authB);
    expect(JSON.parse((await b.http().get(pathOf(linkA)).expect(200)).text).identity).toEqual({ email: SUBJECT, phone_number: PHONE });
    await b.http().get(legacyLink).expect(200);
    await b.http().post(`/api/v1/privacy-request/${verifying.id}/verify`).send({ code }).expect(200);
    await waitFor(
      'the verified request to complete',
      async () => (await b.db.query('SELECT status FROM privacy_request WHERE id = $1', [verifying.id])).rows[0].status === 'complete',
    );
    await stop(b);

    // ---- Rotation with the previous key forgotten: rows it cannot open are counted and left as they were.
    const before = await stored(pool);
    const forgetful = await rotateKeys(pool, new KeyRing(KEY_B), { batchSize: 2 });
    expect(await stored(pool)).toEqual(before);
    const notUnderB = Object.entries(before).filter(([, v]) => !v.startsWith(`v2.${ID_B}.`));
    expect(forgetful.reduce((n, r) => n + r.unreadable, 0)).toBe(notUnderB.length);
    expect(forgetful.reduce((n, r) => n + r.left, 0)).toBe(notUnderB.length);

    // ---- A run that dies after two batches (the connection to the database fails): what it committed stays.
    const ring = new KeyRing(KEY_B, [KEY_A]);
    const dying = new pg.Pool({ connectionString: database.url, max: 1 });
    let batches = 0;
    const connect = dying.connect.bind(dying) as () => Promise<pg.PoolClient>;
    // Only the batches' own connections (no callback); counting queries pass through.
    (dying as unknown as { connect: (...args: unknown[]) => unknown }).connect = (...args: unknown[]) =>
      args.length > 0 ? (connect as (...a: unknown[]) => unknown)(...args) : ++batches > 2 ? Promise.reject(new Error('simulated crash')) : connect();
    await expect(rotateKeys(dying, ring, { batchSize: 1 })).rejects.toThrow('simulated crash');
    await dying.end();
    const partly = await stored(pool);
    // Tables go in order (secret first) and rows by primary key: the two batches were the two secrets.
    expect(Object.entries(partly).filter(([k, v]) => k.startsWith('secret:') && !v.startsWith(`v2.${ID_B}.`))).toEqual([]);
    expect(Object.values(partly).filter((v) => v.startsWith(`v2.${ID_B}.`)).length).toBe(
      Object.values(before).filter((v) => v.startsWith(`v2.${ID_B}.`)).length + 2,
    );

    // ---- The script, as an operator runs it, continues where the crash stopped.
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [SCRIPT, '--batch-size=2'],
        {
          env: { PATH: process.env.PATH ?? '', DATABASE_URL: database.url, FIDES__SECURITY__APP_ENCRYPTION_KEY: KEY_B, HERALD_PREVIOUS_ENCRYPTION_KEYS: KEY_A },
        },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain(`Re-sealing under key ${ID_B}, reading previous keys ${ID_A} (batches of 2)`);
    expect(run.stdout).toMatch(/^secret: 0 re-sealed, 2 already under the current key, 2 in all$/m);
    expect(run.stdout).toMatch(/^privacy_request: 3 re-sealed, 0 already under the current key, 3 in all$/m);
    expect(run.stdout).toMatch(/^access_package: \d+ re-sealed, 1 already under the current key, 3 in all$/m);
    expect(run.stdout).toMatch(/^message: \d+ re-sealed, \d+ already under the current key, \d+ in all$/m);
    expect(run.stdout).toMatch(/^suppression: 1 re-sealed, 0 already under the current key, 1 in all$/m);
    expect(run.stdout).toContain('Done: everything is under the current key; HERALD_PREVIOUS_ENCRYPTION_KEYS can be removed.');
    for (const secret of [KEY_A, KEY_B, MAILGUN_KEY, SUBJECT, LEGACY_SUBJECT]) expect(run.stdout).not.toContain(secret);

    const rotated = await stored(pool);
    expect(Object.keys(rotated).sort()).toEqual(Object.keys(before).sort());
    for (const [row, value] of Object.entries(rotated)) expect([row, value.startsWith(`v2.${ID_B}.`)]).toEqual([row, true]);
    for (const row of Object.keys(rotated).filter((k) => k.startsWith('secret:'))) expect(rotated[row]).toMatch(/ 2$/);
    // The lookup hashes were recomputed under B: the legacy row's too.
    const hashes = await pool.query<{ id: string; email_hash: string }>('SELECT id, email_hash FROM privacy_request');
    const ringB = new KeyRing(KEY_B);
    for (const { id, email_hash } of hashes.rows) {
      const email = { [main.id]: SUBJECT, [legacy.id]: LEGACY_SUBJECT, [verifying.id]: VERIFYING_SUBJECT }[id];
      expect(email_hash).toBe(ringB.mac('identity-hash', `email:${email}`));
    }
    expect((await pool.query('SELECT recipient_hash FROM suppression')).rows).toEqual([
      { recipient_hash: ringB.mac('suppression-hash', `email:${SUPPRESSED.toLowerCase()}`) },
    ]);

    // ---- A second run changes nothing.
    const again: TableReport[] = await rotateKeys(pool, ring);
    expect(again.map((r) => [r.table, r.resealed, r.unreadable, r.left])).toEqual([
      ['secret', 0, 0, 0],
      ['privacy_request', 0, 0, 0],
      ['access_package', 0, 0, 0],
      ['message', 0, 0, 0],
      ['suppression', 0, 0, 0],
    ]);
    expect(await stored(pool)).toEqual(rotated);

    // ---- Key B alone: everything reads; what A signed or encrypted (tokens, links) is refused.
    const c = await start({ FIDES__SECURITY__APP_ENCRYPTION_KEY: KEY_B });
    await c.http().get('/api/v1/privacy-request').set(authA).expect(401);
    const authC = bearer(await c.rootToken());
    expect(await ids(c, authC, SUBJECT)).toEqual([{ id: main.id, identity: { email: SUBJECT, phone_number: PHONE } }]);
    expect((await ids(c, authC, PHONE)).map((i) => i.id)).toEqual([main.id]);
    expect(await ids(c, authC, LEGACY_SUBJECT)).toEqual([{ id: legacy.id, identity: { email: LEGACY_SUBJECT, phone_number: null } }]);
    expect((await ids(c, authC, VERIFYING_SUBJECT)).map((i) => i.id)).toEqual([verifying.id]);
    await connectionTest(c, authC);
    await suppressAgain(c, authC);
    const download = await c
      .http()
      .get(pathOf(await c.app.get(AccessPackages).link(main.id)))
      .expect(200);
    expect(JSON.parse(download.text).identity).toEqual({ email: SUBJECT, phone_number: PHONE });
    for (const link of [pathOf(linkA), legacyLink]) {
      expect((await c.http().get(link).expect(401)).body).toEqual({ detail: 'The download link is not valid.' });
    }
    await stop(c);
  });
});
