// Cases 5 and 6 of issue 14's chaos suite: a provider failing CHAOS_FAULT_RATE of its calls at random with 429/503
// (every message still ends `sent`, within Herald's default number of attempts), and a provider slower than Herald's
// timeout (at most two copies of each message: the attempt after a timeout waits longer, D24).
import { fieldText, type FakeHttpServer } from '../fakes/provider-fakes.mjs';
import {
  Api,
  CHAOS,
  DATABASE_KIND,
  RECEIPTS_ONLY,
  caseStorage,
  cleanupAll,
  enqueueReceipts,
  figures,
  heraldEnv,
  listening,
  mailgunFake,
  pendingCalls,
  seconds,
  sleep,
  startHerald,
  stop,
  tally,
  until,
  type Proc,
} from './support/harness.js';

afterEach(cleanupAll);

async function heraldOn(fake: FakeHttpServer, label: string, extra: Record<string, string>): Promise<{ herald: Proc; api: Api }> {
  const { env } = await caseStorage(label);
  const herald = startHerald('Herald', heraldEnv({ ...env, MAILGUN_API_URL: fake.url, ...RECEIPTS_ONLY, ...extra }));
  const api = new Api(await listening(herald));
  await api.setupMailgun();
  return { herald, api };
}

const settled = async (api: Api) => (await api.messageCount('queued')) + (await api.messageCount('sending')) === 0;

it(
  `${Math.round(CHAOS.faultRate * 100)}% random 429/503 at the provider: ${CHAOS.messages} of ${CHAOS.messages} sent`,
  async () => {
    const N = CHAOS.messages;
    const fake = await mailgunFake();
    fake.failRandomly(CHAOS.faultRate, [429, 503]);
    const { herald, api } = await heraldOn(fake, 'flaky', {
      HERALD_DELIVERY_RETRY_DELAY_SECONDS: String(CHAOS.retryDelaySeconds),
      HERALD_DELIVERY_RETRY_DELAY_MAX_SECONDS: String(CHAOS.retryDelayMaxSeconds),
    });
    const startedAt = Date.now();
    const recipients = await enqueueReceipts(api, N, 'flaky');
    const finished = await until('every message sent or failed', () => settled(api), 2 * CHAOS.settleMs, 250).then(
      () => Date.now(),
      () => undefined,
    );
    const t = tally(fake, recipients);
    const sent = await api.messageCount('sent');
    const failed = await api.messageCount('failed');
    const refused = fake.requests.filter((r) => r.status === 429 || r.status === 503).length;
    const perMessage = new Map<string, number>();
    for (const r of fake.requests) perMessage.set(fieldText(r, 'v:herald_message_id'), (perMessage.get(fieldText(r, 'v:herald_message_id')) ?? 0) + 1);
    // D24: one line per failed attempt, and never the recipient.
    const output = herald.output();
    const leaked = recipients.filter((address) => output.includes(address)).length;

    figures('random 429/503 at the provider', {
      database: DATABASE_KIND,
      messages: N,
      'fault rate': CHAOS.faultRate,
      'retry backoff (shortened, attempts left at the default)': `${CHAOS.retryDelaySeconds} s doubling to ${CHAOS.retryDelayMaxSeconds} s`,
      sent: `${sent}/${N}`,
      failed,
      'delivered (fake)': `${t.delivered}/${N}`,
      duplicates: t.duplicates,
      'provider calls': fake.requests.length,
      'answered 429/503': refused,
      'most calls for one message': Math.max(0, ...perMessage.values()),
      'log lines naming a recipient': leaked,
      'all settled after s': finished ? seconds(finished - startedAt) : 'never',
    });
    expect(t.missing.slice(0, 10)).toEqual([]);
    expect(sent).toBe(N);
    expect(failed).toBe(0);
    // Refused calls are not copies, and nothing crashed or timed out: one copy each.
    expect(t.duplicates).toBe(0);
    expect(leaked).toBe(0);
    expect((await stop(herald)).code).toBe(0);
  },
  5 * 60_000,
);

it(
  `a provider slower than the timeout (${CHAOS.slowDelayMs} ms against ${CHAOS.slowTimeoutMs} ms): at most 2 copies of each of ${CHAOS.slowMessages} messages`,
  async () => {
    const N = CHAOS.slowMessages;
    const fake = await mailgunFake(CHAOS.slowDelayMs);
    const { herald, api } = await heraldOn(fake, 'slow', { HERALD_PROVIDER_TIMEOUT_MS: String(CHAOS.slowTimeoutMs), HERALD_DELIVERY_RETRY_DELAY_SECONDS: '1' });
    const startedAt = Date.now();
    const recipients = await enqueueReceipts(api, N, 'slow');
    // Until everything settles, or a third copy of some message shows that the bound is broken (no need to wait for all
    // the attempts of a broken run).
    await until('every message settled, or a third copy', async () => tally(fake, recipients).maxCopies > 2 || (await settled(api)), CHAOS.settleMs, 250).catch(
      () => undefined,
    );
    const finished = Date.now();
    // Calls still at the fake are copies to come: their answers are waited for (bounded).
    await until('the fake to answer the calls it holds', () => pendingCalls(fake) === 0, 3 * CHAOS.slowDelayMs + 5_000).catch(() => undefined);
    await sleep(100);
    const t = tally(fake, recipients);
    const sent = await api.messageCount('sent');
    const failed = await api.messageCount('failed');
    const histogram = new Map<number, number>();
    for (const r of recipients) {
      const copies = fake.requests.filter((q) => q.status === 200 && q.fields.to === r).length;
      histogram.set(copies, (histogram.get(copies) ?? 0) + 1);
    }

    figures('provider slower than the timeout', {
      database: DATABASE_KIND,
      messages: N,
      'timeout ms': CHAOS.slowTimeoutMs,
      'provider answers after ms': CHAOS.slowDelayMs,
      sent: `${sent}/${N}`,
      failed,
      'delivered (fake)': `${t.delivered}/${N}`,
      'copies per message (copies: messages)': [...histogram]
        .sort(([a], [b]) => a - b)
        .map(([copies, count]) => `${copies}: ${count}`)
        .join(' '),
      'most copies of one message': t.maxCopies,
      'settled (or stopped at a third copy) after s': seconds(finished - startedAt),
    });
    expect(t.maxCopies).toBeLessThanOrEqual(2);
    expect(t.delivered).toBe(N);
    expect(sent).toBe(N);
    expect((await stop(herald)).code).toBe(0);
  },
  5 * 60_000,
);
