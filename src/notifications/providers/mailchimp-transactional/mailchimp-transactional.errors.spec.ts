import { rejectionError, toMailchimpTransactionalDeliveryError } from './mailchimp-transactional.errors.js';

// Shaped like what @mailchimp/mailchimp_transactional returns (it returns the AxiosError; the e2e spec drives the SDK).
const answered = (status: number, data: unknown) =>
  Object.assign(new Error(`Request failed with status code ${status}`), { isAxiosError: true, code: 'ERR_BAD_RESPONSE', response: { status, data } });
const mandrill = (name: string, message: string) => ({ status: 'error', code: -1, name, message });

describe('toMailchimpTransactionalDeliveryError', () => {
  it.each(['Invalid_Key', 'PaymentRequired', 'ValidationError', 'Unknown_Subaccount'])('a 500 %s is permanent', (name) => {
    expect(toMailchimpTransactionalDeliveryError(answered(500, mandrill(name, 'no')))).toMatchObject({
      retryable: false,
      status: 500,
      reason: `Mailchimp Transactional answered 500 Internal Server Error: ${name}: no`,
    });
  });

  it('a 500 GeneralError, a 503 and a 429 are retryable', () => {
    expect(toMailchimpTransactionalDeliveryError(answered(500, mandrill('GeneralError', 'oops')))).toMatchObject({ retryable: true });
    expect(toMailchimpTransactionalDeliveryError(answered(503, 'Service Unavailable'))).toMatchObject({ retryable: true, status: 503 });
    expect(toMailchimpTransactionalDeliveryError(answered(429, mandrill('Too_Many', 'slow down')))).toMatchObject({ retryable: true, status: 429 });
  });

  it('a transport failure is retryable, a timeout marked timed out', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9304'), { isAxiosError: true, code: 'ECONNREFUSED' });
    expect(toMailchimpTransactionalDeliveryError(refused)).toMatchObject({ retryable: true, timedOut: false });
    const timeout = Object.assign(new Error('timeout of 200ms exceeded'), { isAxiosError: true, code: 'ECONNABORTED' });
    expect(toMailchimpTransactionalDeliveryError(timeout)).toMatchObject({ retryable: true, timedOut: true });
  });

  it('hides the key and the recipient', () => {
    const error = toMailchimpTransactionalDeliveryError(answered(500, mandrill('ValidationError', 'md-secret-key-1 cannot send to bob@example.org')), {
      recipient: 'bob@example.org',
      secrets: ['md-secret-key-1'],
    });
    expect(error.reason).toBe('Mailchimp Transactional answered 500 Internal Server Error: ValidationError: [redacted] cannot send to [recipient]');
  });
});

describe('rejectionError', () => {
  it('uses Fides’ text, "Fides Error" without a reason, and is permanent', () => {
    expect(rejectionError('recipient-domain-mismatch', 'privacy@example.com')).toMatchObject({
      retryable: false,
      reason:
        'Verification email unable to send due to reason: recipient-domain-mismatch. You are not authorised to send email to this domain from privacy@example.com.',
    });
    expect(rejectionError(null, 'a@example.com').reason).toBe('Verification email unable to send due to reason: Fides Error.');
  });
});
