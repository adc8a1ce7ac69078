import { DeliveryError } from '../messaging-provider.js';
import { classifyMailgunError, toMailgunDeliveryError } from './mailgun.errors.js';

// Shaped like what mailgun.js really throws (docs/architecture.md, "Provider SDK notes"; the e2e spec drives the real SDK).
function mailgunError(status: number, message: string, details: string): Error {
  return Object.assign(new Error(message), { status, details, type: 'MailgunAPIError' });
}

describe('toMailgunDeliveryError', () => {
  describe('Mailgun (mailgun.js reports transport failures as status 400)', () => {
    it('an HTTP 401 is permanent, with the status text and the body message', () => {
      const e = toMailgunDeliveryError(mailgunError(401, 'Unauthorized', 'Invalid private key'));
      expect(e).toMatchObject({ retryable: false, status: 401, reason: 'Mailgun answered 401 Unauthorized: Invalid private key' });
    });

    it('a real HTTP 400 is permanent', () => {
      const e = toMailgunDeliveryError(mailgunError(400, 'Bad Request', "'to' parameter is not a valid address"));
      expect(e).toMatchObject({ retryable: false, status: 400 });
      expect(e.reason).toBe("Mailgun answered 400 Bad Request: 'to' parameter is not a valid address");
    });

    it.each([429, 500, 503, 408])('an HTTP %i is retryable', (status) => {
      expect(toMailgunDeliveryError(mailgunError(status, 'x', ''))).toMatchObject({ retryable: true, status });
    });

    it.each([
      ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'],
      ['ECONNABORTED', 'timeout of 500ms exceeded'],
      ['ECONNRESET', 'socket hang up'],
      ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN api.mailgun.net'],
      ['ERR_NETWORK', 'Network Error'],
    ])('a "400" whose message is %s is a retryable transport failure without status', (code, details) => {
      const e = toMailgunDeliveryError(mailgunError(400, code, details));
      expect(e).toMatchObject({ retryable: true, status: undefined, reason: `Mailgun: ${details}` });
    });
  });

  it('leaves out a body that only repeats the status text', () => {
    expect(toMailgunDeliveryError(mailgunError(429, 'Too Many Requests', 'Too many requests')).reason).toBe('Mailgun answered 429 Too Many Requests');
  });

  it('replaces an email address whatever its case, and URL-encoded', () => {
    const e = toMailgunDeliveryError(mailgunError(400, 'Bad Request', 'bad to: Alice@Example.org / alice%40example.org'), { recipient: 'alice@example.org' });
    expect(e.reason).toBe('Mailgun answered 400 Bad Request: bad to: [recipient] / [recipient]');
  });

  it('keeps the reason on one short line', () => {
    const e = toMailgunDeliveryError(mailgunError(500, 'Internal Server Error', `line one\n\n  line two ${'x'.repeat(1000)}`));
    expect(e.reason).not.toContain('\n');
    expect(e.reason.length).toBeLessThanOrEqual(300);
    expect(e.reason.startsWith('Mailgun answered 500 Internal Server Error: line one line two x')).toBe(true);
  });

  describe('timeouts (the provider may have taken the message)', () => {
    it('a timeout is retryable and marked timed out', () => {
      expect(toMailgunDeliveryError(mailgunError(400, 'ECONNABORTED', 'timeout of 500ms exceeded'))).toMatchObject({
        retryable: true,
        status: undefined,
        timedOut: true,
      });
    });

    it('a refused connection, or an answer, is not a timeout', () => {
      expect(toMailgunDeliveryError(mailgunError(400, 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9')).timedOut).toBe(false);
      expect(toMailgunDeliveryError(mailgunError(504, 'Gateway Timeout', ''))).toMatchObject({ status: 504, timedOut: false });
    });
  });

  it('passes a DeliveryError through', () => {
    const error = new DeliveryError(false, 401, 'already mapped');
    expect(toMailgunDeliveryError(error)).toBe(error);
  });
});

describe('classifyMailgunError', () => {
  it('declines what is not a MailgunAPIError, for the common rules', () => {
    expect(classifyMailgunError(Object.assign(new Error('x'), { status: 401 }))).toBeUndefined();
    expect(classifyMailgunError(new TypeError('Parameter "key" is required'))).toBeUndefined();
    expect(classifyMailgunError('boom')).toBeUndefined();
  });
});
