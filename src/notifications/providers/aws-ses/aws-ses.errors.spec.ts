import {
  AccountSuspendedException,
  InternalServiceErrorException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SESv2ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { DeliveryError } from '../messaging-provider.js';
import { identityNotVerified, toAwsSesDeliveryError } from './aws-ses.errors.js';

// The SDK's own exception classes, as its deserializer builds them from an answer.
const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const awsError = (name: string, status: number, fault: 'client' | 'server', message: string) =>
  new SESv2ServiceException({ name, $fault: fault, message, ...meta(status) });

describe('toAwsSesDeliveryError', () => {
  it.each([
    ['MessageRejected', new MessageRejected({ message: 'Email address is not verified.', ...meta(400) }), false, 400],
    ['MailFromDomainNotVerified', new MailFromDomainNotVerifiedException({ message: 'not verified', ...meta(400) }), false, 400],
    ['AccountSuspended', new AccountSuspendedException({ message: 'suspended', ...meta(400) }), false, 400],
    ['UnrecognizedClient (bad key id)', awsError('UnrecognizedClientException', 403, 'client', 'The security token is invalid.'), false, 403],
    ['InvalidSignature (bad secret)', awsError('InvalidSignatureException', 403, 'client', 'The request signature we calculated does not match'), false, 403],
    ['TooManyRequests', new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...meta(429) }), true, 429],
    ["STS's Throttling, a 400", awsError('Throttling', 400, 'client', 'Rate exceeded'), true, 400],
    ['InternalServiceError', new InternalServiceErrorException({ message: 'oops', ...meta(500) }), true, 500],
    ['an unknown 503', awsError('ServiceUnavailable', 503, 'server', 'Service Unavailable'), true, 503],
    ['an unknown 4xx', awsError('SomethingNew', 400, 'client', 'new rule'), false, 400],
  ])('%s', (_, error, retryable, status) => {
    const mapped = toAwsSesDeliveryError(error);
    expect(mapped).toBeInstanceOf(DeliveryError);
    expect(mapped).toMatchObject({ retryable, status });
    expect(mapped.reason).toMatch(/^AWS SES answered \d{3} /);
  });

  it('names the error and its message', () => {
    const mapped = toAwsSesDeliveryError(new MessageRejected({ message: 'Email address is not verified.', ...meta(400) }));
    expect(mapped.reason).toBe('AWS SES answered 400 Bad Request: MessageRejected: Email address is not verified.');
  });

  it('redacts the recipient and the secrets', () => {
    const error = new MessageRejected({ message: 'Address blocked: alice@example.org (key AKIASECRETKEY0000001)', ...meta(400) });
    const mapped = toAwsSesDeliveryError(error, { recipient: 'alice@example.org', secrets: ['AKIASECRETKEY0000001'] });
    expect(mapped.reason).toBe('AWS SES answered 400 Bad Request: MessageRejected: Address blocked: [recipient] (key [redacted])');
  });

  it('network errors are retryable, also when the SDK flattened them to text', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', $metadata: { attempts: 1 } });
    expect(toAwsSesDeliveryError(socket)).toMatchObject({ retryable: true, status: undefined, reason: 'AWS SES: connect ECONNREFUSED 127.0.0.1:9' });
    const flattened = new Error('AWS SDK error wrapper for Error: getaddrinfo ENOTFOUND email.eu-west-1.amazonaws.com');
    expect(toAwsSesDeliveryError(flattened)).toMatchObject({ retryable: true, reason: 'AWS SES: getaddrinfo ENOTFOUND email.eu-west-1.amazonaws.com' });
  });

  it("Herald's own timeout is retryable and marked as maybe delivered", () => {
    const aborted = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    expect(toAwsSesDeliveryError(aborted, {}, 1500)).toMatchObject({
      retryable: true,
      timedOut: true,
      reason: 'AWS SES: no answer within 1500 ms (timed out)',
    });
  });

  it('no credentials in the default chain is permanent', () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(toAwsSesDeliveryError(missing)).toMatchObject({
      retryable: false,
      reason: 'AWS SES: no AWS credentials found (Could not load credentials from any providers)',
    });
  });

  it('names STS when the assume-role call failed', () => {
    expect(toAwsSesDeliveryError(awsError('AccessDenied', 403, 'client', 'not authorized'), {}, undefined, 'AWS STS').reason).toBe(
      'AWS STS answered 403 Forbidden: AccessDenied: not authorized',
    );
  });

  it("an unverified identity is Fides' text, permanent", () => {
    expect(identityNotVerified('privacy@example.com')).toMatchObject({
      retryable: false,
      reason: 'AWS SES email failed to send due to: privacy@example.com is not verified in SES.',
    });
  });
});
