// Decision D24 across a short database outage, made real by a TCP relay between Herald and the test PostgreSQL that
// the test cuts (connections broken, new ones refused) the moment the provider answers: the outcome that could not
// be written is written once the database is back instead of the message being sent again, and no other send starts
// while it is unrecorded (a provider slot is held until its outcome is recorded).
import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { NotificationsService } from '../../src/notifications/notifications.service.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { startMailgunFake, type FakeHttpServer, type RecordedRequest } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { TestApp, bearer, captureLogs, createTestApp, createTestDatabase } from '../support/test-app.js';

const MAILGUN_KEY = 'key-outage-5150';

/** A loopback relay to the database server: `cut()` breaks every connection and refuses new ones until `restore()`. */
async function databaseRelay(databaseUrl: string) {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    const next = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => next.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    port = (next.address() as { port: number }).port;
    server = next;
  };
  await listen();
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut: () => {
      server?.close();
      server = undefined;
      for (const socket of sockets) socket.destroy();
    },
    restore: listen,
    close: async () => {
      server?.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

describe('a database outage while a message is with the provider (D24)', () => {
  const logs = captureLogs();
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let relay: Awaited<ReturnType<typeof databaseRelay>>;
  let fake: FakeHttpServer;
  let t: TestApp;
  let direct: pg.Pool;
  let seq = 0;
  /** The message whose provider answer cuts the database. */
  let cutAtAnswerOf: string | undefined;
  let cutAt: number | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    relay = await databaseRelay(database.url);
    direct = new pg.Pool({ connectionString: database.url, max: 2 });
    fake = await startMailgunFake({
      apiKey: MAILGUN_KEY,
      onRequest: (record: RecordedRequest) => {
        if (record.status === 200 && cutAtAnswerOf !== undefined && record.fields['v:herald_message_id'] === cutAtAnswerOf) {
          cutAtAnswerOf = undefined;
          cutAt = Date.now();
          relay.cut();
        }
      },
    });
    // One provider slot, so that a second message in hand has to wait for the first one's slot.
    t = await createTestApp(
      { MAILGUN_API_URL: fake.url, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun', HERALD_DELIVERY_CONCURRENCY: '1', LOG_LEVEL: 'warn' },
      logs,
      relay.url,
    );
    const root = bearer(await t.rootToken());
    await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'mg', name: 'mg', service_type: 'mailgun', details: { domain: 'outage.example.com' } })
      .expect(200);
    await t.http().put('/api/v1/messaging/config/mg/secret').set(root).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
    await direct?.end();
    await relay?.close();
    await fake?.close();
    await database?.drop();
  });
  beforeEach(() => {
    fake.reset();
    fake.setDelay(0);
    cutAt = undefined;
  });

  const notify = async () =>
    (
      await t.app.get(NotificationsService).notify({
        actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY,
        recipient: { email: 'outage.subject@example.org' },
        params: { rejection_reason: `case ${++seq}` },
        idempotencyKey: `outage-${seq}`,
        serviceType: 'MAILGUN',
      })
    ).messageId;
  const copiesOf = (id: string) => fake.requests.filter((r) => r.status === 200 && r.fields['v:herald_message_id'] === id);
  const statusOf = async (id: string) =>
    (await direct.query('SELECT status, attempts FROM message WHERE id = $1', [id])).rows[0] as { status: string; attempts: number };
  const attemptsOf = async (id: string) => (await direct.query('SELECT number, outcome FROM message_attempt WHERE message_id = $1 ORDER BY number', [id])).rows;
  const outageNoticed = () => logs.lines.some((line) => line.includes('the database cannot be reached'));
  /** Waits until Herald has found the database gone (its outcome write failed), then brings the database back. */
  async function outage(): Promise<number> {
    await waitFor('the cut', async () => cutAt !== undefined);
    await waitFor('Herald to find the database unreachable', async () => outageNoticed());
    const restoredAt = Date.now();
    await relay.restore();
    return restoredAt;
  }

  it('the outcome is written once the database is back: sent once, recorded once', async () => {
    logs.lines.length = 0;
    const id = await notify();
    cutAtAnswerOf = id;
    await outage();
    await waitFor('the message to be recorded as sent', async () => (await statusOf(id)).status === 'sent');
    expect(await statusOf(id)).toEqual({ status: 'sent', attempts: 1 });
    expect(await attemptsOf(id)).toEqual([{ number: 1, outcome: 'sent' }]);
    expect(copiesOf(id)).toHaveLength(1);
    expect(logs.lines.some((line) => line.includes('the database answers again'))).toBe(true);
    // Nothing in the log names the recipient.
    expect(logs.text()).not.toContain('outage.subject@example.org');
  });

  it('the slot of a send is held until its outcome is recorded: the next message waits for the database', async () => {
    // The first answer comes late enough for the second message to be claimed and waiting for the slot.
    fake.setDelay(1_000);
    const first = await notify();
    const second = await notify();
    cutAtAnswerOf = first;
    let secondClaimedAt: number | undefined;
    const watching = waitFor('the second message to be claimed', async () => {
      if ((await statusOf(second)).status !== 'sending') return false;
      secondClaimedAt = Date.now();
      return true;
    });
    await watching;
    const restoredAt = await outage();
    await waitFor('both messages to be recorded as sent', async () => (await statusOf(first)).status === 'sent' && (await statusOf(second)).status === 'sent');
    // The second message was in hand before the database went, and its send still came only after the database was
    // back (when the first outcome could be recorded).
    expect(secondClaimedAt).toBeLessThan(cutAt!);
    const [secondCopy] = copiesOf(second);
    expect(secondCopy.receivedAt.getTime()).toBeGreaterThanOrEqual(restoredAt);
    expect(copiesOf(first)).toHaveLength(1);
    expect(copiesOf(second)).toHaveLength(1);
    expect(await attemptsOf(first)).toEqual([{ number: 1, outcome: 'sent' }]);
    expect(await attemptsOf(second)).toEqual([{ number: 1, outcome: 'sent' }]);
  });
});
