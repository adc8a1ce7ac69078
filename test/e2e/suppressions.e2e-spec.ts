// Decision D28 end to end: a suppressed recipient's messages fail at once with the cause and reach no provider (the
// fakes, through the real SDKs, receive nothing); suppressions by hand over REST and GraphQL show the masked hint only,
// and removing one lets the next message through.
import { KeyRing } from '../../src/common/crypto/index.js';
import { NotificationsService, type NotifyCommand } from '../../src/notifications/notifications.service.js';
import { SuppressionsService } from '../../src/notifications/suppressions/suppressions.service.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { fieldText, startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { ENCRYPTION_KEY, TestApp, bearer, createTestApp, graphql, obtainToken } from '../support/test-app.js';

const MAILGUN_KEY = 'key-suppressions-4411';
const TWILIO = { sid: 'AC4411aaaabbbbccccddddeeeeffff0000', token: 'twilio-suppressions-4411', service: 'MG4411aaaabbbbccccddddeeeeffff0000' };
const BOUNCED = 'Bounced.Person@Example.org';
const MANUAL = 'manual.person@example.com';
const PHONE = '+15557654321';

interface MessageRow {
  status: string;
  failure_reason: string | null;
  attempts: number;
}

describe('the suppression list (D28)', () => {
  let fakes: ProviderFakes;
  let t: TestApp;
  let auth: Record<string, string>;
  let notifications: NotificationsService;
  let seq = 0;

  beforeAll(async () => {
    fakes = await startProviderFakes({ mailgun: { apiKey: MAILGUN_KEY }, twilio: { accountSid: TWILIO.sid, authToken: TWILIO.token } });
    t = await createTestApp({ ...fakes.env, FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'mailgun', HERALD_DELIVERY_RETRY_DELAY_SECONDS: '1' });
    notifications = t.app.get(NotificationsService);
    auth = bearer(await t.rootToken());
    await t
      .http()
      .post('/api/v1/messaging/config')
      .set(auth)
      .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' } })
      .expect(200);
    await t.http().put('/api/v1/messaging/config/mailgun/secret').set(auth).send({ mailgun_api_key: MAILGUN_KEY }).expect(200);
    await t.http().post('/api/v1/messaging/config').set(auth).send({ key: 'twilio', name: 'Twilio', service_type: 'twilio_text' }).expect(200);
    await t
      .http()
      .put('/api/v1/messaging/config/twilio/secret')
      .set(auth)
      .send({ twilio_account_sid: TWILIO.sid, twilio_auth_token: TWILIO.token, twilio_messaging_service_sid: TWILIO.service })
      .expect(200);
  });
  afterAll(async () => {
    await t.close();
    await fakes.close();
  });
  beforeEach(() => fakes.reset());

  const send = (recipient: NotifyCommand['recipient'], serviceType: NotifyCommand['serviceType'] = 'notification') =>
    notifications.notify({
      actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE,
      recipient,
      params: {},
      idempotencyKey: `suppressions-test-${++seq}`,
      serviceType,
    });
  const settled = (id: string) =>
    waitFor(`message ${id} to end`, async () => {
      const row = (await t.db.query<MessageRow>('SELECT status, failure_reason, attempts FROM message WHERE id = $1', [id])).rows[0];
      return row.status === 'sent' || row.status === 'failed' ? row : undefined;
    });
  const attempts = async (id: string) =>
    (await t.db.query('SELECT number, outcome, status_code, reason FROM message_attempt WHERE message_id = $1 ORDER BY number', [id])).rows;
  const rows = async () => (await t.db.query('SELECT * FROM suppression ORDER BY created_at')).rows as Record<string, unknown>[];
  const received = () => fakes.mailgun.requests.length + fakes.twilio.requests.length + fakes.sendgrid.requests.length;

  it('a hard bounce suppresses the address: the next message fails at once with the cause and no provider call', async () => {
    const first = await send({ email: BOUNCED });
    expect(await settled(first.messageId)).toMatchObject({ status: 'sent' });
    expect(fakes.mailgun.requests).toHaveLength(1);

    // What the delivery events do on a hard bounce (their own test drives it from the provider's webhook).
    const suppressions = t.app.get(SuppressionsService);
    await suppressions.suppress({ recipient: BOUNCED, channel: 'email', cause: 'bounce', messageId: first.messageId });
    // Suppressed again (another bounce, a complaint): still one row, and the first cause stays.
    await suppressions.suppress({ recipient: ` ${BOUNCED.toLowerCase()}`, channel: 'email', cause: 'complaint' });
    const stored = await rows();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ channel: 'email', cause: 'bounce', message_id: first.messageId, recipient_hint: 'b***@example.org' });
    // Kept as a keyed hash of the lower-cased address (and the address sealed for key rotation), never in plaintext.
    expect(stored[0].recipient_hash).toBe(new KeyRing(ENCRYPTION_KEY).mac('suppression-hash', 'email:bounced.person@example.org'));
    expect(JSON.stringify(stored).toLowerCase()).not.toContain('bounced.person');
    expect(await suppressions.check('BOUNCED.person@example.org', 'email')).toEqual({ cause: 'bounce' });
    expect(await suppressions.check('other@example.org', 'email')).toBeNull();

    fakes.reset();
    const next = await send({ email: BOUNCED.toUpperCase() });
    expect(await settled(next.messageId)).toEqual({ status: 'failed', failure_reason: 'recipient suppressed (bounce)', attempts: 1 });
    expect(await attempts(next.messageId)).toEqual([{ number: 1, outcome: 'failed', status_code: null, reason: 'recipient suppressed (bounce)' }]);
    expect(received()).toBe(0);
    // The message log says why, with the masked recipient only.
    const logged = await t.http().get(`/api/v1/messaging/messages/${next.messageId}`).set(auth).expect(200);
    expect(logged.body).toMatchObject({ status: 'failed', failure_reason: 'recipient suppressed (bounce)', recipient: 'B***@EXAMPLE.ORG' });
    // Another address still goes.
    expect(await settled((await send({ email: 'someone.else@example.org' })).messageId)).toMatchObject({ status: 'sent' });
    await t.db.query('DELETE FROM suppression');
  });

  it('adds by hand over REST (hint only), lists, refuses the message, and sends again once removed', async () => {
    const added = await t.http().post('/api/v1/messaging/suppressions').set(auth).send({ email: MANUAL }).expect(200);
    expect(added.body).toEqual({
      id: expect.any(String),
      recipient_hint: 'm***@example.com',
      channel: 'email',
      cause: 'manual',
      message_id: null,
      created_at: expect.any(String),
    });
    expect(added.text).not.toContain('manual.person');
    // The same address again (any case): the same entry, one row.
    const again = await t.http().post('/api/v1/messaging/suppressions').set(auth).send({ email: MANUAL.toUpperCase() }).expect(200);
    expect(again.body).toEqual(added.body);
    const phone = await t.http().post('/api/v1/messaging/suppressions').set(auth).send({ phone_number: PHONE }).expect(200);
    expect(phone.body).toMatchObject({ recipient_hint: '***21', channel: 'sms', cause: 'manual' });
    expect(await rows()).toHaveLength(2);

    const listed = await t.http().get('/api/v1/messaging/suppressions?size=1').set(auth).expect(200);
    expect(listed.body).toEqual({ items: [phone.body], total: 2, page: 1, size: 1 });
    const all = await t.http().get('/api/v1/messaging/suppressions').set(auth).expect(200);
    expect(all.body.items).toEqual([phone.body, added.body]);
    expect(all.text).not.toContain('manual.person');
    expect(all.text).not.toContain(PHONE);

    const refused = await send({ email: MANUAL });
    expect(await settled(refused.messageId)).toMatchObject({ status: 'failed', failure_reason: 'recipient suppressed (manual)' });
    const sms = await send({ phone_number: PHONE }, 'TWILIO_TEXT');
    expect(await settled(sms.messageId)).toMatchObject({ status: 'failed', failure_reason: 'recipient suppressed (manual)' });
    expect(received()).toBe(0);

    await t.http().delete(`/api/v1/messaging/suppressions/${added.body.id}`).set(auth).expect(204);
    const notFound = await t.http().delete(`/api/v1/messaging/suppressions/${added.body.id}`).set(auth).expect(404);
    expect(notFound.body).toEqual({ detail: `No suppression found with id ${added.body.id}` });
    await t.http().delete('/api/v1/messaging/suppressions/not-a-uuid').set(auth).expect(404);
    const sent = await send({ email: MANUAL });
    expect(await settled(sent.messageId)).toMatchObject({ status: 'sent' });
    expect(fieldText(fakes.mailgun.requests[0], 'to')).toBe(MANUAL);
    await t.http().delete(`/api/v1/messaging/suppressions/${phone.body.id}`).set(auth).expect(204);
    expect(await rows()).toHaveLength(0);
  });

  it('refuses bad bodies with 422 and stores nothing', async () => {
    const post = (body: unknown) =>
      t
        .http()
        .post('/api/v1/messaging/suppressions')
        .set(auth)
        .send(body as object);
    expect((await post({ email: 'not-an-email' }).expect(422)).body).toEqual({
      detail: [{ loc: ['body', 'email'], msg: 'value is not a valid email address', type: 'value_error.email' }],
    });
    expect((await post({ phone_number: '555-1234' }).expect(422)).body).toEqual({
      detail: [{ loc: ['body', 'phone_number'], msg: 'Phone number must be in E.164 format, e.g. +15558675309', type: 'value_error' }],
    });
    expect((await post({ email: MANUAL, phone_number: PHONE }).expect(422)).body).toEqual({
      detail: [{ loc: ['body', '__root__'], msg: 'give either an email address or a phone number, not both', type: 'value_error' }],
    });
    expect((await post({}).expect(422)).body).toEqual({
      detail: [{ loc: ['body', '__root__'], msg: 'an email address or a phone number is required', type: 'value_error.missing' }],
    });
    expect((await post({ email: null, phone_number: null }).expect(422)).body.detail[0].loc).toEqual(['body', '__root__']);
    expect((await post({ email: MANUAL, recipient: 'x' }).expect(422)).body).toEqual({
      detail: [{ loc: ['body', 'recipient'], msg: 'extra fields not permitted', type: 'value_error.extra' }],
    });
    expect((await t.http().get('/api/v1/messaging/suppressions?size=101').set(auth).expect(422)).body.detail[0].loc).toEqual(['query', 'size']);
    expect(await rows()).toHaveLength(0);
  });

  it('needs messaging:read to list, messaging:create_or_update to add, messaging:delete to remove', async () => {
    const client = await t.http().post('/api/v1/oauth/client').set(auth).send(['messaging:read']).expect(200);
    const reader = bearer(await obtainToken(t.http(), client.body.client_id, client.body.client_secret));
    await t.http().get('/api/v1/messaging/suppressions').set(reader).expect(200);
    await t.http().post('/api/v1/messaging/suppressions').set(reader).send({ email: MANUAL }).expect(403);
    const entry = (await t.http().post('/api/v1/messaging/suppressions').set(auth).send({ email: MANUAL }).expect(200)).body;
    await t.http().delete(`/api/v1/messaging/suppressions/${entry.id}`).set(reader).expect(403);
    await t.http().get('/api/v1/messaging/suppressions').expect(401);
    const denied = await graphql(t, 'mutation { removeSuppression(id: "x") }', {}, reader.Authorization.slice(7));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await rows()).toHaveLength(1);
    await t.http().delete(`/api/v1/messaging/suppressions/${entry.id}`).set(auth).expect(204);
  });

  it('does the same over GraphQL', async () => {
    const token = await t.rootToken();
    const added = await graphql(
      t,
      'mutation($input: AddSuppressionInput!) { addSuppression(input: $input) { id recipientHint channel cause messageId createdAt } }',
      { input: { phoneNumber: PHONE } },
      token,
    );
    expect(added.errors).toBeUndefined();
    const entry = added.data?.addSuppression as { id: string };
    expect(entry).toEqual({ id: expect.any(String), recipientHint: '***21', channel: 'sms', cause: 'manual', messageId: null, createdAt: expect.any(String) });
    const listed = await graphql(t, '{ suppressions(page: 1, size: 10) { total items { id recipientHint cause } } }', {}, token);
    expect(listed.data).toEqual({ suppressions: { total: 1, items: [{ id: entry.id, recipientHint: '***21', cause: 'manual' }] } });

    const sms = await send({ phone_number: PHONE }, 'TWILIO_TEXT');
    expect(await settled(sms.messageId)).toMatchObject({ status: 'failed', failure_reason: 'recipient suppressed (manual)' });
    expect(received()).toBe(0);

    const both = await graphql(t, `mutation { addSuppression(input: { email: "${MANUAL}", phoneNumber: "${PHONE}" }) { id } }`, {}, token);
    expect(both.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      detail: [{ loc: ['input', '__root__'], msg: 'give either an email address or a phone number, not both', type: 'value_error' }],
    });
    const bad = await graphql(t, 'mutation { addSuppression(input: { email: "nope" }) { id } }', {}, token);
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      detail: [{ loc: ['input', 'email'], msg: 'value is not a valid email address', type: 'value_error.email' }],
    });
    const neither = await graphql(t, 'mutation { addSuppression(input: {}) { id } }', {}, token);
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    expect((await graphql(t, `mutation { removeSuppression(id: "${entry.id}") }`, {}, token)).data).toEqual({ removeSuppression: true });
    const gone = await graphql(t, `mutation { removeSuppression(id: "${entry.id}") }`, {}, token);
    expect(gone.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', detail: `No suppression found with id ${entry.id}` });
    const again = await send({ phone_number: PHONE }, 'TWILIO_TEXT');
    expect(await settled(again.messageId)).toMatchObject({ status: 'sent' });
    expect(fieldText(fakes.twilio.requests[0], 'To')).toBe(PHONE);
  });
});
