// Case 3 of issue 14's chaos suite: `kill -9` of Herald in the middle of an erasure request whose policy reaches three
// email datasets (one erasure email each), at three moments of its run: erasure emails in flight at the provider,
// erasure emails just accepted by the provider (their outcome may or may not be recorded, the wake-up of the run may or
// may not be written), and the completion notice in flight. After each restart the request reaches `complete` with
// its three erasure emails and its completion notice at the fake; copies beyond one only for what was in flight.
import { fieldText, type FakeHttpServer, type RecordedRequest } from '../fakes/provider-fakes.mjs';
import {
  Api,
  CHAOS,
  DATABASE_KIND,
  caseStorage,
  cleanupAll,
  figures,
  heraldEnv,
  listening,
  mailgunFake,
  processesOf,
  quietOutbox,
  seconds,
  startHerald,
  stop,
  until,
  type Proc,
} from './support/harness.js';

afterEach(cleanupAll);

const VENDORS = ['a', 'b', 'c'].map((v) => ({ key: `vendor_${v}`, email: `erasure-${v}@vendor.chaos.example`, dataset: `vendor_${v}_members` }));
/** How long the fake holds its answers when a kill must find messages in flight. */
const HOLD_MS = 3_000;

const membersDataset = (key: string) => ({
  fides_key: key,
  collections: [
    {
      name: 'members',
      fields: [
        { name: 'member_id', data_categories: ['system.operations'], fidesops_meta: { primary_key: true } },
        { name: 'email', data_categories: ['user.contact.email'], fidesops_meta: { identity: 'email' } },
        { name: 'points', data_categories: ['user.financial'] },
      ],
    },
  ],
});

const accepted = (r: RecordedRequest) => r.status === 200;
const erasureEmails = (fake: FakeHttpServer, subject: string) =>
  fake.requests.filter(
    (r) => VENDORS.some((v) => v.email === r.fields.to) && r.fields.subject === 'Data erasure request' && fieldText(r, 'text').includes(subject),
  );
const completionNotices = (fake: FakeHttpServer, subject: string) =>
  fake.requests.filter((r) => r.fields.to === subject && r.fields.subject === 'Your data has been deleted');
const distinctMessages = (requests: RecordedRequest[]) => new Set(requests.filter(accepted).map((r) => fieldText(r, 'v:herald_message_id'))).size;

interface KillPoint {
  name: string;
  /** The fake's answer time while the request runs up to the kill. */
  delayMs: number;
  /** True at the moment to kill. */
  ready: (fake: FakeHttpServer, subject: string) => boolean;
  /** At the kill: the request's messages at the provider whose outcome Herald may not have recorded (the duplicates' bound). */
  inFlight: (fake: FakeHttpServer, subject: string) => number;
}

const pending = (requests: RecordedRequest[]) => requests.filter((r) => r.outcome === 'pending').length;

const KILL_POINTS: KillPoint[] = [
  {
    name: 'erasure emails in flight',
    delayMs: HOLD_MS,
    ready: (fake, subject) => pending(erasureEmails(fake, subject)) === 3,
    inFlight: (fake, subject) => pending(erasureEmails(fake, subject)),
  },
  {
    // Polled every 5 ms: the kill lands within milliseconds of the third answer, before or after Herald records it.
    name: 'erasure emails just accepted',
    delayMs: CHAOS.fakeDelayMs,
    ready: (fake, subject) => erasureEmails(fake, subject).filter(accepted).length === 3,
    inFlight: () => 3,
  },
  {
    name: 'completion notice in flight',
    delayMs: CHAOS.fakeDelayMs,
    ready: (fake, subject) => pending(completionNotices(fake, subject)) === 1,
    inFlight: (fake, subject) => pending(completionNotices(fake, subject)),
  },
];

it(
  'kill -9 of Herald in the middle of an erasure request with three email datasets: after a restart it is complete, with its three erasure emails',
  async () => {
    const fake = await mailgunFake();
    const { dir, env: storage } = await caseStorage('privacy-request');
    const env = heraldEnv({ ...storage, MAILGUN_API_URL: fake.url, FIDES__NOTIFICATIONS__SEND_REQUEST_COMPLETION_NOTIFICATION: 'true' });

    let herald: Proc = startHerald('Herald', env);
    let api = new Api(await listening(herald));
    await api.setupMailgun();
    for (const vendor of VENDORS) {
      await api.call('PATCH', '/api/v1/connection', { body: [{ name: vendor.key, key: vendor.key, connection_type: 'email', access: 'write' }] });
      await api.call('PUT', `/api/v1/connection/${vendor.key}/secret?verify=false`, { body: { to_email: vendor.email } });
      const { body } = await api.call<{ failed: unknown[] }>('PATCH', `/api/v1/connection/${vendor.key}/dataset`, { body: [membersDataset(vendor.dataset)] });
      expect(body.failed).toEqual([]);
    }

    const results: { point: string; status: string; erasure: number; notices: number; duplicates: number; inFlight: number; recovery: number | undefined }[] =
      [];
    for (const [i, point] of KILL_POINTS.entries()) {
      const subject = `subject-${i}@chaos.example`;
      fake.setDelay(point.delayMs);
      // Once the notice is all that is left to send, the fake holds its answer so that the kill finds it in flight.
      if (point.name === 'completion notice in flight')
        void until('the erasure emails', () => erasureEmails(fake, subject).filter(accepted).length === 3, 60_000, 5).then(
          () => fake.setDelay(HOLD_MS),
          () => undefined,
        );
      const { body } = await api.call<{ succeeded: { id: string }[]; failed: unknown[] }>('POST', '/api/v1/privacy-request', {
        auth: false,
        body: [{ identity: { email: subject }, policy_key: 'default_erasure_policy' }],
      });
      expect(body.failed).toEqual([]);
      const id = body.succeeded[0].id;

      await until(`the kill point "${point.name}"`, () => point.ready(fake, subject), 60_000, 5);
      const inFlight = point.inFlight(fake, subject);
      const killedAt = Date.now();
      herald.child.kill('SIGKILL');
      await herald.exited;
      fake.setDelay(CHAOS.fakeDelayMs);

      herald = startHerald('Herald (restarted)', env);
      api = new Api(await listening(herald));
      const status = await until(
        `request ${id} to complete`,
        async () => {
          const { status } = await api.privacyRequest(id);
          return status === 'complete' || status === 'error' ? status : undefined;
        },
        CHAOS.settleMs,
        250,
      ).catch(async () => (await api.privacyRequest(id)).status);
      const recovery = status === 'complete' ? Date.now() - killedAt : undefined;
      // The copies of messages re-sent after the run ended arrive once their jobs are re-taken.
      await quietOutbox(api);
      const erasure = erasureEmails(fake, subject);
      const notices = completionNotices(fake, subject);
      const erasureCount = distinctMessages(erasure);
      const noticeCount = distinctMessages(notices);
      const copies = [...erasure, ...notices].filter(accepted).length;
      const r = { point: point.name, status, erasure: erasureCount, notices: noticeCount, duplicates: copies - erasureCount - noticeCount, inFlight, recovery };
      results.push(r);
      figures(`kill -9 Herald during a privacy request (${point.name})`, {
        database: DATABASE_KIND,
        'request status': r.status,
        'erasure emails': `${r.erasure}/3`,
        'vendors reached': `${new Set(erasure.filter(accepted).map((e) => e.fields.to)).size}/3`,
        'completion notices': r.notices,
        duplicates: r.duplicates,
        'in flight at the kill': r.inFlight,
        'complete after s': r.recovery === undefined ? 'never' : seconds(r.recovery),
      });
    }

    for (const r of results) {
      expect({ point: r.point, status: r.status, erasure: r.erasure, notices: r.notices }).toEqual({
        point: r.point,
        status: 'complete',
        erasure: 3,
        notices: 1,
      });
      // Beyond one copy each, only messages that were at the provider when Herald died.
      expect(r.duplicates).toBeLessThanOrEqual(r.inFlight);
    }
    expect((await stop(herald)).code).toBe(0);
    expect(processesOf(dir)).toEqual([]);
  },
  6 * 60_000,
);
