// Two Herald processes on one database share the runs of 50 privacy requests: each request runs once, each message
// is sent once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fieldText, startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { TestApp, bearer, createTestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-scale-2424';
const REQUESTS = 50;

describe('privacy requests on two Herald processes', () => {
  let fakes: ProviderFakes;
  let a: TestApp;
  let b: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'herald-scale-'));
    fakes = await startProviderFakes({ mailgun: { apiKey: MAILGUN_KEY } });
    const env = {
      ...fakes.env,
      HERALD_DATA_DIR: dataDir,
      FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun',
      FIDES__NOTIFICATIONS__SEND_REQUEST_COMPLETION_NOTIFICATION: 'true',
    };
    a = await createTestApp(env);
    b = await createTestApp(env, undefined, a.databaseUrl);
    const auth = bearer(await a.rootToken());
    await a
      .http()
      .post('/api/v1/messaging/config')
      .set(auth)
      .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.herald.example' } })
      .expect(200);
    await a.http().put('/api/v1/messaging/config/mailgun/secret').set(auth).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
    await a
      .http()
      .patch('/api/v1/connection')
      .set(auth)
      .send([{ name: 'Loyalty', key: 'loyalty', connection_type: 'email', access: 'write' }])
      .expect(200);
    await a.http().put('/api/v1/connection/loyalty/secret?verify=false').set(auth).send({ to_email: 'erasure@loyalty.example' }).expect(200);
    const dataset = {
      fides_key: 'loyalty_members',
      collections: [
        {
          name: 'members',
          fields: [
            { name: 'id', data_categories: ['system.operations'], fidesops_meta: { primary_key: true } },
            { name: 'email', data_categories: ['user.contact.email'], fidesops_meta: { identity: 'email' } },
          ],
        },
      ],
    };
    expect((await a.http().patch('/api/v1/connection/loyalty/dataset').set(auth).send([dataset]).expect(200)).body.failed).toEqual([]);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await fakes.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs each of 50 requests once, whichever process takes it', async () => {
    // Half the requests arrive at each process.
    const subjects = Array.from({ length: REQUESTS }, (_, i) => `subject-${i}@example.org`);
    const bodies = await Promise.all(
      [a, b].map((app, n) =>
        app
          .http()
          .post('/api/v1/privacy-request')
          .send(subjects.filter((_, i) => i % 2 === n).map((email) => ({ identity: { email }, policy_key: 'default_erasure_policy' })))
          .expect(200),
      ),
    );
    const ids = bodies.flatMap((res) => res.body.succeeded.map((r: { id: string }) => r.id));
    expect(ids).toHaveLength(REQUESTS);

    const deadline = Date.now() + 120_000;
    for (;;) {
      const { rows } = await a.db.query(
        "SELECT count(*) FILTER (WHERE status = 'complete') AS done, count(*) FILTER (WHERE status = 'error') AS failed FROM privacy_request",
      );
      expect(Number(rows[0].failed)).toBe(0);
      if (Number(rows[0].done) === REQUESTS) break;
      if (Date.now() > deadline) throw new Error(`only ${rows[0].done} of ${REQUESTS} requests completed`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const audits = await a.db.query(
      'SELECT action, count(*)::int AS n, count(DISTINCT privacy_request_id)::int AS requests FROM audit_log GROUP BY action ORDER BY action',
    );
    expect(audits.rows).toEqual([
      { action: 'approved', n: REQUESTS, requests: REQUESTS },
      { action: 'email_sent', n: REQUESTS, requests: REQUESTS },
      { action: 'finished', n: REQUESTS, requests: REQUESTS },
    ]);
    const prepared = await a.db.query("SELECT count(*)::int AS n FROM execution_log WHERE message = 'email prepared'");
    expect(prepared.rows[0].n).toBe(REQUESTS);

    const erasures = fakes.mailgun.requests.filter((r) => r.fields.subject === 'Data erasure request');
    expect(erasures).toHaveLength(REQUESTS);
    // One email per request, each naming its own subject.
    expect(new Set(erasures.map((r) => /subject-\d+@example\.org/.exec(fieldText(r, 'text'))?.[0])).size).toBe(REQUESTS);
    const notices = fakes.mailgun.requests.filter((r) => r.fields.subject === 'Your data has been deleted');
    expect(new Set(notices.map((r) => fieldText(r, 'to')))).toEqual(new Set(subjects));
    expect(notices).toHaveLength(REQUESTS);
  });
});
