import { classifyTwilioError, toTwilioDeliveryError } from './twilio-sms.errors.js';

// Shaped like what twilio really throws (docs/architecture.md, "Provider SDK notes"; the e2e spec drives the real SDK).
function twilioRestException(status: number, code: number | undefined, message: string | undefined): Error {
  return Object.assign(new Error(`[HTTP ${status}] Failed to execute request`), { status, code, message, moreInfo: 'https://www.twilio.com/docs/errors/x' });
}
function axiosNetworkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, isAxiosError: true, name: 'AxiosError' });
}

describe('toTwilioDeliveryError', () => {
  describe('Twilio', () => {
    it('RestException: the HTTP status is .status, .code is Twilio’s own number', () => {
      const e = toTwilioDeliveryError(twilioRestException(401, 20003, 'Authenticate'));
      expect(e).toMatchObject({ retryable: false, status: 401, reason: 'Twilio answered 401 Unauthorized: Authenticate (code 20003)' });
      expect(classifyTwilioError(twilioRestException(429, 20429, 'Too Many Requests'))?.status).toBe(429);
    });

    it('RestException without a body message keeps the status', () => {
      expect(toTwilioDeliveryError(twilioRestException(503, undefined, undefined))).toMatchObject({
        retryable: true,
        status: 503,
        reason: 'Twilio answered 503 Service Unavailable',
      });
    });

    it('TwilioServiceException (RFC 9457 body)', () => {
      const error = Object.assign(new Error('x'), { status: 400, code: 21211, title: 'Invalid To', detail: 'Bad number', type: 'https://x' });
      expect(toTwilioDeliveryError(error)).toMatchObject({ retryable: false, status: 400, reason: 'Twilio answered 400 Bad Request: Bad number (code 21211)' });
    });

    it('an AxiosError with a string code is a retryable transport failure', () => {
      const e = toTwilioDeliveryError(axiosNetworkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9302'));
      expect(e).toMatchObject({ retryable: true, status: undefined, reason: 'Twilio: connect ECONNREFUSED 127.0.0.1:9302' });
    });

    it('an error thrown before any request (the SDK refusing its input) is permanent', () => {
      const e = toTwilioDeliveryError(new Error('accountSid must start with AC'));
      expect(e).toMatchObject({ retryable: false, status: undefined, reason: 'Twilio: accountSid must start with AC' });
      expect(toTwilioDeliveryError(new TypeError('x is not a function')).reason).toBe('Twilio: TypeError: x is not a function');
    });

    it('an invalid URL is not retried', () => {
      const error = Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL' });
      expect(toTwilioDeliveryError(error)).toMatchObject({ retryable: false, status: undefined });
    });
  });

  it('leaves out a body that only repeats the status text', () => {
    expect(toTwilioDeliveryError(twilioRestException(500, 20500, 'Internal Server Error')).reason).toBe(
      'Twilio answered 500 Internal Server Error (code 20500)',
    );
  });

  it('replaces an echoed phone number, with or without +', () => {
    const e = toTwilioDeliveryError(twilioRestException(400, 21211, "The 'To' number +15550001111 is not a valid phone number (15550001111)."), {
      recipient: '+15550001111',
      secrets: ['AC123', 'token-secret-1', null],
    });
    expect(e.reason).toBe("Twilio answered 400 Bad Request: The 'To' number [recipient] is not a valid phone number ([recipient]). (code 21211)");
  });

  describe('timeouts (the provider may have taken the message)', () => {
    it('a timeout is retryable and marked timed out', () => {
      expect(toTwilioDeliveryError(axiosNetworkError('ECONNABORTED', 'timeout of 500ms exceeded'))).toMatchObject({
        retryable: true,
        status: undefined,
        timedOut: true,
      });
    });

    it('a reset connection is not a timeout', () => {
      expect(toTwilioDeliveryError(axiosNetworkError('ECONNRESET', 'socket hang up')).timedOut).toBe(false);
    });
  });
});

describe('classifyTwilioError', () => {
  it('declines what has no HTTP status in .status, for the common rules', () => {
    expect(classifyTwilioError(axiosNetworkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9302'))).toBeUndefined();
    expect(classifyTwilioError(Object.assign(new Error('Unauthorized'), { code: 401 }))).toBeUndefined();
    expect(classifyTwilioError(undefined)).toBeUndefined();
  });
});
