import { MessagingServiceType } from '../common/messaging-service-type.js';
import { SettingsError, loadSettings, requireSecrets } from './settings.js';

describe('loadSettings', () => {
  it("has Fides' defaults", () => {
    const s = loadSettings({});
    expect(s.port).toBe(8080);
    expect(s.databaseUrl).toBeUndefined();
    expect(s.dataDir).toBe('.data');
    expect(s.security).toMatchObject({
      oauthRootClientId: 'fidesadmin',
      oauthAccessTokenExpireMinutes: 11520,
      identityVerificationAttemptLimit: 3,
      subjectRequestDownloadLinkTtlSeconds: 432000,
    });
    expect(s.notifications).toEqual({
      notificationServiceType: null,
      sendRequestReceiptNotification: false,
      sendRequestReviewNotification: false,
      sendRequestCompletionNotification: false,
      emailFallbackServiceTypes: [],
      smsFallbackServiceTypes: [],
    });
    expect(s.execution).toEqual({
      subjectIdentityVerificationRequired: false,
      requireManualRequestApproval: false,
      emailSendCronExpression: '0 12 * * mon',
      emailSendTimezone: 'US/Eastern',
    });
    expect(s.organizationName).toBeNull();
    expect(s.redis.identityVerificationCodeTtlSeconds).toBe(600);
  });

  it('reads the batch email schedule (decision D34) and refuses a cron or time zone it cannot use', () => {
    const s = loadSettings({
      FIDES__EXECUTION__EMAIL_SEND_CRON_EXPRESSION: ' 30  9 * * tue ',
      FIDES__EXECUTION__EMAIL_SEND_TIMEZONE: 'Europe/Berlin',
      HERALD_ORGANIZATION_NAME: 'Example Org',
    });
    expect(s.execution).toMatchObject({ emailSendCronExpression: '30 9 * * tue', emailSendTimezone: 'Europe/Berlin' });
    expect(s.organizationName).toBe('Example Org');
    for (const cron of ['0 12 * *', '0 0 12 * * mon', '61 12 * * mon', 'every monday']) {
      expect(() => loadSettings({ FIDES__EXECUTION__EMAIL_SEND_CRON_EXPRESSION: cron })).toThrow(
        'Invalid setting FIDES__EXECUTION__EMAIL_SEND_CRON_EXPRESSION: must be a 5-field crontab expression (minute hour day month weekday), e.g. 0 12 * * mon',
      );
    }
    expect(() => loadSettings({ FIDES__EXECUTION__EMAIL_SEND_TIMEZONE: 'Mars/Olympus' })).toThrow(SettingsError);
  });

  it.each([
    ['mailgun', MessagingServiceType.MAILGUN],
    ['MAILGUN', MessagingServiceType.MAILGUN],
    ['twilio_text', MessagingServiceType.TWILIO_TEXT],
    ['Twilio_SMS', MessagingServiceType.TWILIO_TEXT],
    ['twilio_email', MessagingServiceType.TWILIO_EMAIL],
  ])('reads the notification service type %j case-insensitively, with the twilio_sms alias', (value, expected) => {
    expect(loadSettings({ FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE: value }).notifications.notificationServiceType).toBe(expected);
  });

  it('reads the fallback chains (decision D29) as comma lists or JSON arrays, any case, each type once', () => {
    const s = loadSettings({ HERALD_EMAIL_FALLBACK: ' twilio_email, Mailgun,TWILIO_EMAIL', HERALD_SMS_FALLBACK: '["twilio_sms"]' });
    expect(s.notifications.emailFallbackServiceTypes).toEqual([MessagingServiceType.TWILIO_EMAIL, MessagingServiceType.MAILGUN]);
    expect(s.notifications.smsFallbackServiceTypes).toEqual([MessagingServiceType.TWILIO_TEXT]);
  });

  it.each([
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads booleans like %j', (value, expected) => {
    expect(loadSettings({ FIDES__EXECUTION__REQUIRE_MANUAL_REQUEST_APPROVAL: value }).execution.requireManualRequestApproval).toBe(expected);
  });

  it.each([
    [
      'FIDES__NOTIFICATIONS__NOTIFICATION_SERVICE_TYPE',
      'sms',
      'must be one of mailgun, twilio_text, twilio_email, mailchimp_transactional, smtp, aws_ses (alias twilio_sms), or unset',
    ],
    ['FIDES__SECURITY__APP_ENCRYPTION_KEY', 'too-short', 'must be exactly 32 characters (bytes)'],
    ['FIDES__NOTIFICATIONS__SEND_REQUEST_RECEIPT_NOTIFICATION', 'maybe', 'must be a boolean: true, false, 1 or 0'],
    ['PORT', 'http', 'must be a whole number from 0 to 65535'],
    ['FIDES__SECURITY__IDENTITY_VERIFICATION_ATTEMPT_LIMIT', '0', 'must be a whole number of at least 1'],
    ['DATABASE_URL', 'mysql://x', 'must be a URL with scheme postgres or postgresql'],
    ['MAILGUN_API_URL', 'not a url', 'must be a URL (http or https)'],
    ['AWS_SES_ENDPOINT_URL', 'ftp://127.0.0.1', 'must be a URL with scheme http or https'],
    ['FIDES__CREDENTIALS__NOTIFICATIONS__AWS_SES_ASSUME_ROLE_ARN', 'herald-role', 'must be an IAM role ARN, such as arn:aws:iam::123456789012:role/herald-ses'],
    ['LOG_LEVEL', 'loud', 'must be one of fatal, error, warn, info, debug, trace, silent'],
    [
      'HERALD_EMAIL_FALLBACK',
      'mailgun,twilio_text',
      'must be a comma-separated list of email service types (mailgun, twilio_email, mailchimp_transactional, smtp, aws_ses); "twilio_text" is not one',
    ],
    [
      'HERALD_EMAIL_FALLBACK',
      'pigeon',
      'must be a comma-separated list of email service types (mailgun, twilio_email, mailchimp_transactional, smtp, aws_ses); "pigeon" is not one',
    ],
    ['HERALD_SMS_FALLBACK', 'mailgun', 'must be a comma-separated list of sms service types (twilio_text); "mailgun" is not one'],
  ])('refuses %s=%j with one line naming it', (name, value, message) => {
    let error: unknown;
    try {
      loadSettings({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toBe(`Invalid setting ${name}: ${message}`);
  });

  it('reads HERALD_TRUST_PROXY as a switch or proxy addresses, and refuses a hop count that would trust nothing', () => {
    expect(loadSettings({}).trustProxy).toBe(false);
    expect(loadSettings({ HERALD_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadSettings({ HERALD_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    for (const hops of ['1', '2']) {
      expect(() => loadSettings({ HERALD_TRUST_PROXY: hops })).toThrow('Invalid setting HERALD_TRUST_PROXY: a hop count cannot be checked');
    }
  });

  it('never repeats the value of a secret setting', () => {
    expect(() => loadSettings({ FIDES__SECURITY__APP_ENCRYPTION_KEY: 'my-private-key' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('my-private-key') as unknown }) as Error,
    );
  });

  it('reads HERALD_PREVIOUS_ENCRYPTION_KEYS as a comma list or a JSON array of 32-character keys, naming a wrong entry by number only', () => {
    const a = 'a'.repeat(32);
    const b = 'b,'.repeat(16);
    expect(loadSettings({}).security.previousEncryptionKeys).toEqual([]);
    expect(loadSettings({ HERALD_PREVIOUS_ENCRYPTION_KEYS: ` ${a} , ${'c'.repeat(32)},` }).security.previousEncryptionKeys).toEqual([a, 'c'.repeat(32)]);
    // A key holding a comma, or ending in a slash, comes through the JSON form unchanged.
    expect(loadSettings({ HERALD_PREVIOUS_ENCRYPTION_KEYS: JSON.stringify([b, `${'d'.repeat(31)}/`]) }).security.previousEncryptionKeys).toEqual([
      b,
      `${'d'.repeat(31)}/`,
    ]);
    for (const value of [`${a},my-short-private-key`, '["my-short-private-key"]', '[1]']) {
      let error: unknown;
      try {
        loadSettings({ HERALD_PREVIOUS_ENCRYPTION_KEYS: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SettingsError);
      expect((error as Error).message).toMatch(/^Invalid setting HERALD_PREVIOUS_ENCRYPTION_KEYS: /);
      expect((error as Error).message).not.toContain('my-short-private-key');
    }
    expect(() => loadSettings({ HERALD_PREVIOUS_ENCRYPTION_KEYS: `${a},short` })).toThrow(
      'Invalid setting HERALD_PREVIOUS_ENCRYPTION_KEYS: every key must be exactly 32 characters (bytes); entry 2 is not',
    );
  });

  it('requires the root secret and the encryption key before the app starts', () => {
    expect(() => requireSecrets(loadSettings({ DATABASE_URL: 'postgres://h/db' }))).toThrow(/FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET/);
    expect(() => requireSecrets(loadSettings({ DATABASE_URL: 'postgres://h/db', FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 's' }))).toThrow(
      /FIDES__SECURITY__APP_ENCRYPTION_KEY/,
    );
  });

  it('keeps everything by default, and reads the retention periods, batch size and schedule', () => {
    expect(loadSettings({}).retention).toEqual({
      messagesDays: 0,
      attemptsDays: 0,
      eventsDays: 0,
      requestIdentitiesDays: 0,
      batchSize: 2000,
      cron: '23 * * * *',
    });
    const s = loadSettings({ HERALD_RETENTION_MESSAGES_DAYS: '365', HERALD_RETENTION_REQUEST_IDENTITIES_DAYS: '30', HERALD_RETENTION_CRON: ' 0 3 * * mon ' });
    expect(s.retention).toMatchObject({ messagesDays: 365, requestIdentitiesDays: 30, cron: '0 3 * * mon' });
    expect(() => loadSettings({ HERALD_RETENTION_EVENTS_DAYS: '-1' })).toThrow(/HERALD_RETENTION_EVENTS_DAYS: must be a whole number from 0 to 36500/);
    expect(() => loadSettings({ HERALD_RETENTION_BATCH_SIZE: '0' })).toThrow(/HERALD_RETENTION_BATCH_SIZE/);
    for (const cron of ['61 * * * *', 'every hour', '* * * * * *']) {
      expect(() => loadSettings({ HERALD_RETENTION_CRON: cron })).toThrow(/HERALD_RETENTION_CRON: must be a cron expression of five fields/);
    }
  });
});
