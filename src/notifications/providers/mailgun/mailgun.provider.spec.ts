import { MessagingServiceType } from '../../../common/messaging-service-type.js';
import { loadSettings } from '../../../config/index.js';
import { DeliveryError, type OutgoingEmail, type ProviderContext } from '../messaging-provider.js';
import { MAILGUN_EU_HOST, MAILGUN_HOST, MailgunProvider, mailgunBaseUrl } from './mailgun.provider.js';

describe('mailgunBaseUrl', () => {
  it('uses the default host for a non-EU domain', () => expect(mailgunBaseUrl(false, undefined)).toBe('https://api.mailgun.net'));
  it('uses the EU host for an EU domain', () => expect(mailgunBaseUrl(true, undefined)).toBe('https://api.eu.mailgun.net'));
  it('MAILGUN_API_URL wins over the EU flag', () => {
    expect(mailgunBaseUrl(true, 'http://127.0.0.1:9301')).toBe('http://127.0.0.1:9301');
    expect(mailgunBaseUrl(false, 'http://127.0.0.1:9301')).toBe('http://127.0.0.1:9301');
  });
  it('exports the hosts it chooses between', () => {
    expect([MAILGUN_HOST, MAILGUN_EU_HOST]).toEqual(['https://api.mailgun.net', 'https://api.eu.mailgun.net']);
  });
});

describe('MailgunProvider before calling', () => {
  // Nothing listens on port 9 (discard): a request that got out would fail differently (retryable).
  const provider = new MailgunProvider(loadSettings({ MAILGUN_API_URL: 'http://127.0.0.1:9' }));
  const email: OutgoingEmail = {
    channel: 'email',
    messageId: 'm-1',
    idempotencyKey: 'k-1',
    to: 'alice@example.org',
    subject: 'S',
    html: '<p>h</p>',
    text: 't',
  };
  const context = (details: unknown, secrets: unknown): ProviderContext => ({ details, secrets }) as ProviderContext;

  it('serves MAILGUN email', () => {
    expect(provider.serviceType).toBe(MessagingServiceType.MAILGUN);
    expect(provider.channel).toBe('email');
  });

  it.each([
    ['no details', null, { mailgun_api_key: 'key-1234' }, 'Mailgun: the config has no valid domain in its details'],
    [
      'a domain that would change the path',
      { domain: 'mg.example.com/../x', is_eu_domain: false, api_version: 'v3' },
      { mailgun_api_key: 'key-1234' },
      'Mailgun: the config has no valid domain in its details',
    ],
    [
      'a bad api_version',
      { domain: 'mg.example.com', is_eu_domain: false, api_version: '../v3' },
      { mailgun_api_key: 'key-1234' },
      'Mailgun: the config has an invalid api_version in its details',
    ],
    ['no key', { domain: 'mg.example.com', is_eu_domain: false, api_version: 'v3' }, {}, 'Mailgun: the config has no mailgun_api_key secret'],
    [
      'an empty key',
      { domain: 'mg.example.com', is_eu_domain: false, api_version: 'v3' },
      { mailgun_api_key: ' ' },
      'Mailgun: the config has no mailgun_api_key secret',
    ],
  ])('refuses %s as a permanent DeliveryError', async (_case, details, secrets, reason) => {
    const error = await provider.send(email, context(details, secrets)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryable: false, status: undefined, reason });
  });

  it('refuses an SMS and an empty email', async () => {
    const details = { domain: 'mg.example.com', is_eu_domain: false, api_version: 'v3' };
    const sms = { channel: 'sms', messageId: 'm', idempotencyKey: 'k', to: '+15550001111', body: 'b' } as const;
    await expect(provider.send(sms, context(details, { mailgun_api_key: 'key-1234' }))).rejects.toMatchObject({
      retryable: false,
      reason: 'Mailgun: cannot send sms messages',
    });
    await expect(provider.send({ ...email, html: '', text: '' }, context(details, { mailgun_api_key: 'key-1234' }))).rejects.toMatchObject({
      retryable: false,
      reason: 'Mailgun: the message has neither html nor text',
    });
  });
});
