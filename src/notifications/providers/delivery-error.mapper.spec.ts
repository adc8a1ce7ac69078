import { configurationError, isRetryableStatus, providerHttpStatus, sanitizeReason, toDeliveryError } from './delivery-error.mapper.js';
import { DeliveryError } from './messaging-provider.js';

// Error objects shaped like the ones each SDK really throws (stack-notes 1a-1c; the e2e spec drives the real SDKs).
function mailgunError(status: number, message: string, details: string): Error {
  return Object.assign(new Error(message), { status, details, type: 'MailgunAPIError' });
}
function twilioRestException(status: number, code: number | undefined, message: string | undefined): Error {
  return Object.assign(new Error(`[HTTP ${status}] Failed to execute request`), { status, code, message, moreInfo: 'https://www.twilio.com/docs/errors/x' });
}
function sendgridResponseError(code: number, message: string, body: unknown): Error {
  return Object.assign(new Error(message), { code, response: { headers: {}, body } });
}
function axiosNetworkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, isAxiosError: true, name: 'AxiosError' });
}

const mailgun = { provider: 'Mailgun' };
const twilio = { provider: 'Twilio' };
const sendgrid = { provider: 'SendGrid' };

describe('isRetryableStatus', () => {
  it.each([408, 429, 500, 502, 503, 504])('%i is retryable', (status) => expect(isRetryableStatus(status)).toBe(true));
  it.each([400, 401, 403, 404, 409, 413, 422])('%i is permanent', (status) => expect(isRetryableStatus(status)).toBe(false));
});

describe('toDeliveryError', () => {
  it('passes a DeliveryError through', () => {
    const error = new DeliveryError(false, 401, 'already mapped');
    expect(toDeliveryError(error, mailgun)).toBe(error);
  });

  describe('Mailgun (mailgun.js reports transport failures as status 400)', () => {
    it('an HTTP 401 is permanent, with the status text and the body message', () => {
      const e = toDeliveryError(mailgunError(401, 'Unauthorized', 'Invalid private key'), mailgun);
      expect(e).toMatchObject({ retryable: false, status: 401, reason: 'Mailgun answered 401 Unauthorized: Invalid private key' });
    });

    it('a real HTTP 400 is permanent', () => {
      const e = toDeliveryError(mailgunError(400, 'Bad Request', "'to' parameter is not a valid address"), mailgun);
      expect(e).toMatchObject({ retryable: false, status: 400 });
      expect(e.reason).toBe("Mailgun answered 400 Bad Request: 'to' parameter is not a valid address");
    });

    it.each([429, 500, 503, 408])('an HTTP %i is retryable', (status) => {
      expect(toDeliveryError(mailgunError(status, 'x', ''), mailgun)).toMatchObject({ retryable: true, status });
    });

    it.each([
      ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'],
      ['ECONNABORTED', 'timeout of 500ms exceeded'],
      ['ECONNRESET', 'socket hang up'],
      ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN api.mailgun.net'],
      ['ERR_NETWORK', 'Network Error'],
    ])('a "400" whose message is %s is a retryable transport failure without status', (code, details) => {
      const e = toDeliveryError(mailgunError(400, code, details), mailgun);
      expect(e).toMatchObject({ retryable: true, status: undefined, reason: `Mailgun: ${details}` });
    });
  });

  describe('Twilio', () => {
    it('RestException: the HTTP status is .status, .code is Twilio’s own number', () => {
      const e = toDeliveryError(twilioRestException(401, 20003, 'Authenticate'), twilio);
      expect(e).toMatchObject({ retryable: false, status: 401, reason: 'Twilio answered 401 Unauthorized: Authenticate (code 20003)' });
      expect(providerHttpStatus(twilioRestException(429, 20429, 'Too Many Requests'))).toBe(429);
    });

    it('RestException without a body message keeps the status', () => {
      expect(toDeliveryError(twilioRestException(503, undefined, undefined), twilio)).toMatchObject({
        retryable: true,
        status: 503,
        reason: 'Twilio answered 503 Service Unavailable',
      });
    });

    it('TwilioServiceException (RFC 9457 body)', () => {
      const error = Object.assign(new Error('x'), { status: 400, code: 21211, title: 'Invalid To', detail: 'Bad number', type: 'https://x' });
      expect(toDeliveryError(error, twilio)).toMatchObject({ retryable: false, status: 400, reason: 'Twilio answered 400 Bad Request: Bad number (code 21211)' });
    });

    it('an AxiosError with a string code is a retryable transport failure', () => {
      const e = toDeliveryError(axiosNetworkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9302'), twilio);
      expect(e).toMatchObject({ retryable: true, status: undefined, reason: 'Twilio: connect ECONNREFUSED 127.0.0.1:9302' });
    });

    it('an error thrown before any request (the SDK refusing its input) is permanent', () => {
      const e = toDeliveryError(new Error('accountSid must start with AC'), twilio);
      expect(e).toMatchObject({ retryable: false, status: undefined, reason: 'Twilio: accountSid must start with AC' });
      expect(toDeliveryError(new TypeError('x is not a function'), twilio).reason).toBe('Twilio: TypeError: x is not a function');
    });

    it('an invalid URL is not retried', () => {
      const error = Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL' });
      expect(toDeliveryError(error, twilio)).toMatchObject({ retryable: false, status: undefined });
    });
  });

  describe('SendGrid (the HTTP status is in .code)', () => {
    it('401 is permanent, with the first error message of the body', () => {
      const body = { errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }] };
      const e = toDeliveryError(sendgridResponseError(401, 'Unauthorized', body), sendgrid);
      expect(e).toMatchObject({
        retryable: false,
        status: 401,
        reason: 'SendGrid answered 401 Unauthorized: The provided authorization grant is invalid, expired, or revoked',
      });
    });

    it.each([408, 429, 500, 502])('%i is retryable', (code) => {
      expect(toDeliveryError(sendgridResponseError(code, 'x', ''), sendgrid)).toMatchObject({ retryable: true, status: code });
    });

    it('a timeout (AxiosError ECONNABORTED) is retryable', () => {
      const e = toDeliveryError(axiosNetworkError('ECONNABORTED', 'timeout of 300ms exceeded'), sendgrid);
      expect(e).toMatchObject({ retryable: true, status: undefined, reason: 'SendGrid: timeout of 300ms exceeded' });
    });
  });

  it('leaves out a body that only repeats the status text', () => {
    expect(toDeliveryError(twilioRestException(500, 20500, 'Internal Server Error'), twilio).reason).toBe('Twilio answered 500 Internal Server Error (code 20500)');
    expect(toDeliveryError(sendgridResponseError(429, 'Too Many Requests', { errors: [{ message: 'too many requests' }] }), sendgrid).reason).toBe(
      'SendGrid answered 429 Too Many Requests',
    );
    expect(toDeliveryError(mailgunError(429, 'Too Many Requests', 'Too many requests'), mailgun).reason).toBe('Mailgun answered 429 Too Many Requests');
  });

  it('an AxiosError that got an answer uses the answer’s status', () => {
    const error = Object.assign(new Error('Request failed with status code 304'), { isAxiosError: true, code: 'ERR_BAD_RESPONSE', response: { status: 304 } });
    expect(toDeliveryError(error, sendgrid)).toMatchObject({ retryable: false, status: 304 });
  });

  it('anything else thrown is permanent and still gives a reason', () => {
    expect(toDeliveryError('boom', mailgun)).toMatchObject({ retryable: false, status: undefined, reason: 'Mailgun: boom' });
    expect(toDeliveryError(undefined, mailgun)).toMatchObject({ retryable: false, reason: 'Mailgun: unknown error' });
  });

  describe('reasons never show a secret or the recipient', () => {
    it('replaces an echoed phone number, with or without +', () => {
      const e = toDeliveryError(twilioRestException(400, 21211, "The 'To' number +15550001111 is not a valid phone number (15550001111)."), {
        provider: 'Twilio',
        recipient: '+15550001111',
        secrets: ['AC123', 'token-secret-1', null],
      });
      expect(e.reason).toBe("Twilio answered 400 Bad Request: The 'To' number [recipient] is not a valid phone number ([recipient]). (code 21211)");
    });

    it('replaces an email address whatever its case, and URL-encoded', () => {
      const e = toDeliveryError(mailgunError(400, 'Bad Request', 'bad to: Alice@Example.org / alice%40example.org'), {
        provider: 'Mailgun',
        recipient: 'alice@example.org',
      });
      expect(e.reason).toBe('Mailgun answered 400 Bad Request: bad to: [recipient] / [recipient]');
    });

    it('replaces every secret value, the longest first', () => {
      const e = toDeliveryError(new Error('key key-abc-123 and key-abc rejected'), { provider: 'Mailgun', secrets: ['key-abc', 'key-abc-123'] });
      expect(e.reason).toBe('Mailgun: key [redacted] and [redacted] rejected');
    });
  });

  it('keeps the reason on one short line', () => {
    const e = toDeliveryError(mailgunError(500, 'Internal Server Error', `line one\n\n  line two ${'x'.repeat(1000)}`), mailgun);
    expect(e.reason).not.toContain('\n');
    expect(e.reason.length).toBeLessThanOrEqual(300);
    expect(e.reason.startsWith('Mailgun answered 500 Internal Server Error: line one line two x')).toBe(true);
  });

  describe('timeouts (the provider may have taken the message)', () => {
    it.each([
      ['Mailgun', mailgunError(400, 'ECONNABORTED', 'timeout of 500ms exceeded'), mailgun],
      ['Twilio', axiosNetworkError('ECONNABORTED', 'timeout of 500ms exceeded'), twilio],
      ['SendGrid', axiosNetworkError('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443'), sendgrid],
    ])('%s: a timeout is retryable and marked timed out', (_provider, error, context) => {
      expect(toDeliveryError(error, context)).toMatchObject({ retryable: true, status: undefined, timedOut: true });
    });

    it('a refused or reset connection, or an answer, is not a timeout', () => {
      expect(toDeliveryError(mailgunError(400, 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'), mailgun).timedOut).toBe(false);
      expect(toDeliveryError(axiosNetworkError('ECONNRESET', 'socket hang up'), twilio).timedOut).toBe(false);
      expect(toDeliveryError(mailgunError(504, 'Gateway Timeout', ''), mailgun)).toMatchObject({ status: 504, timedOut: false });
    });
  });
});

describe('configurationError and sanitizeReason', () => {
  it('a problem found before calling is permanent and has no status', () => {
    expect(configurationError('SendGrid', 'the config has no twilio_api_key secret')).toMatchObject({
      retryable: false,
      status: undefined,
      reason: 'SendGrid: the config has no twilio_api_key secret',
    });
  });

  it('leaves values shorter than 4 characters alone (they would garble the text)', () => {
    expect(sanitizeReason('a bad thing', { secrets: ['a'], recipient: 'bad' })).toBe('a bad thing');
  });
});
