// Case 2 of issue 14's chaos suite: `kill -9` of the embedded PostgreSQL (the postmaster named by its postmaster.pid)
// while Herald delivers CHAOS_MESSAGES messages. Herald brings the server back by itself (/health 503, then 200),
// and every message is delivered, duplicates at most the messages in flight.
import { join } from 'node:path';
import {
  Api,
  CHAOS,
  DATABASE_KIND,
  RECEIPTS_ONLY,
  cleanupAll,
  explainDuplicates,
  figures,
  fillOutbox,
  heraldEnv,
  listening,
  mailgunFake,
  pendingCalls,
  postmasterPid,
  processGroup,
  processesOf,
  quietOutbox,
  seconds,
  signal,
  sleep,
  startHerald,
  stop,
  tally,
  tempDir,
  until,
} from './support/harness.js';

afterEach(cleanupAll);

// The embedded database's own case: with CHAOS_DATABASE=external it does not apply.
const run = DATABASE_KIND === 'embedded' ? it : it.skip;

run(
  `kill -9 of the embedded PostgreSQL during ${CHAOS.messages} deliveries: Herald restarts it (/health 503, then 200) and delivers everything`,
  async () => {
    const N = CHAOS.messages;
    const fake = await mailgunFake();
    const dir = await tempDir('kill-postgres');
    const data = join(dir, 'data');
    const herald = startHerald('Herald', heraldEnv({ HERALD_DATA_DIR: data, MAILGUN_API_URL: fake.url, ...RECEIPTS_ONLY }));
    const api = new Api(await listening(herald));
    await api.setupMailgun();
    const { recipients } = await fillOutbox(api, fake, N, 'kill-postgres');

    await until('deliveries under way', () => tally(fake, recipients).delivered >= Math.floor(CHAOS.killAt * N), CHAOS.settleMs, 5);
    const atKill = tally(fake, recipients);
    const inFlight = pendingCalls(fake);
    const server = postmasterPid(data);
    const outputBefore = herald.output().length;
    const killedAt = Date.now();
    signal(server, 'SIGKILL');

    // /health as an operator polls it: first unhealthy, then healthy again.
    let unhealthyAt: number | undefined;
    let healthyAt: number | undefined;
    await until(
      '/health to answer 503, then 200',
      async () => {
        const status = await api.health();
        if (status === 503) unhealthyAt ??= Date.now();
        if (status === 200 && unhealthyAt !== undefined) healthyAt = Date.now();
        return healthyAt !== undefined;
      },
      CHAOS.settleMs,
      50,
    ).catch(() => undefined);
    const done = await until(
      () => `every recipient (${tally(fake, recipients).delivered} of ${N})`,
      () => tally(fake, recipients).delivered === N && Date.now(),
      CHAOS.settleMs,
    ).catch(() => undefined);
    await quietOutbox(api);
    const after = tally(fake, recipients);
    const failed = await api.messageCount('failed').catch(() => -1);
    // What an operator saw in the meantime: one line per change of state is the goal, not one per failed query.
    await sleep(500);
    const outage = herald.output().slice(outputBefore).split('\n').filter(Boolean);
    const newServer = (() => {
      try {
        return postmasterPid(data);
      } catch {
        return undefined;
      }
    })();

    figures('kill -9 embedded PostgreSQL during deliveries', {
      messages: N,
      'accepted before the kill': atKill.delivered,
      'in flight at the kill': inFlight,
      '/health 503 after s': unhealthyAt ? seconds(unhealthyAt - killedAt) : 'never',
      '/health 200 again after s': healthyAt ? seconds(healthyAt - killedAt) : 'never',
      delivered: `${after.delivered}/${N}`,
      duplicates: after.duplicates,
      'duplicates bound (in flight = concurrency)': CHAOS.duplicatesBound,
      failed,
      'all delivered after s': done ? seconds(done - killedAt) : 'never',
      'log lines since the kill': outage.length,
      'error lines since the kill': outage.filter((line) => /"level":50|error/i.test(line)).length,
    });
    process.stdout.write(
      `[chaos] what Herald wrote after the kill (first 15 lines):\n${outage
        .slice(0, 15)
        .map((line) => `  ${line.slice(0, 220)}`)
        .join('\n')}\n`,
    );
    expect(herald.running()).toBe(true);
    expect(unhealthyAt).toBeDefined();
    expect(healthyAt).toBeDefined();
    expect(newServer).not.toBe(server);
    if (after.duplicates > CHAOS.duplicatesBound)
      process.stdout.write(`[chaos] where duplicates came from (times from the kill):\n${await explainDuplicates(api, fake, recipients, killedAt)}\n`);
    expect(after.missing.slice(0, 10)).toEqual([]);
    expect(after.delivered).toBe(N);
    expect(after.duplicates).toBeLessThanOrEqual(CHAOS.duplicatesBound);
    expect(failed).toBe(0);

    const group = newServer ?? server;
    expect((await stop(herald)).code).toBe(0);
    expect(processesOf(dir)).toEqual([]);
    expect(processGroup(group)).toEqual([]);
  },
  5 * 60_000,
);
