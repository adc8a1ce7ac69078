import { classifySendGridError, toSendGridDeliveryError } from './twilio-email.errors.js';

// Shaped like what @sendgrid/mail really throws (docs/architecture.md, "Provider SDK notes"; the e2e spec drives the real SDK).
function sendgridResponseError(code: number, message: string, body: unknown): Error {
  return Object.assign(new Error(message), { code, response: { headers: {}, body } });
}
function axiosNetworkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, isAxiosError: true, name: 'AxiosError' });
}

describe('toSendGridDeliveryError', () => {
  describe('SendGrid (the HTTP status is in .code)', () => {
    it('401 is permanent, with the first error message of the body', () => {
      const body = { errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }] };
      const e = toSendGridDeliveryError(sendgridResponseError(401, 'Unauthorized', body));
      expect(e).toMatchObject({
        retryable: false,
        status: 401,
        reason: 'SendGrid answered 401 Unauthorized: The provided authorization grant is invalid, expired, or revoked',
      });
    });

    it.each([408, 429, 500, 502])('%i is retryable', (code) => {
      expect(toSendGridDeliveryError(sendgridResponseError(code, 'x', ''))).toMatchObject({ retryable: true, status: code });
    });

    it('a timeout (AxiosError ECONNABORTED) is retryable', () => {
      const e = toSendGridDeliveryError(axiosNetworkError('ECONNABORTED', 'timeout of 300ms exceeded'));
      expect(e).toMatchObject({ retryable: true, status: undefined, reason: 'SendGrid: timeout of 300ms exceeded' });
    });
  });

  it('leaves out a body that only repeats the status text', () => {
    expect(toSendGridDeliveryError(sendgridResponseError(429, 'Too Many Requests', { errors: [{ message: 'too many requests' }] })).reason).toBe(
      'SendGrid answered 429 Too Many Requests',
    );
  });

  it('an AxiosError that got an answer uses the answer’s status', () => {
    const error = Object.assign(new Error('Request failed with status code 304'), { isAxiosError: true, code: 'ERR_BAD_RESPONSE', response: { status: 304 } });
    expect(toSendGridDeliveryError(error)).toMatchObject({ retryable: false, status: 304 });
  });

  describe('timeouts (the provider may have taken the message)', () => {
    it('a timeout is retryable and marked timed out', () => {
      expect(toSendGridDeliveryError(axiosNetworkError('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443'))).toMatchObject({
        retryable: true,
        status: undefined,
        timedOut: true,
      });
    });
  });
});

describe('classifySendGridError', () => {
  it('declines what has no HTTP status in .code, for the common rules', () => {
    expect(classifySendGridError(axiosNetworkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9303'))).toBeUndefined();
    expect(classifySendGridError(Object.assign(new Error('x'), { status: 401 }))).toBeUndefined();
    expect(classifySendGridError('boom')).toBeUndefined();
  });
});
