import { TestApp, bearer, createTestApp, graphql, obtainToken } from '../support/test-app.js';

describe('notification settings (decision D16: env defaults, run-time overrides in the database)', () => {
  let t: TestApp;
  let readOnly: string;
  beforeAll(async () => {
    t = await createTestApp({
      FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: 'twilio_sms',
      FIDES__NOTIFICATIONS__SEND_REQUEST_RECEIPT_NOTIFICATION: 'true',
    });
    const client = await t
      .http()
      .post('/api/v1/oauth/client')
      .set(bearer(await t.rootToken()))
      .send(['config:read']);
    readOnly = await obtainToken(t.http(), client.body.client_id, client.body.client_secret);
  });
  afterAll(() => t.close());

  const stored = async () => (await t.db.query('SELECT config FROM application_config')).rows.map((r) => r.config as unknown);

  it('GET /config answers the environment defaults before any change', async () => {
    const res = await t.http().get('/api/v1/config').set(bearer(readOnly));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      notifications: {
        notification_service_type: 'TWILIO_TEXT',
        send_request_receipt_notification: true,
        send_request_review_notification: false,
        send_request_completion_notification: false,
        email_fallback_service_types: [],
        sms_fallback_service_types: [],
      },
      execution: { subject_identity_verification_required: false, require_manual_request_approval: false },
    });
    expect(await stored()).toEqual([]);
  });

  it('PATCH /config needs config:update', async () => {
    const res = await t
      .http()
      .patch('/api/v1/config')
      .set(bearer(readOnly))
      .send({ execution: { require_manual_request_approval: true } });
    expect(res.status).toBe(403);
    expect(await stored()).toEqual([]);
  });

  it.each([
    [{ notifications: { notification_service_type: 'sms' } }, ['body', 'notifications', 'notification_service_type'], 'type_error.enum'],
    [{ notifications: { unknown_switch: true } }, ['body', 'notifications', 'unknown_switch'], 'value_error.extra'],
    [{ storage: {} }, ['body', 'storage'], 'value_error.extra'],
    [{ execution: { require_manual_request_approval: 'yes' } }, ['body', 'execution', 'require_manual_request_approval'], 'type_error.bool'],
  ])('refuses %j with 422 and stores nothing', async (body, loc, type) => {
    const res = await t
      .http()
      .patch('/api/v1/config')
      .set(bearer(await t.rootToken()))
      .send(body);
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ loc, type });
    expect(await stored()).toEqual([]);
  });

  it('stores overrides, merges later ones, and every process sees them', async () => {
    const root = bearer(await t.rootToken());
    const first = await t
      .http()
      .patch('/api/v1/config')
      .set(root)
      .send({ notifications: { notification_service_type: 'Mailgun', send_request_review_notification: true } });
    expect(first.status).toBe(200);
    expect(first.body.notifications).toEqual({
      notification_service_type: 'MAILGUN',
      send_request_receipt_notification: true,
      send_request_review_notification: true,
      send_request_completion_notification: false,
      email_fallback_service_types: [],
      sms_fallback_service_types: [],
    });
    const second = await t
      .http()
      .patch('/api/v1/config')
      .set(root)
      .send({ execution: { subject_identity_verification_required: true } });
    expect(second.body).toMatchObject({
      notifications: { notification_service_type: 'MAILGUN', send_request_review_notification: true },
      execution: { subject_identity_verification_required: true, require_manual_request_approval: false },
    });
    expect(await stored()).toEqual([
      {
        notifications: { notification_service_type: 'MAILGUN', send_request_review_notification: true },
        execution: { subject_identity_verification_required: true },
      },
    ]);

    const other = await createTestApp({}, undefined, t.databaseUrl);
    try {
      const seen = await other.http().get('/api/v1/id-verification/config');
      expect(seen.body).toEqual({ identity_verification_required: true, valid_email_config_exists: false });
    } finally {
      await other.close();
    }

    // null unsets the service type again.
    const unset = await t
      .http()
      .patch('/api/v1/config')
      .set(root)
      .send({ notifications: { notification_service_type: null } });
    expect(unset.body.notifications.notification_service_type).toBeNull();
  });

  it('has GraphQL twins', async () => {
    const token = await t.rootToken();
    const updated = await graphql(
      t,
      'mutation($i: NotificationSettingsInput!) { updateNotificationSettings(input: $i) { notificationServiceType requireManualRequestApproval sendRequestCompletionNotification } }',
      { i: { notificationServiceType: 'TWILIO_EMAIL', requireManualRequestApproval: true } },
      token,
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data).toEqual({
      updateNotificationSettings: { notificationServiceType: 'TWILIO_EMAIL', requireManualRequestApproval: true, sendRequestCompletionNotification: false },
    });
    const read = await graphql(t, '{ notificationSettings { notificationServiceType requireManualRequestApproval } }', {}, readOnly);
    expect(read.data).toEqual({ notificationSettings: { notificationServiceType: 'TWILIO_EMAIL', requireManualRequestApproval: true } });
    const forbidden = await graphql(
      t,
      'mutation { updateNotificationSettings(input: { requireManualRequestApproval: false }) { requireManualRequestApproval } }',
      {},
      readOnly,
    );
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await stored())[0]).toMatchObject({ execution: { require_manual_request_approval: true } });
  });
});
