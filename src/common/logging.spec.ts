import { loggedUrl, scrub } from './logging.js';

describe('scrub (log redaction of sensitive keys at any depth)', () => {
  it('censors credentials, tokens, secrets and identities, keeping the rest', () => {
    const logged = {
      msg: 'x',
      client_secret: 's1',
      nested: { access_token: 't', config: { secrets: { mailgun_api_key: 'k' }, name: 'kept' } },
      list: [{ email: 'a@example.com', phone_number: '+1555', other: 1 }],
      Authorization: 'Bearer abc',
    };
    expect(scrub(logged)).toEqual({
      msg: 'x',
      client_secret: '[redacted]',
      nested: { access_token: '[redacted]', config: { secrets: '[redacted]', name: 'kept' } },
      list: [{ email: '[redacted]', phone_number: '[redacted]', other: 1 }],
      Authorization: '[redacted]',
    });
    expect(JSON.stringify(scrub(logged))).not.toMatch(/s1|"t"|"k"|a@example|\+1555|abc/);
  });

  it('leaves errors, dates and primitives alone', () => {
    const error = new Error('e');
    const date = new Date(0);
    expect(scrub({ err: error, at: date, n: 1 })).toEqual({ err: error, at: date, n: 1 });
    expect(scrub('text')).toBe('text');
  });
});

describe('loggedUrl (query values never logged)', () => {
  it('keeps the path and the parameter names, censoring every value', () => {
    expect(loggedUrl('/api/v1/privacy-request/pri_1/access-package?token=eyJ.abc.def')).toBe('/api/v1/privacy-request/pri_1/access-package?token=[redacted]');
    expect(loggedUrl('/api/v1/privacy-request?identity=a%40b.c&status=complete&status=error')).toBe(
      '/api/v1/privacy-request?identity=[redacted]&status=[redacted]&status=[redacted]',
    );
    expect(loggedUrl('/x?flag&&y=')).toBe('/x?flag=[redacted]&y=[redacted]');
  });

  it('leaves a URL without a query alone', () => {
    expect(loggedUrl('/api/v1/messaging/config')).toBe('/api/v1/messaging/config');
    expect(loggedUrl(undefined)).toBeUndefined();
  });
});
