import { DataSource } from 'typeorm';
import { KeyRing } from '../../src/common/crypto/index.js';
import { NotificationsService, payloadContext, type NotifyCommand } from '../../src/notifications/notifications.service.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { fieldText, startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { TestApp, bearer, createTestApp } from '../support/test-app.js';

const MAILGUN_KEY = 'key-notify-many-4c1d';

describe('notifyMany: many messages in one statement, with the rules of notify', () => {
  let fakes: ProviderFakes;
  let t: TestApp;
  let notifications: NotificationsService;
  let seq = 0;

  beforeAll(async () => {
    fakes = await startProviderFakes({ mailgun: { apiKey: MAILGUN_KEY } });
    t = await createTestApp({ ...fakes.env, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun' });
    notifications = t.app.get(NotificationsService);
    const root = bearer(await t.rootToken());
    await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' } })
      .expect(200);
    await t.http().put('/api/v1/messaging/config/mailgun/secret').set(root).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
  });
  afterAll(async () => {
    await t.close();
    await fakes.close();
  });
  beforeEach(() => fakes.reset());

  const command = (email: string, overrides: Partial<NotifyCommand> = {}): NotifyCommand => ({
    actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY,
    recipient: { email },
    params: { rejection_reason: `reason for ${email}` },
    idempotencyKey: `notify-many-${++seq}`,
    privacyRequestId: 'pri_notify_many',
    ...overrides,
  });
  const rows = async (ids: string[]) =>
    (await t.db.query('SELECT id, status, payload, recipient_hint, failure_reason FROM message WHERE id = ANY($1::uuid[]) ORDER BY id', [ids])).rows;
  const settled = (ids: string[]) =>
    waitFor(`${ids.length} messages to finish`, async () => {
      const current = await rows(ids);
      return current.length === ids.length && current.every((r) => r.status === 'sent' || r.status === 'failed') && current;
    });
  const mailedTo = () => fakes.mailgun.requests.map((r) => fieldText(r, 'to')).sort();

  it('stores every message sealed, sends each once, and answers in the order asked', async () => {
    const emails = Array.from({ length: 25 }, (_, i) => `bulk-${i}@example.com`);
    const enqueued = await notifications.notifyMany(emails.map((email) => command(email)));
    expect(enqueued).toHaveLength(25);
    expect(enqueued.every((e) => e.created)).toBe(true);
    expect(new Set(enqueued.map((e) => e.messageId)).size).toBe(25);

    const stored = await settled(enqueued.map((e) => e.messageId));
    const keys = t.app.get(KeyRing);
    for (const [i, { messageId }] of enqueued.entries()) {
      const row = stored.find((r) => r.id === messageId)!;
      expect(row.status).toBe('sent');
      // Sealed to its message, as notify seals: the address is not readable in the table.
      expect(row.payload).not.toContain(emails[i]);
      expect(JSON.parse(keys.open(row.payload, payloadContext(messageId)))).toEqual({
        recipient: { email: emails[i] },
        params: { rejection_reason: `reason for ${emails[i]}` },
      });
      expect(row.recipient_hint).toBe('b***@example.com');
    }
    expect(mailedTo()).toEqual([...emails].sort());
    expect(
      fieldText(
        fakes.mailgun.requests.find((r) => fieldText(r, 'to') === emails[3]),
        'text',
      ),
    ).toContain(`reason for ${emails[3]}`);
  });

  it('a key already used, or repeated in the batch, names the first message and sends nothing new', async () => {
    const earlier = await notifications.notify(command('earlier@example.com'));
    await settled([earlier.messageId]);
    fakes.reset();

    const again = command('earlier@example.com', { idempotencyKey: `notify-many-${seq}` });
    const twice = command('twice@example.com');
    const fresh = command('fresh@example.com');
    const enqueued = await notifications.notifyMany([again, twice, { ...twice }, fresh]);
    expect(enqueued).toEqual([
      { messageId: earlier.messageId, created: false },
      { messageId: expect.any(String), created: true },
      { messageId: enqueued[1].messageId, created: false },
      { messageId: expect.any(String), created: true },
    ]);
    await settled([enqueued[1].messageId, enqueued[3].messageId]);
    expect(
      (await t.db.query('SELECT count(*)::int AS n FROM message WHERE idempotency_key = ANY($1)', [[again, twice, fresh].map((c) => c.idempotencyKey)])).rows[0]
        .n,
    ).toBe(3);
    await waitFor('the fake to have both', async () => fakes.mailgun.requests.length >= 2);
    expect(mailedTo()).toEqual(['fresh@example.com', 'twice@example.com']);
  });

  it('a suppressed recipient ends failed with no provider call; the others in the batch are sent', async () => {
    await t
      .http()
      .post('/api/v1/messaging/suppressions')
      .set(bearer(await t.rootToken()))
      .send({ email: 'suppressed@example.com' })
      .expect(200);
    const enqueued = await notifications.notifyMany([command('suppressed@example.com'), command('allowed@example.com')]);
    const stored = await settled(enqueued.map((e) => e.messageId));
    const byId = new Map(stored.map((r) => [r.id, r]));
    expect(byId.get(enqueued[0].messageId)).toMatchObject({ status: 'failed', failure_reason: 'recipient suppressed (manual)' });
    expect(byId.get(enqueued[1].messageId)).toMatchObject({ status: 'sent' });
    expect(mailedTo()).toEqual(['allowed@example.com']);
  });

  it("in the caller's transaction: rolled back, nothing is stored or sent", async () => {
    const batch = [command('rolled-back-1@example.com'), command('rolled-back-2@example.com')];
    await expect(
      t.app.get(DataSource).transaction(async (m) => {
        await notifications.notifyMany(batch, m);
        throw new Error('the caller changes its mind');
      }),
    ).rejects.toThrow('the caller changes its mind');
    expect((await t.db.query('SELECT count(*)::int AS n FROM message WHERE idempotency_key = ANY($1)', [batch.map((c) => c.idempotencyKey)])).rows[0].n).toBe(
      0,
    );
    // A later batch goes through and is the only thing sent.
    const later = await notifications.notifyMany([command('after-1@example.com'), command('after-2@example.com')]);
    await settled(later.map((e) => e.messageId));
    expect(mailedTo()).toEqual(['after-1@example.com', 'after-2@example.com']);
  });

  it('an empty batch does nothing', async () => {
    expect(await notifications.notifyMany([])).toEqual([]);
  });
});
