// The aws_ses service type (decision D33) end to end: its config and secrets over REST and GraphQL with Fides' texts,
// messages through the real @aws-sdk/client-sesv2 and client-sts to the loopback SES/STS fake (what arrived there,
// exactly), Fides' identity check (cached, not on every send), retryable and permanent failures, and failover (D29)
// into and out of SES.
import { AwsSesProvider } from '../../src/notifications/providers/aws-ses/aws-ses.provider.js';
import { IDENTITY_CHECK_TTL_MS } from '../../src/notifications/providers/aws-ses/aws-ses.clients.js';
import { NotificationsService, type NotifyCommand } from '../../src/notifications/notifications.service.js';
import { MessagingActionType } from '../../src/notifications/templates/messaging-action-type.js';
import { startProviderFakes, type ProviderFakes } from '../fakes/provider-fakes.mjs';
import { waitFor } from '../support/privacy-request-world.js';
import { TestApp, bearer, createTestApp, graphql } from '../support/test-app.js';

const REGION = 'eu-west-1';
const KEY_ID = 'AKIAHERALDE2E0000001';
const SECRET_KEY = 'herald-e2e-secret-access-key-000000000001';
const ROLE = 'arn:aws:iam::123456789012:role/herald-ses-e2e';
const FROM = 'privacy@example.com';
const TO = 'subject.person@example.org';
const SECRETS = { auth_method: 'secret_keys', aws_access_key_id: KEY_ID, aws_secret_access_key: SECRET_KEY };

type Message = { id: string; status: string; service_type: string; attempts: number; failure_reason: string | null };

describe('AWS SES (D33)', () => {
  let fakes: ProviderFakes;
  let t: TestApp;
  let root: Record<string, string>;
  let ahead = 0;
  let seq = 0;

  beforeAll(async () => {
    fakes = await startProviderFakes({ awsSes: { region: REGION } });
    t = await createTestApp({ ...fakes.env, HERALD_DELIVERY_RETRY_DELAY_SECONDS: '1', HERALD_DELIVERY_RETRY_DELAY_MAX_SECONDS: '1' });
    // The identity check's cache reads the provider's clock: a test moves it past the cache's lifetime.
    const provider = t.app.get(AwsSesProvider, { strict: false });
    provider.now = () => Date.now() + ahead;
    root = bearer(await t.rootToken());
  });
  afterAll(async () => {
    await t.close();
    await fakes.close();
  });
  beforeEach(() => fakes.reset());

  const state = async () => ({
    configs: (await t.db.query('SELECT key, service_type, details, updated_at FROM messaging_config ORDER BY key')).rows,
    secrets: (await t.db.query('SELECT owner_id, envelope, updated_at FROM secret ORDER BY owner_id')).rows,
  });
  const testMessage = (email = TO) => t.http().post('/api/v1/messaging/config/test').set(root).send({ service_type: 'aws_ses', email });
  const settled = (id: string) =>
    waitFor(`message ${id} to end`, async () => {
      const row = (await t.db.query('SELECT id, status, service_type, attempts, failure_reason FROM message WHERE id = $1', [id])).rows[0] as Message;
      return row && (row.status === 'sent' || row.status === 'failed') ? row : undefined;
    });
  const attemptsOf = async (id: string) =>
    (await t.db.query('SELECT outcome, status_code, service_type FROM message_attempt WHERE message_id = $1 ORDER BY number', [id])).rows;

  describe('the config and its secrets', () => {
    it.each([
      [{}, ['body', '__root__'], 'Messaging config must include details'],
      [{ aws_region: REGION }, ['body', 'details', '__root__'], "Either 'email_from' or 'domain' must be provided."],
      [{ aws_region: REGION, email_from: null, domain: null }, ['body', 'details', '__root__'], "Either 'email_from' or 'domain' must be provided."],
      [{ email_from: FROM }, ['body', 'details', 'aws_region'], 'field required'],
      [{ aws_region: 'email.example.com/', email_from: FROM }, ['body', 'details', 'aws_region'], 'value is not a valid AWS region (such as us-east-1)'],
      [{ aws_region: REGION, email_from: 'not an address' }, ['body', 'details', 'email_from'], 'value is not a valid email address'],
      [{ aws_region: REGION, email_from: FROM, api_version: 'v3' }, ['body', 'details', 'api_version'], 'extra fields not permitted'],
      [
        { aws_region: REGION, email_from: FROM, configuration_set_name: 'herald events!' },
        ['body', 'details', 'configuration_set_name'],
        'value is not an SES configuration set name (letters, digits, _ and -, up to 64)',
      ],
    ])('details %j: 422 at %j, nothing stored', async (details, loc, msg) => {
      const before = await state();
      const res = await t.http().post('/api/v1/messaging/config').set(root).send({ key: 'ses', name: 'SES', service_type: 'aws_ses', details });
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual([expect.objectContaining({ loc, msg })]);
      expect(await state()).toEqual(before);
    });

    it('stores the details with both senders (null when absent) and answers them', async () => {
      const res = await t
        .http()
        .post('/api/v1/messaging/config')
        .set(root)
        .send({ key: 'ses', name: 'SES', service_type: 'AWS_SES', details: { aws_region: REGION, email_from: FROM } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ key: 'ses', service_type: 'AWS_SES', details: { aws_region: REGION, email_from: FROM, domain: null } });
      expect((await state()).configs).toEqual([expect.objectContaining({ key: 'ses', details: { aws_region: REGION, email_from: FROM, domain: null } })]);
    });

    it.each([
      [{}, ["MessagingServiceSecretsAWS_SES must be supplied all of: ['auth_method']. ('__root__',)"]],
      [{ auth_method: '' }, ["MessagingServiceSecretsAWS_SES must be supplied all of: ['auth_method']. ('__root__',)"]],
      [{ auth_method: 'keys' }, ["value is not a valid enumeration member; permitted: 'automatic', 'secret_keys' ('auth_method',)"]],
      [
        { auth_method: 'secret_keys', aws_access_key_id: KEY_ID },
        ["An Access Key ID and a Secret Access Key must be provided if using the `secret_keys` Authentication Method ('__root__',)"],
      ],
      [
        { auth_method: 'automatic', aws_assume_role_arn: 'herald-role' },
        ["aws_assume_role_arn must be an IAM role ARN, such as arn:aws:iam::123456789012:role/herald-ses ('aws_assume_role_arn',)"],
      ],
      [{ auth_method: 'automatic', mailgun_api_key: 'key' }, ["extra fields not permitted ('mailgun_api_key',)"]],
    ])('secrets %j: 400 with Fides texts, nothing stored, no value echoed', async (secrets, detail) => {
      const before = await state();
      const res = await t.http().put('/api/v1/messaging/config/ses/secret').set(root).send(secrets);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail });
      expect(JSON.stringify(res.body)).not.toContain(KEY_ID);
      expect(await state()).toEqual(before);
    });

    it('stores valid secrets sealed, never answering them', async () => {
      const res = await t.http().put('/api/v1/messaging/config/ses/secret').set(root).send(SECRETS);
      expect(res.status).toBe(200);
      const { secrets } = await state();
      expect(secrets).toHaveLength(1);
      expect(JSON.stringify(secrets)).not.toContain(SECRET_KEY);
      const got = await t.http().get('/api/v1/messaging/config/ses').set(root);
      expect(JSON.stringify(got.body)).not.toContain(SECRET_KEY);
    });
  });

  describe('sending', () => {
    it('a test message: the exact SendEmail request at the fake, signed for ses in the region', async () => {
      const res = await testMessage();
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'sent', failure_reason: null });
      const [send] = fakes.awsSes.sends();
      expect(send.sigv4).toMatchObject({ accessKeyId: KEY_ID, region: REGION, service: 'ses' });
      const body = send.body as { Content: { Simple: { Body: { Html: { Data: string }; Text: { Data: string } } } } };
      expect(body).toEqual({
        FromEmailAddress: FROM,
        Destination: { ToAddresses: [TO] },
        Content: {
          Simple: {
            Subject: { Data: 'Test message from Herald', Charset: 'UTF-8' },
            Body: { Html: { Data: expect.any(String), Charset: 'UTF-8' }, Text: { Data: expect.any(String), Charset: 'UTF-8' } },
          },
        },
        EmailTags: [{ Name: 'herald_message_id', Value: res.body.message_id }],
      });
      expect(body.Content.Simple.Body.Html.Data).toMatch(/<p>\s*This is a test message from Herald\. Your messaging configuration works\.\s*<\/p>/);
      expect(body.Content.Simple.Body.Text.Data).toContain('This is a test message from Herald. Your messaging configuration works.');
      expect(await settled(res.body.message_id)).toMatchObject({ status: 'sent', service_type: 'AWS_SES' });
    });

    it('asks SES about the sender identity once for several sends, not on every send', async () => {
      ahead += IDENTITY_CHECK_TTL_MS + 1; // whatever earlier tests cached has expired
      for (let i = 0; i < 3; i++) expect((await testMessage()).body.status).toBe('sent');
      expect(fakes.awsSes.sends()).toHaveLength(3);
      expect(fakes.awsSes.identityChecks().map((r) => r.path)).toEqual([`/v2/email/identities/${encodeURIComponent(FROM)}`]);
    });

    it("a verification-pending identity is refused with Fides' text once the cached answer has expired", async () => {
      fakes.awsSes.setIdentityStatus(FROM, 'PENDING');
      ahead += IDENTITY_CHECK_TTL_MS + 1;
      const res = await testMessage();
      expect(res.body).toMatchObject({ status: 'failed', failure_reason: `AWS SES email failed to send due to: ${FROM} is not verified in SES.` });
      expect(fakes.awsSes.sends()).toHaveLength(0);
      expect(await settled(res.body.message_id)).toMatchObject({ status: 'failed', attempts: 1 });
    });

    it('a throttled send (429) is retried and then sent', async () => {
      fakes.awsSes.throttleNext(1);
      const res = await testMessage();
      expect(res.body).toMatchObject({ status: 'queued' });
      expect(res.body.failure_reason).toBe('AWS SES answered 429 Too Many Requests: TooManyRequestsException: Maximum sending rate exceeded.');
      expect(await settled(res.body.message_id)).toMatchObject({ status: 'sent', attempts: 2 });
      expect(await attemptsOf(res.body.message_id)).toEqual([
        { outcome: 'retry', status_code: 429, service_type: 'AWS_SES' },
        { outcome: 'sent', status_code: null, service_type: 'AWS_SES' },
      ]);
      expect(fakes.awsSes.sends()).toHaveLength(2);
    });

    it('a rejected message fails at once, the reason without the recipient', async () => {
      fakes.awsSes.rejectNext(1);
      const res = await testMessage();
      expect(res.body.status).toBe('failed');
      expect(res.body.failure_reason).toMatch(/^AWS SES answered 400 Bad Request: MessageRejected: Email address is not verified/);
      const row = await settled(res.body.message_id);
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row.failure_reason).not.toContain(TO);
      expect(fakes.awsSes.sends()).toHaveLength(1);
    });

    it('assumes the configured role through STS and signs SES with its temporary credentials', async () => {
      await t
        .http()
        .put('/api/v1/messaging/config/ses/secret')
        .set(root)
        .send({ ...SECRETS, aws_assume_role_arn: ROLE })
        .expect(200);
      expect((await testMessage()).body.status).toBe('sent');
      expect((await testMessage()).body.status).toBe('sent');
      const [sts] = fakes.awsSes.assumeRoleCalls();
      expect(sts.sigv4).toMatchObject({ accessKeyId: KEY_ID, region: REGION, service: 'sts' });
      expect(sts.fields).toMatchObject({ Action: 'AssumeRole', RoleArn: ROLE });
      expect(fakes.awsSes.assumedRoles).toHaveLength(1);
      const roleKey = fakes.awsSes.assumedRoles[0].accessKeyId;
      expect(fakes.awsSes.sends().map((r) => r.sigv4?.accessKeyId)).toEqual([roleKey, roleKey]);
      expect(fakes.awsSes.sends().every((r) => typeof r.headers['x-amz-security-token'] === 'string')).toBe(true);
      await t.http().put('/api/v1/messaging/config/ses/secret').set(root).send(SECRETS).expect(200);
    });
  });

  describe('failover (D29) and the email choice (D9)', () => {
    let notifications: NotificationsService;

    beforeAll(async () => {
      notifications = t.app.get(NotificationsService);
      await t
        .http()
        .post('/api/v1/messaging/config')
        .set(root)
        .send({ key: 'mailgun', name: 'Mailgun', service_type: 'mailgun', details: { domain: 'mg.example.com' } })
        .expect(200);
      await t.http().put('/api/v1/messaging/config/mailgun/secret').set(root).send({ mailgun_api_key: 'key-ses-failover' }).expect(200);
    });

    const configure = (notificationsPatch: object) => t.http().patch('/api/v1/config').set(root).send({ notifications: notificationsPatch }).expect(200);
    async function notify(serviceType: NotifyCommand['serviceType']): Promise<string> {
      seq += 1;
      const command: NotifyCommand = {
        actionType: MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY,
        recipient: { email: TO },
        params: { rejection_reason: `case ${seq}` },
        idempotencyKey: `ses-${seq}`,
        serviceType,
      };
      return (await notifications.notify(command)).messageId;
    }

    it('into SES: a failing Mailgun hands the message to SES on its next attempt', async () => {
      await configure({ notification_service_type: 'mailgun', email_fallback_service_types: ['aws_ses'] });
      fakes.mailgun.failNext(1, 503);
      const id = await notify('notification');
      expect(await settled(id)).toMatchObject({ status: 'sent', service_type: 'AWS_SES', attempts: 2 });
      expect((await attemptsOf(id)).map((a) => [a.outcome, a.service_type])).toEqual([
        ['retry', 'MAILGUN'],
        ['sent', 'AWS_SES'],
      ]);
      expect(fakes.awsSes.sends()[0].body).toMatchObject({ FromEmailAddress: FROM, Destination: { ToAddresses: [TO] } });
    });

    it('out of SES: a throttled SES hands the message to Mailgun on its next attempt', async () => {
      await configure({ notification_service_type: 'aws_ses', email_fallback_service_types: ['mailgun'] });
      fakes.awsSes.throttleNext(1);
      const id = await notify('notification');
      expect(await settled(id)).toMatchObject({ status: 'sent', service_type: 'MAILGUN', attempts: 2 });
      expect((await attemptsOf(id)).map((a) => [a.outcome, a.service_type])).toEqual([
        ['retry', 'AWS_SES'],
        ['sent', 'MAILGUN'],
      ]);
      expect(fakes.mailgun.requests).toHaveLength(1);
    });

    it('a rejected message does not fail over: the failure is permanent', async () => {
      fakes.awsSes.rejectNext(1);
      const id = await notify('notification');
      expect(await settled(id)).toMatchObject({ status: 'failed', service_type: 'AWS_SES', attempts: 1 });
      expect(fakes.mailgun.requests).toHaveLength(0);
    });

    it('erasure emails (D9) go to SES when the notification type is not an email type (Fides never picks it)', async () => {
      await configure({ notification_service_type: 'twilio_text', email_fallback_service_types: [] });
      const id = await notify('email');
      expect(await settled(id)).toMatchObject({ status: 'sent', service_type: 'AWS_SES' });
      expect(fakes.mailgun.requests).toHaveLength(0);
    });
  });

  describe('GraphQL', () => {
    const CREATE = `mutation($input: MessagingConfigInput!) { createMessagingConfig(input: $input) {
      key serviceType details { ... on AwsSesDetails { awsRegion emailFrom domain } } } }`;
    const SECRETS_MUTATION = `mutation($key: String!, $input: MessagingSecretsInput!) { setMessagingConfigSecrets(key: $key, input: $input) { key hasSecrets } }`;

    it('answers the details as AwsSesDetails, and takes awsSes secrets', async () => {
      await t.http().delete('/api/v1/messaging/config/ses').set(root).expect(204);
      const token = await t.rootToken();
      const created = await graphql(
        t,
        CREATE,
        { input: { key: 'ses', name: 'SES', serviceType: 'AWS_SES', awsSes: { awsRegion: REGION, domain: 'example.com' } } },
        token,
      );
      expect(created.errors).toBeUndefined();
      expect(created.data?.createMessagingConfig).toEqual({
        key: 'ses',
        serviceType: 'AWS_SES',
        details: { awsRegion: REGION, emailFrom: null, domain: 'example.com' },
      });
      const secrets = await graphql(
        t,
        SECRETS_MUTATION,
        { key: 'ses', input: { awsSes: { authMethod: 'secret_keys', accessKeyId: KEY_ID, secretAccessKey: SECRET_KEY } } },
        token,
      );
      expect(secrets.data?.setMessagingConfigSecrets).toEqual({ key: 'ses', hasSecrets: true });
      // The domain alone: SES sends from noreply@ it.
      expect((await testMessage()).body.status).toBe('sent');
      expect(fakes.awsSes.sends()[0].body).toMatchObject({ FromEmailAddress: 'noreply@example.com' });
    });

    it('locates problems in its own names: BAD_USER_INPUT, nothing changed', async () => {
      const token = await t.rootToken();
      const before = await state();
      const noSender = await graphql(t, CREATE, { input: { key: 'ses2', name: 'SES 2', serviceType: 'AWS_SES', awsSes: { awsRegion: REGION } } }, token);
      expect(noSender.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        detail: [expect.objectContaining({ loc: ['input', 'awsSes'], msg: "Either 'email_from' or 'domain' must be provided." })],
      });
      const badKeys = await graphql(t, SECRETS_MUTATION, { key: 'ses', input: { awsSes: { authMethod: 'secret_keys', accessKeyId: KEY_ID } } }, token);
      expect(badKeys.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(badKeys.errors)).toContain('An Access Key ID and a Secret Access Key must be provided');
      expect(await state()).toEqual(before);
    });
  });
});
