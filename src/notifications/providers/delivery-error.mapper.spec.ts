import { classifyCommonError, configurationError, isRetryableStatus, sanitizeReason, toDeliveryError } from './delivery-error.mapper.js';
import { DeliveryError } from './messaging-provider.js';

// Each SDK's own shapes are specified beside its classifier (`<provider>/<provider>.errors.spec.ts`); these are the shared rules.
const mailgun = { provider: 'Mailgun' };

describe('isRetryableStatus', () => {
  it.each([408, 429, 500, 502, 503, 504])('%i is retryable', (status) => expect(isRetryableStatus(status)).toBe(true));
  it.each([400, 401, 403, 404, 409, 413, 422])('%i is permanent', (status) => expect(isRetryableStatus(status)).toBe(false));
});

describe('toDeliveryError', () => {
  it('passes a DeliveryError through', () => {
    const error = new DeliveryError(false, 401, 'already mapped');
    expect(toDeliveryError(error, mailgun)).toBe(error);
  });

  it('anything else thrown is permanent and still gives a reason', () => {
    expect(toDeliveryError('boom', mailgun)).toMatchObject({ retryable: false, status: undefined, reason: 'Mailgun: boom' });
    expect(toDeliveryError(undefined, mailgun)).toMatchObject({ retryable: false, reason: 'Mailgun: unknown error' });
  });

  it('replaces every secret value, the longest first', () => {
    const e = toDeliveryError(new Error('key key-abc-123 and key-abc rejected'), { provider: 'Mailgun', secrets: ['key-abc', 'key-abc-123'] });
    expect(e.reason).toBe('Mailgun: key [redacted] and [redacted] rejected');
  });

  describe('with a provider’s classifier', () => {
    const answer = Object.assign(new Error('nope'), { httpCode: 503 });
    const classify = (error: unknown) => (error === answer ? { status: 503, text: 'busy' } : undefined);

    it('uses what the classifier reads from its SDK’s shapes', () => {
      expect(toDeliveryError(answer, { provider: 'Acme' }, classify)).toMatchObject({
        retryable: true,
        status: 503,
        reason: 'Acme answered 503 Service Unavailable: busy',
      });
    });

    it('falls to the common rules for what the classifier declines', () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
      expect(toDeliveryError(refused, { provider: 'Acme' }, classify)).toMatchObject({
        retryable: true,
        status: undefined,
        reason: 'Acme: connect ECONNREFUSED 127.0.0.1:9',
      });
    });
  });
});

describe('classifyCommonError', () => {
  it('reads an answer, a transport failure, or neither', () => {
    expect(classifyCommonError(Object.assign(new Error('Request failed'), { response: { status: 502 } }))).toEqual({ status: 502, text: 'Request failed' });
    expect(classifyCommonError(Object.assign(new Error('getaddrinfo EAI_AGAIN x'), { code: 'EAI_AGAIN' }))).toEqual({
      transportCode: 'EAI_AGAIN',
      text: 'getaddrinfo EAI_AGAIN x',
    });
    expect(classifyCommonError(Object.assign(new Error(''), { isAxiosError: true }))).toEqual({ transportCode: 'ERR_NETWORK', text: undefined });
    expect(classifyCommonError(new Error('bad input'))).toEqual({ text: 'bad input' });
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
