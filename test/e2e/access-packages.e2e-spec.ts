// Access packages in PostgreSQL (decision D23): any instance serves any link, expired packages are deleted by the
// scheduled job, packages left as files by earlier versions move into the table, and a package over the size limit
// is refused with a readable reason.
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyRing } from '../../src/common/crypto/index.js';
import { JobQueueService } from '../../src/database/job-queue.service.js';
import { ACCESS_PACKAGE_EXPIRY_QUEUE, AccessPackageTooLarge, AccessPackages } from '../../src/privacy-requests/execution/access-packages.js';
import { waitFor } from '../support/privacy-request-world.js';
import { ENCRYPTION_KEY, createTestApp, type TestApp } from '../support/test-app.js';

const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;

describe('access packages', () => {
  const dirs: string[] = [];
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-packages-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  describe('two instances on one database', () => {
    let first: TestApp;
    let second: TestApp;
    beforeAll(async () => {
      first = await createTestApp({ HERALD_DATA_DIR: await dataDir() });
      second = await createTestApp({ HERALD_DATA_DIR: await dataDir() }, undefined, first.databaseUrl);
    });
    afterAll(async () => {
      await second?.close();
      await first?.close();
    });

    it('a link made by one instance is served by the other, with the same answers for bad, expired and unknown links', async () => {
      const created = await first
        .http()
        .post('/api/v1/privacy-request')
        .send([{ identity: { email: 'two-instances@example.com' }, policy_key: 'default_access_policy' }])
        .expect(200);
      const id = created.body.succeeded[0].id as string;
      await waitFor(
        `${id} to complete`,
        async () => (await first.db.query('SELECT status FROM privacy_request WHERE id = $1', [id])).rows[0]?.status === 'complete',
      );
      // The package is in the database, sealed: the subject's address is not readable there.
      const stored = (await first.db.query('SELECT sealed, expires_at FROM access_package WHERE request_id = $1', [id])).rows[0];
      expect(stored.sealed).toMatch(/^v2\.[0-9a-f]{8}\./);
      expect(stored.sealed).not.toContain('two-instances@example.com');
      // Neither data dir holds it.
      for (const dir of dirs) await expect(readdir(join(dir, 'access-packages'))).rejects.toThrow();

      const link = await first.app.get(AccessPackages).link(id);
      for (const t of [second, first]) {
        const download = await t.http().get(pathOf(link)).expect(200);
        expect(download.headers['content-disposition']).toBe(`attachment; filename="${id}.json"`);
        const content = JSON.parse(download.text);
        expect(content.privacy_request.id).toBe(id);
        expect(content.identity.email).toBe('two-instances@example.com');
      }

      const tampered = pathOf(link).replace(/token=([\w-]+)\.([\w-]+)\./, (_, h: string, p: string) => `token=${h}.${p}x.`);
      expect((await second.http().get(tampered).expect(401)).body).toEqual({ detail: 'The download link is not valid.' });
      const expiredLinks = new AccessPackages({ ...first.settings, security: { ...first.settings.security, subjectRequestDownloadLinkTtlSeconds: -60 } });
      expect(
        (
          await second
            .http()
            .get(pathOf(await expiredLinks.link(id)))
            .expect(410)
        ).body,
      ).toEqual({ detail: 'The download link has expired.' });
      // A valid link to a request that has no package.
      await second
        .http()
        .get(pathOf(await second.app.get(AccessPackages).link('pri_00000000-0000-4000-8000-000000000000')))
        .expect(404);
    });

    it('deletes packages whose links have expired through the scheduled job, and keeps the others', async () => {
      const packages = first.app.get(AccessPackages);
      await packages.write('pri_expired', { n: 1 });
      await packages.write('pri_current', { n: 2 });
      const link = await packages.link('pri_expired');
      await first.db.query(`UPDATE access_package SET expires_at = now() - interval '1 second' WHERE request_id = 'pri_expired'`);
      // An expired package is not served even before the job runs.
      await second.http().get(pathOf(link)).expect(404);

      const boss = first.app.get(JobQueueService).boss;
      expect((await boss.getSchedules(ACCESS_PACKAGE_EXPIRY_QUEUE)).map((s) => s.cron)).toEqual(['*/5 * * * *']);
      // The job the schedule creates, sent now rather than waiting for the next tick.
      await boss.send(ACCESS_PACKAGE_EXPIRY_QUEUE, {});
      await waitFor(
        'the expired package to be deleted',
        async () => (await first.db.query(`SELECT 1 FROM access_package WHERE request_id = 'pri_expired'`)).rowCount === 0,
      );
      expect((await first.db.query(`SELECT 1 FROM access_package WHERE request_id = 'pri_current'`)).rowCount).toBe(1);
    });

    it('a new link keeps the package until that link expires', async () => {
      const packages = first.app.get(AccessPackages);
      await packages.write('pri_relinked', { n: 3 });
      await first.db.query(`UPDATE access_package SET expires_at = now() + interval '1 minute' WHERE request_id = 'pri_relinked'`);
      await packages.link('pri_relinked');
      const { rows } = await first.db.query(`SELECT expires_at > now() + interval '1 day' AS extended FROM access_package WHERE request_id = 'pri_relinked'`);
      expect(rows[0].extended).toBe(true);
    });
  });

  it('moves packages left as files by an earlier version into the table at start-up, then removes the files', async () => {
    const dir = await dataDir();
    const folder = join(dir, 'access-packages');
    await mkdir(folder, { recursive: true });
    const current = 'pri_11111111-1111-4111-8111-111111111111';
    const old = 'pri_22222222-2222-4222-8222-222222222222';
    const foreign = 'pri_33333333-3333-4333-8333-333333333333';
    const sealedFor = (id: string, key = ENCRYPTION_KEY) => new KeyRing(key).seal(JSON.stringify({ privacy_request: { id } }, null, 2), `access_package:${id}`);
    await writeFile(join(folder, `${current}.json.sealed`), sealedFor(current));
    await writeFile(join(folder, `${old}.json.sealed`), sealedFor(old));
    // Written more than the link lifetime ago: its links have expired, so it is dropped rather than moved.
    const longAgo = new Date(Date.now() - 6 * 86400_000);
    await utimes(join(folder, `${old}.json.sealed`), longAgo, longAgo);
    // Sealed under another key: left where it is, for the operator to deal with.
    await writeFile(join(folder, `${foreign}.json.sealed`), sealedFor(foreign, 'another-key-of-exactly-32-bytes!'));
    await writeFile(join(folder, `${current}.json.sealed.tmp`), 'half a package');

    const t = await createTestApp({ HERALD_DATA_DIR: dir });
    try {
      expect((await t.db.query('SELECT request_id FROM access_package ORDER BY request_id')).rows).toEqual([{ request_id: current }]);
      expect(await readdir(folder)).toEqual([`${foreign}.json.sealed`]);
      const download = await t
        .http()
        .get(pathOf(await t.app.get(AccessPackages).link(current)))
        .expect(200);
      expect(JSON.parse(download.text)).toEqual({ privacy_request: { id: current } });
    } finally {
      await t.close();
    }
  });

  it('refuses a package over HERALD_ACCESS_PACKAGE_MAX_BYTES with a readable reason, and stores nothing', async () => {
    const dir = await dataDir();
    const t = await createTestApp({ HERALD_DATA_DIR: dir, HERALD_ACCESS_PACKAGE_MAX_BYTES: '2048' });
    try {
      const packages = t.app.get(AccessPackages);
      const refused = packages.write('pri_big', { rows: 'x'.repeat(4096) });
      await expect(refused).rejects.toBeInstanceOf(AccessPackageTooLarge);
      await expect(refused).rejects.toThrow('The access package is 4.0 KiB, over the limit of 2.0 KiB (HERALD_ACCESS_PACKAGE_MAX_BYTES); nothing was stored.');
      expect((await t.db.query(`SELECT 1 FROM access_package WHERE request_id = 'pri_big'`)).rowCount).toBe(0);
      await packages.write('pri_small', { rows: 'x'.repeat(100) });
      expect((await t.db.query(`SELECT 1 FROM access_package WHERE request_id = 'pri_small'`)).rowCount).toBe(1);
    } finally {
      await t.close();
    }
  });
});
