// Case 4 of issue 14's chaos suite: two Herald processes on one external PostgreSQL (a fresh database on
// CHAOS_EXTERNAL_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432, created and dropped here), both
// delivering CHAOS_MESSAGES messages; one gets `kill -9`. The survivor finishes everything within 30 s of the kill
// (D22: messages claimed by a dead process are taken again by a live one within 30 s).
import {
  Api,
  CHAOS,
  EXTERNAL_ADMIN_URL,
  RECEIPTS_ONLY,
  cleanupAll,
  createExternalDatabase,
  explainDuplicates,
  externalDatabaseAnswers,
  figures,
  fillOutbox,
  heraldEnv,
  listening,
  mailgunFake,
  pendingCalls,
  quietOutbox,
  seconds,
  startHerald,
  stop,
  tally,
  until,
} from './support/harness.js';

afterEach(cleanupAll);

/** Issue 14's bound for the survivor. */
const SURVIVOR_BOUND_MS = 30_000;

const external = await externalDatabaseAnswers();
if (!external) process.stdout.write(`[chaos] no PostgreSQL answers at ${EXTERNAL_ADMIN_URL}: the two-instance case is skipped\n`);

(external ? it : it.skip)(
  `two instances on the external PostgreSQL, one killed with kill -9 during ${CHAOS.messages} deliveries: the survivor finishes everything within 30 s`,
  async () => {
    const N = CHAOS.messages;
    const fake = await mailgunFake();
    const env = heraldEnv({ DATABASE_URL: await createExternalDatabase('two'), MAILGUN_API_URL: fake.url, ...RECEIPTS_ONLY });

    // One at a time: the second finds the schema migrated.
    const doomed = startHerald('Herald A', env);
    const api = new Api(await listening(doomed));
    const survivor = startHerald('Herald B', env);
    const survivorApi = new Api(await listening(survivor));
    await api.setupMailgun();
    const { recipients } = await fillOutbox(api, fake, N, 'two-instances');

    await until('deliveries under way', () => tally(fake, recipients).delivered >= Math.floor(CHAOS.killAt * N), CHAOS.settleMs, 5);
    const atKill = tally(fake, recipients);
    const inFlight = pendingCalls(fake);
    const killedAt = Date.now();
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    // Waited for beyond the bound, so that a slow survivor shows how slow.
    const done = await until(
      () => `every recipient (${tally(fake, recipients).delivered} of ${N})`,
      () => tally(fake, recipients).delivered === N && Date.now(),
      CHAOS.settleMs,
    ).catch(() => undefined);
    await quietOutbox(survivorApi);
    const after = tally(fake, recipients);
    const failed = await survivorApi.messageCount('failed');

    figures('two instances, one killed', {
      messages: N,
      'accepted before the kill': atKill.delivered,
      'in flight at the kill (both instances)': inFlight,
      delivered: `${after.delivered}/${N}`,
      duplicates: after.duplicates,
      'duplicates bound (in flight = concurrency of the killed one)': CHAOS.duplicatesBound,
      failed,
      'survivor finished after s': done ? seconds(done - killedAt) : 'never',
      'bound s': SURVIVOR_BOUND_MS / 1000,
    });
    if (after.duplicates > CHAOS.duplicatesBound)
      process.stdout.write(`[chaos] where duplicates came from (times from the kill):\n${await explainDuplicates(survivorApi, fake, recipients, killedAt)}\n`);
    expect(survivor.running()).toBe(true);
    expect(after.missing.slice(0, 10)).toEqual([]);
    expect(after.delivered).toBe(N);
    expect(done! - killedAt).toBeLessThanOrEqual(SURVIVOR_BOUND_MS);
    expect(after.duplicates).toBeLessThanOrEqual(CHAOS.duplicatesBound);
    expect(failed).toBe(0);
    expect((await stop(survivor)).code).toBe(0);
  },
  5 * 60_000,
);
