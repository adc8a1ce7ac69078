// Case 1 of issue 14's chaos suite: `kill -9` of Herald (embedded PostgreSQL in a temporary data dir, or a fresh
// database on the external server with CHAOS_DATABASE=external) in the middle of delivering CHAOS_MESSAGES messages to
// a provider answering in CHAOS_FAKE_DELAY_MS, then a restart on the same storage. Every recipient gets its message;
// duplicates are at most the messages in flight (the delivery concurrency).
import {
  Api,
  CHAOS,
  DATABASE_KIND,
  RECEIPTS_ONLY,
  caseStorage,
  cleanupAll,
  explainDuplicates,
  fillOutbox,
  figures,
  heraldEnv,
  listening,
  mailgunFake,
  pendingCalls,
  processesOf,
  quietOutbox,
  seconds,
  startHerald,
  stop,
  tally,
  until,
} from './support/harness.js';

afterEach(cleanupAll);

it(
  `kill -9 of Herald during ${CHAOS.messages} deliveries: after a restart every recipient has its message, duplicates at most the messages in flight`,
  async () => {
    const N = CHAOS.messages;
    const fake = await mailgunFake();
    const { dir, env: storage } = await caseStorage('kill-herald');
    const env = heraldEnv({ ...storage, MAILGUN_API_URL: fake.url, ...RECEIPTS_ONLY });

    const first = startHerald('Herald', env);
    const api = new Api(await listening(first));
    await api.setupMailgun();
    const { recipients, enqueueMs } = await fillOutbox(api, fake, N, 'kill-herald');

    // The kill comes once every message is in the outbox and the provider has taken CHAOS_KILL_AT of them.
    await until('deliveries under way', () => tally(fake, recipients).delivered >= Math.floor(CHAOS.killAt * N), CHAOS.settleMs, 5);
    const atKill = tally(fake, recipients);
    const inFlight = pendingCalls(fake);
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startHerald('Herald (restarted)', env);
    const api2 = new Api(await listening(second));
    const readyMs = Date.now() - killedAt;
    const done = await until(
      () => `every recipient (${tally(fake, recipients).delivered} of ${N})`,
      () => tally(fake, recipients).delivered === N && Date.now(),
      CHAOS.settleMs,
    ).catch(() => undefined);
    // Late copies (a message re-taken while its first send was still being recorded) show up once the outbox is quiet.
    await quietOutbox(api2);
    const after = tally(fake, recipients);
    const failed = await api2.messageCount('failed');

    figures('kill -9 Herald during deliveries', {
      database: DATABASE_KIND,
      messages: N,
      'enqueued in s': seconds(enqueueMs),
      'accepted before the kill': atKill.delivered,
      'not yet accepted at the kill': N - atKill.delivered,
      'in flight at the kill': inFlight,
      delivered: `${after.delivered}/${N}`,
      duplicates: after.duplicates,
      'duplicates bound (in flight = concurrency)': CHAOS.duplicatesBound,
      failed,
      'restarted and listening after s': seconds(readyMs),
      'all delivered after s': done ? seconds(done - killedAt) : 'never',
    });
    if (after.duplicates > CHAOS.duplicatesBound)
      process.stdout.write(`[chaos] where duplicates came from (times from the kill):\n${await explainDuplicates(api2, fake, recipients, killedAt)}\n`);
    expect(after.missing.slice(0, 10)).toEqual([]);
    expect(after.delivered).toBe(N);
    expect(after.duplicates).toBeLessThanOrEqual(CHAOS.duplicatesBound);
    expect(failed).toBe(0);

    expect((await stop(second)).code).toBe(0);
    expect(processesOf(dir)).toEqual([]);
  },
  5 * 60_000,
);
