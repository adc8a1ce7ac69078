// The provider through the real @aws-sdk/client-sesv2 and client-sts against the loopback SES/STS fake.
import { startAwsSesFake, type AwsRecordedRequest, type AwsSesFake } from '../../../../test/fakes/aws-ses-fake.mjs';
import { MessagingServiceType } from '../../../common/messaging-service-type.js';
import { loadSettings } from '../../../config/index.js';
import { DeliveryError, type OutgoingEmail, type ProviderContext } from '../messaging-provider.js';
import { IDENTITY_CHECK_TTL_MS } from './aws-ses.clients.js';
import { RENEW_BEFORE_EXPIRY_MS, ROLE_SESSION_NAME } from './aws-ses.credentials.js';
import { AwsSesProvider } from './aws-ses.provider.js';

const REGION = 'eu-west-1';
const KEY_ID = 'AKIAHERALDTEST000001';
const SECRET = 'herald-test-secret-access-key-0000000001';
const ROLE = 'arn:aws:iam::123456789012:role/herald-ses';

const email = (n: number, overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  channel: 'email',
  messageId: `00000000-0000-4000-8000-00000000000${n}`,
  idempotencyKey: `k-${n}`,
  to: ' alice@example.org ',
  subject: 'Your request',
  html: '<p>Hello</p>',
  text: 'Hello',
  ...overrides,
});

const context = (details: object, secrets: object): ProviderContext => ({ details, secrets }) as unknown as ProviderContext;
const DETAILS = { aws_region: REGION, email_from: 'privacy@example.com', domain: null };
const KEYS = { auth_method: 'secret_keys', aws_access_key_id: KEY_ID, aws_secret_access_key: SECRET, aws_assume_role_arn: null };

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('AwsSesProvider', () => {
  let fake: AwsSesFake;
  let provider: AwsSesProvider;
  let now = Date.now();

  beforeAll(async () => {
    fake = await startAwsSesFake({ region: REGION });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    // A provider per test: nothing cached from another test.
    provider = new AwsSesProvider(loadSettings({ AWS_SES_ENDPOINT_URL: fake.url, AWS_STS_ENDPOINT_URL: fake.url, HERALD_PROVIDER_TIMEOUT_MS: '5000' }));
    now = Date.now();
    provider.now = () => now;
  });

  it('serves AWS_SES email', () => {
    expect(provider.serviceType).toBe(MessagingServiceType.AWS_SES);
    expect(provider.channel).toBe('email');
  });

  it('checks the sender identity, then sends Simple content signed for ses in the region', async () => {
    const receipt = await provider.send(email(1), context(DETAILS, KEYS));
    expect(receipt.providerMessageId).toMatch(/^0100/);
    const [check, send] = fake.requests as AwsRecordedRequest[];
    expect(check).toMatchObject({ method: 'GET', path: '/v2/email/identities/privacy%40example.com' });
    expect(send).toMatchObject({ method: 'POST', path: '/v2/email/outbound-emails' });
    expect(send.sigv4).toMatchObject({ accessKeyId: KEY_ID, region: REGION, service: 'ses' });
    expect(send.body).toEqual({
      FromEmailAddress: 'privacy@example.com',
      Destination: { ToAddresses: ['alice@example.org'] },
      Content: {
        Simple: {
          Subject: { Data: 'Your request', Charset: 'UTF-8' },
          Body: { Html: { Data: '<p>Hello</p>', Charset: 'UTF-8' }, Text: { Data: 'Hello', Charset: 'UTF-8' } },
        },
      },
      EmailTags: [{ Name: 'herald_message_id', Value: '00000000-0000-4000-8000-000000000001' }],
    });
  });

  it('sends from noreply@ the domain when only a domain is configured, and checks the domain', async () => {
    await provider.send(email(1, { text: '' }), context({ aws_region: REGION, email_from: null, domain: 'mail.example.com' }, KEYS));
    expect(fake.identityChecks().map((r) => r.path)).toEqual(['/v2/email/identities/mail.example.com']);
    expect(fake.sends()[0].body).toMatchObject({
      FromEmailAddress: 'noreply@mail.example.com',
      Content: { Simple: { Body: { Html: { Data: '<p>Hello</p>', Charset: 'UTF-8' } } } },
    });
    expect((fake.sends()[0].body as { Content: { Simple: { Body: object } } }).Content.Simple.Body).not.toHaveProperty('Text');
  });

  it('asks SES about an identity once per few minutes, not on every send', async () => {
    await Promise.all([1, 2, 3].map((n) => provider.send(email(n), context(DETAILS, KEYS))));
    await provider.send(email(4), context(DETAILS, KEYS));
    expect(fake.identityChecks()).toHaveLength(1);
    expect(fake.sends()).toHaveLength(4);
    now += IDENTITY_CHECK_TTL_MS + 1;
    await provider.send(email(5), context(DETAILS, KEYS));
    expect(fake.identityChecks()).toHaveLength(2);
  });

  it.each(['PENDING', 'FAILED', 'NOT_FOUND'] as const)('refuses a %s identity with Fides text, permanently, without sending', async (status) => {
    fake.setIdentityStatus('privacy@example.com', status);
    const error = await failure(provider.send(email(1), context(DETAILS, KEYS)));
    expect(error).toMatchObject({ retryable: false, reason: 'AWS SES email failed to send due to: privacy@example.com is not verified in SES.' });
    expect(fake.sends()).toHaveLength(0);
    // Not cached as refused: once verified, the next send goes out.
    fake.setIdentityStatus('privacy@example.com', 'SUCCESS');
    await provider.send(email(2), context(DETAILS, KEYS));
    expect(fake.sends()).toHaveLength(1);
  });

  it('checks both identities when both are configured', async () => {
    fake.setIdentityStatus('example.com', 'PENDING');
    const error = await failure(provider.send(email(1), context({ ...DETAILS, domain: 'example.com' }, KEYS)));
    expect(error.reason).toBe('AWS SES email failed to send due to: example.com is not verified in SES.');
  });

  it('a throttled send is retryable; a rejected one is permanent; neither shows the recipient or a secret', async () => {
    fake.throttleNext();
    const throttled = await failure(provider.send(email(1), context(DETAILS, KEYS)));
    expect(throttled).toMatchObject({ retryable: true, status: 429 });
    expect(throttled.reason).toBe('AWS SES answered 429 Too Many Requests: TooManyRequestsException: Maximum sending rate exceeded.');
    fake.rejectNext();
    const rejected = await failure(provider.send(email(2), context(DETAILS, KEYS)));
    expect(rejected).toMatchObject({ retryable: false, status: 400 });
    expect(rejected.reason).toMatch(/^AWS SES answered 400 Bad Request: MessageRejected: Email address is not verified/);
    for (const reason of [throttled.reason, rejected.reason]) {
      expect(reason).not.toContain('alice@example.org');
      expect(reason).not.toContain(SECRET);
    }
  });

  it('a 5xx and a refused connection are retryable; bad credentials are permanent', async () => {
    fake.failNext(1, 503);
    expect(await failure(provider.send(email(1), context(DETAILS, KEYS)))).toMatchObject({ retryable: true, status: 503 });
    const strict = await startAwsSesFake({ region: REGION, accessKeyId: 'AKIAONLYTHISONE00001' });
    try {
      const other = new AwsSesProvider(loadSettings({ AWS_SES_ENDPOINT_URL: strict.url }));
      const error = await failure(other.send(email(2), context(DETAILS, KEYS)));
      expect(error).toMatchObject({ retryable: false, status: 403 });
      expect(error.reason).toContain('UnrecognizedClientException');
    } finally {
      await strict.close();
    }
    const nowhere = new AwsSesProvider(loadSettings({ AWS_SES_ENDPOINT_URL: 'http://127.0.0.1:9' }));
    const refused = await failure(nowhere.send(email(3), context(DETAILS, KEYS)));
    expect(refused).toMatchObject({ retryable: true, status: undefined, reason: 'AWS SES: connect ECONNREFUSED 127.0.0.1:9' });
  });

  it('a signature for another region is refused by the fake, as AWS would', async () => {
    const error = await failure(provider.send(email(1), context({ ...DETAILS, aws_region: 'us-east-1' }, KEYS)));
    expect(error).toMatchObject({ retryable: false, status: 403 });
    expect((fake.requests[0] as AwsRecordedRequest).sigv4).toMatchObject({ region: 'us-east-1', service: 'ses' });
  });

  it('no answer within the timeout is retryable and marked as maybe delivered', async () => {
    fake.setDelay(3000);
    const error = await failure(provider.send(email(1), { ...context(DETAILS, KEYS), timeoutMs: 200 }));
    expect(error).toMatchObject({ retryable: true, timedOut: true });
  });

  it('assumes the role with the given keys, signs SES with the role credentials, and reuses them until shortly before expiry', async () => {
    const secrets = { ...KEYS, aws_assume_role_arn: ROLE };
    await provider.send(email(1), context(DETAILS, secrets));
    await provider.send(email(2), context(DETAILS, secrets));
    expect(fake.assumedRoles).toHaveLength(1);
    expect(fake.assumedRoles[0]).toMatchObject({ roleArn: ROLE, roleSessionName: ROLE_SESSION_NAME, callerAccessKeyId: KEY_ID });
    expect(fake.assumedRoles[0].accessKeyId).toMatch(/^ASIA/);
    const [sts] = fake.assumeRoleCalls();
    expect(sts.sigv4).toMatchObject({ accessKeyId: KEY_ID, region: REGION, service: 'sts' });
    expect(sts.fields).toMatchObject({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: ROLE_SESSION_NAME });
    for (const send of fake.sends()) {
      expect(send.sigv4?.accessKeyId).toBe(fake.assumedRoles[0].accessKeyId);
      expect(send.headers['x-amz-security-token']).toEqual(expect.any(String));
    }
  });

  it('does not sign with role credentials that expire within the renewal margin: it assumes the role again', async () => {
    const shortLived = await startAwsSesFake({ region: REGION, assumedRoleSeconds: RENEW_BEFORE_EXPIRY_MS / 1000 - 60 });
    try {
      const other = new AwsSesProvider(loadSettings({ AWS_SES_ENDPOINT_URL: shortLived.url, AWS_STS_ENDPOINT_URL: shortLived.url }));
      const secrets = { ...KEYS, aws_assume_role_arn: ROLE };
      await other.send(email(1), context(DETAILS, secrets));
      await other.send(email(2), context(DETAILS, secrets));
      // Each send is signed with fresh role credentials (the SDK may ask for them more than once per request).
      const [first, second] = shortLived.sends().map((r) => r.sigv4?.accessKeyId);
      expect(first).not.toBe(second);
      const issued = shortLived.assumedRoles.map((r) => r.accessKeyId);
      expect(issued).toEqual(expect.arrayContaining([first, second]));
    } finally {
      await shortLived.close();
    }
  });

  it('FIDES__CREDENTIALS__NOTIFICATIONS__AWS_SES_ASSUME_ROLE_ARN wins over the secret', async () => {
    const settingRole = 'arn:aws:iam::210987654321:role/from-the-setting';
    const other = new AwsSesProvider(
      loadSettings({ AWS_SES_ENDPOINT_URL: fake.url, AWS_STS_ENDPOINT_URL: fake.url, FIDES__CREDENTIALS__NOTIFICATIONS__AWS_SES_ASSUME_ROLE_ARN: settingRole }),
    );
    await other.send(email(1), context(DETAILS, KEYS));
    await other.send(email(2), context(DETAILS, { ...KEYS, aws_assume_role_arn: ROLE }));
    // Both sends sign with the same role (the same client, so one AssumeRole).
    expect(fake.assumedRoles.map((r) => r.roleArn)).toEqual([settingRole]);
    expect(fake.sends().map((r) => r.sigv4?.accessKeyId)).toEqual([fake.assumedRoles[0].accessKeyId, fake.assumedRoles[0].accessKeyId]);
  });

  it('a refused AssumeRole is a permanent failure named for STS', async () => {
    fake.failNext(1, 403);
    const error = await failure(provider.send(email(1), context(DETAILS, { ...KEYS, aws_assume_role_arn: ROLE })));
    expect(error).toMatchObject({ retryable: false, status: 403 });
    expect(error.reason).toMatch(/^AWS STS answered 403 Forbidden: AccessDenied/);
    expect(fake.sends()).toHaveLength(0);
  });

  it('automatic: the default credential chain (here the environment)', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIAFROMTHEENVIRON01';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-from-the-environment';
    try {
      await provider.send(
        email(1),
        context(DETAILS, { auth_method: 'automatic', aws_access_key_id: null, aws_secret_access_key: null, aws_assume_role_arn: null }),
      );
      expect(fake.sends()[0].sigv4?.accessKeyId).toBe('AKIAFROMTHEENVIRON01');
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });

  it('builds a new client when the secrets change (the new key signs at once)', async () => {
    await provider.send(email(1), context(DETAILS, KEYS));
    await provider.send(email(2), context(DETAILS, { ...KEYS, aws_access_key_id: 'AKIAROTATEDKEY000002' }));
    expect(fake.sends().map((r) => r.sigv4?.accessKeyId)).toEqual([KEY_ID, 'AKIAROTATEDKEY000002']);
    // A new client knows nothing yet: it checks the identity itself.
    expect(fake.identityChecks()).toHaveLength(2);
  });

  it.each([
    ['no details', null, KEYS, 'AWS SES: the config has no valid aws_region in its details'],
    ['a region that is not one', { ...DETAILS, aws_region: 'evil.example.com/x' }, KEYS, 'AWS SES: the config has no valid aws_region in its details'],
    ['no sender', { aws_region: REGION, email_from: null, domain: null }, KEYS, "AWS SES: the config has neither 'email_from' nor 'domain' in its details"],
    ['no auth_method', DETAILS, { ...KEYS, auth_method: null }, 'AWS SES: the config has no valid auth_method secret'],
    [
      'secret_keys without the secret',
      DETAILS,
      { ...KEYS, aws_secret_access_key: '' },
      'AWS SES: the secret_keys auth_method needs aws_access_key_id and aws_secret_access_key',
    ],
  ])('refuses %s before calling', async (_, details, secrets, reason) => {
    const error = await failure(provider.send(email(1), context(details as object, secrets)));
    expect(error).toMatchObject({ retryable: false, reason });
    expect(fake.requests).toHaveLength(0);
  });
});
