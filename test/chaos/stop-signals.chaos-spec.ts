// Case 7 of issue 14's chaos suite: the ways an operator stops Herald, while it delivers. SIGTERM to the `npm start`
// process (a supervisor's or `kill <pid>`'s stop), then Ctrl-C (SIGINT to the whole foreground process group) to
// `npm run start:prod`: after each, nothing of that data dir is left in the process table (npm, node, the embedded
// PostgreSQL and its backends, the watchdog), and the next start works and sends what was still queued.
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Api,
  CHAOS,
  DATABASE_KIND,
  RECEIPTS_ONLY,
  ROOT,
  cleanupAll,
  enqueueReceipts,
  figures,
  heraldEnv,
  listening,
  mailgunFake,
  postmasterPid,
  processGroup,
  processesOf,
  quietOutbox,
  seconds,
  signal,
  startHerald,
  startProcess,
  stop,
  tally,
  tempDir,
  until,
  type Proc,
} from './support/harness.js';

afterEach(cleanupAll);

// The embedded database's own case: with CHAOS_DATABASE=external it does not apply.
const run = DATABASE_KIND === 'embedded' ? it : it.skip;

/** Messages queued across the stops (issue 14 gives no figure). */
const MESSAGES = Number(process.env.CHAOS_STOP_MESSAGES ?? 200);

run(
  `SIGTERM to npm start and Ctrl-C to npm run start:prod during deliveries leave no process behind, and the next start sends the rest`,
  async () => {
    const fake = await mailgunFake(CHAOS.fillDelayMs);
    const dir = await tempDir('stop');
    const data = join(dir, 'data');
    const env = {
      ...heraldEnv({ HERALD_DATA_DIR: data, MAILGUN_API_URL: fake.url, ...RECEIPTS_ONLY }),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
    };

    // The real `start` script under the real npm, in a copy of the project whose build step does nothing: building here
    // would replace the dist/ that other processes run from. `start:prod` runs in the project itself.
    const project = join(dir, 'project');
    await mkdir(join(project, 'scripts'), { recursive: true });
    await writeFile(join(project, 'scripts', 'build.mjs'), '');
    const scripts = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'herald-chaos', private: true, type: 'module', scripts: { build: 'true', start: scripts.start } }),
    );
    await symlink(join(ROOT, 'dist'), join(project, 'dist'));

    /** Stops with `send`, then waits until the process table holds nothing of the data dir nor of the server's group. */
    const stopAndCheck = async (proc: Proc, send: () => void) => {
      const server = postmasterPid(data);
      const at = Date.now();
      send();
      const gone = await until(
        () => `nothing left of ${data}: ${JSON.stringify(processesOf(dir))}`,
        () => processesOf(dir).length === 0 && processGroup(server).length === 0,
        60_000,
        100,
      ).then(
        () => Date.now() - at,
        () => undefined,
      );
      return { gone, left: processesOf(dir), group: processGroup(server), exit: proc.running() ? undefined : await proc.exited };
    };

    // SIGTERM to npm (its pid only), in the middle of deliveries.
    const npmStart = startProcess('npm start', 'npm', ['start'], env, project);
    const api = new Api(await listening(npmStart));
    await api.setupMailgun();
    const recipients = await enqueueReceipts(api, MESSAGES, 'stop');
    const first = await stopAndCheck(npmStart, () => signal(npmStart.pid, 'SIGTERM'));
    const afterFirst = tally(fake, recipients).delivered;

    // Ctrl-C: SIGINT to npm's process group (npm, its shell, node), as the terminal sends it.
    const prod = startProcess('npm run start:prod', 'npm', ['run', 'start:prod'], env, ROOT);
    await listening(prod);
    await until('deliveries under way again', () => tally(fake, recipients).delivered > afterFirst, 60_000);
    const second = await stopAndCheck(prod, () => signal(-prod.pid, 'SIGINT'));
    const afterSecond = tally(fake, recipients).delivered;

    // The next start sends the rest.
    fake.setDelay(CHAOS.fakeDelayMs);
    const restartedAt = Date.now();
    const herald = startHerald('Herald', env);
    const api3 = new Api(await listening(herald));
    const restartMs = Date.now() - restartedAt;
    await until(
      () => `every recipient (${tally(fake, recipients).delivered} of ${MESSAGES})`,
      () => tally(fake, recipients).delivered === MESSAGES,
      CHAOS.settleMs,
    ).catch(() => undefined);
    await quietOutbox(api3);
    const t = tally(fake, recipients);
    const failed = await api3.messageCount('failed');
    const cut = [npmStart, prod].filter((p) => p.output().includes('terminating connection due to administrator command')).map((p) => p.name);

    figures('SIGTERM to npm start, Ctrl-C to npm run start:prod', {
      messages: MESSAGES,
      'sent before SIGTERM completed its stop': afterFirst,
      'sent before Ctrl-C completed its stop': afterSecond,
      'SIGTERM: nothing left after s': first.gone === undefined ? `never (${first.left.length + first.group.length} left)` : seconds(first.gone),
      'Ctrl-C: nothing left after s': second.gone === undefined ? `never (${second.left.length + second.group.length} left)` : seconds(second.gone),
      'restart listening after s': seconds(restartMs),
      delivered: `${t.delivered}/${MESSAGES}`,
      duplicates: t.duplicates,
      failed,
      'connections cut under the app': cut.length ? cut.join(', ') : 'none',
    });
    expect({ left: first.left, group: first.group }).toEqual({ left: [], group: [] });
    expect(npmStart.output()).toContain('SIGTERM received: stopping Herald');
    expect({ left: second.left, group: second.group }).toEqual({ left: [], group: [] });
    expect(prod.output()).toContain('SIGINT received: stopping Herald');
    expect(cut).toEqual([]);
    expect(t.missing.slice(0, 10)).toEqual([]);
    expect(t.delivered).toBe(MESSAGES);
    // Clean stops let the messages in hand finish (README, "Notifications"): nothing is sent twice.
    expect(t.duplicates).toBe(0);
    expect(failed).toBe(0);

    expect((await stop(herald)).code).toBe(0);
    expect(processesOf(dir)).toEqual([]);
  },
  5 * 60_000,
);
