import pg from 'pg';
import { NotificationsService } from '../../src/notifications/notifications.service.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { bearer, createTestApp, createTestDatabase } from '../support/test-app.js';

describe('outbox shutdown', () => {
  let fakes: ProviderFakes;
  beforeAll(async () => {
    fakes = await startProviderFakes();
  });
  afterAll(() => fakes.close());

  it('a graceful stop finishes the message in flight before the database goes', async () => {
    const database = await createTestDatabase();
    const t = await createTestApp({ ...fakes.env, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun' }, undefined, database.url);
    const root = bearer(await t.rootToken());
    await t
      .http()
      .post('/api/v1/messaging/config')
      .set(root)
      .send({ key: 'mg', name: 'mg', service_type: 'mailgun', details: { domain: 'stop.example.com' } });
    await t.http().put('/api/v1/messaging/config/mg/secret').set(root).send({ mailgun_api_key: 'key-stop' });
    fakes.mailgun.setDelay(800);
    const { messageId } = await t.app.get(NotificationsService).notify({
      actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE,
      recipient: { email: 'subject@example.org' },
      idempotencyKey: 'in-flight',
    });
    await fakes.mailgun.waitForRequests(1, 10_000);
    await t.close(); // while the provider is still answering

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT status, attempts FROM message WHERE id = $1', [messageId]);
      expect(rows[0]).toEqual({ status: 'sent', attempts: 1 });
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
