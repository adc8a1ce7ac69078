import { asRecord, httpStatus, nonEmptyText, sanitizeReason, toDeliveryError, type ClassifiedError, type Redaction } from '../delivery-error.mapper.js';
import { DeliveryError } from '../messaging-provider.js';

/** First words of every AWS SES reason. */
export const AWS_SES = 'AWS SES';

/** Errors AWS answers when it is asked too often: worth another attempt, whatever their status (STS says 400). */
const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'ThrottledException', 'RequestLimitExceeded']);

/** Errors that asking again cannot change: the message, the sender, the account or the credentials are refused. */
const PERMANENT = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'NotFoundException',
  'BadRequestException',
  'LimitExceededException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'ExpiredTokenException',
  'AccessDenied',
  'AccessDeniedException',
  'CredentialsProviderError',
]);

/**
 * The AWS SDK (v3) throws a `ServiceException` for an answer: `name` is AWS's error code (`MessageRejected`), `$fault`
 * `client` or `server`, `$metadata.httpStatusCode` the status. Transport failures are Node's errors (`ECONNREFUSED`),
 * left to the common rules; a missing credential is a `CredentialsProviderError` without a status.
 */
export function classifyAwsSesError(error: unknown): ClassifiedError | undefined {
  const e = asRecord(error);
  const status = httpStatus(asRecord(e?.$metadata)?.httpStatusCode);
  if (e === undefined || status === undefined || (e.$fault !== 'client' && e.$fault !== 'server')) return undefined;
  const name = nonEmptyText(e.name);
  const message = nonEmptyText(e.message);
  const text = name && message && message !== name && message !== 'UnknownError' ? `${name}: ${message}` : (name ?? message);
  return { status, text };
}

const SDK_WRAPPER = 'AWS SDK error wrapper for ';
const TRANSPORT_CODE_IN_TEXT = /\b(E[A-Z][A-Z0-9_]+|ERR_[A-Z0-9_]+|UND_ERR_[A-Z0-9_]+)\b/;

/**
 * @smithy's retry middleware flattens an error that is not an `Error` of its own realm (a Node socket error seen from
 * jest's VM, for one) into `new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED ...')`: the code survives
 * only in the text, and is read back from it.
 */
function unwrapSdkText(error: unknown): unknown {
  const message = asRecord(error)?.message;
  if (typeof message !== 'string' || !message.startsWith(SDK_WRAPPER)) return error;
  const text = message.slice(SDK_WRAPPER.length).replace(/^Error: /, '');
  const code = TRANSPORT_CODE_IN_TEXT.exec(text)?.[1];
  return code ? { code, message: text } : { message: text };
}

/** Whether a classified AWS error is worth another attempt, by its code first and its status otherwise. */
function retryableAws(name: string | undefined, fault: unknown, status: number): boolean {
  if (name !== undefined && THROTTLED.has(name)) return true;
  if (name !== undefined && PERMANENT.has(name)) return false;
  return fault === 'server' || status === 408 || status === 429 || status >= 500;
}

/**
 * Whatever the SES call (or the STS call before it: `provider` `AWS STS`) threw, as a `DeliveryError` whose reason
 * shows neither the recipient nor a secret.
 */
export function toAwsSesDeliveryError(error: unknown, redaction: Redaction = {}, timeoutMs?: number, provider = AWS_SES): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const e = asRecord(error);
  // Herald's own timeout aborts the call (the SDK's retries are off, so this is the attempt's end).
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
    const within = timeoutMs === undefined ? '' : ` within ${timeoutMs} ms`;
    return new DeliveryError(true, undefined, `${provider}: no answer${within} (timed out)`, true);
  }
  if (e?.name === 'CredentialsProviderError') {
    return new DeliveryError(
      false,
      undefined,
      sanitizeReason(`${provider}: no AWS credentials found (${nonEmptyText(e.message) ?? 'default chain'})`, redaction),
    );
  }
  const mapped = toDeliveryError(unwrapSdkText(error), { provider, ...redaction }, classifyAwsSesError);
  if (mapped.status === undefined) return mapped;
  const retryable = retryableAws(nonEmptyText(e?.name), e?.$fault, mapped.status);
  return retryable === mapped.retryable ? mapped : new DeliveryError(retryable, mapped.status, mapped.reason);
}

/** Fides' refusal of an identity that SES has not verified (`{identity} is not verified in SES.`), permanent. */
export function identityNotVerified(identity: string): DeliveryError {
  return new DeliveryError(false, undefined, `AWS SES email failed to send due to: ${identity} is not verified in SES.`);
}
