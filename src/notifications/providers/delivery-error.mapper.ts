import { nodeHttp } from '../../common/http/node-http.js';
import { DeliveryError } from './messaging-provider.js';

/**
 * The rules every provider shares to turn what its SDK threw into a `DeliveryError`. It knows no SDK: each provider
 * folder owns a classifier for its SDK's error shapes (`mailgun/mailgun.errors.ts`, ...), and what that classifier
 * declines falls to the common reading below.
 * - the provider answered: 408, 429 and 5xx are retryable, any other status is permanent;
 * - the request never got an answer (connection refused or reset, DNS, timeout): retryable;
 * - anything else thrown before a request went out (the SDK refusing its input): permanent.
 */

/** What the mapper needs to know to write a safe reason. */
export interface DeliveryErrorContext {
  /** Human name of the provider, first word of every reason: `Mailgun`, `Twilio`, `SendGrid`. */
  provider: string;
  /** The recipient's address or number; replaced by `[recipient]` wherever a provider echoes it. */
  recipient?: string;
  /** Every secret value of the config (and anything else not to be shown); replaced by `[redacted]`. */
  secrets?: readonly unknown[];
}

/** What a provider's own mapper is given besides the error: what to keep out of the reason. */
export type Redaction = Omit<DeliveryErrorContext, 'provider'>;

/** An error read in SDK-neutral terms, by a provider's classifier or the common rules. */
export interface ClassifiedError {
  /** The provider's HTTP status, when it answered. */
  status?: number;
  /** Set when no answer came back (or the SDK said so): the transport failed. */
  transportCode?: string;
  /** The most useful text the error carries, unsanitised. A provider's own error number goes last as `(code N)`. */
  text?: string;
}

/** A provider's reading of its SDK's errors; undefined when the error is not one of its SDK's shapes. */
export type SdkErrorClassifier = (error: unknown) => ClassifiedError | undefined;

const MAX_REASON_LENGTH = 300;
/** Shorter values are not redacted: replacing one or two letters everywhere would only garble the reason. */
const MIN_REDACTED_LENGTH = 4;

/** Error codes of Node (`ECONNREFUSED`, `EAI_AGAIN`), axios (`ECONNABORTED`, `ERR_NETWORK`) and undici. */
const TRANSPORT_CODE = /^(E[A-Z0-9_]+|ERR_[A-Z0-9_]+|UND_ERR_[A-Z0-9_]+)$/;
/** Codes that are about the request options, not the network: retrying them cannot help. */
const PERMANENT_CODES = new Set([
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_INVALID_URL',
  'ERR_NOT_SUPPORT',
  'ERR_DEPRECATED',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
]);

/** No answer within the timeout (axios says ECONNABORTED for its own timeout): the request may have got through. */
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** 408, 429 and 5xx are worth another attempt; the other statuses will not change by asking again. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Whether a code names a transport failure (Node, axios or undici), as opposed to an answer. */
export function isTransportCode(code: string): boolean {
  return TRANSPORT_CODE.test(code);
}

type Loose = Record<string, unknown>;

/** Helpers for the classifiers, which read SDK errors as loose objects (the SDKs type them loosely or not at all). */
export function asRecord(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null ? (value as Loose) : undefined;
}

export function nonEmptyText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function httpStatus(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599 ? value : undefined;
}

/** What any HTTP client on Node throws: axios answers and transport failures, or something thrown before calling. */
export function classifyCommonError(error: unknown): ClassifiedError {
  const e = asRecord(error);
  if (!e) return { text: nonEmptyText(error) };

  // An AxiosError that did get an answer (e.g. a status the SDK does not turn into its own error).
  const responseStatus = httpStatus(asRecord(e.response)?.status);
  if (responseStatus !== undefined) return { status: responseStatus, text: nonEmptyText(e.message) };

  // No answer: axios and Node report transport failures with a string code.
  const code = nonEmptyText(e.code);
  const message = nonEmptyText(e.message);
  if (code !== undefined && isTransportCode(code)) return { transportCode: code, text: message ?? code };
  if (e.isAxiosError === true) return { transportCode: code ?? 'ERR_NETWORK', text: message ?? code };
  return { text: message };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Redacts the recipient and the secrets, flattens whitespace, and keeps the reason short. */
export function sanitizeReason(reason: string, context: Redaction = {}): string {
  let text = reason.replace(/\s+/g, ' ').trim();
  const replace = (value: string, by: string): void => {
    if (value.length >= MIN_REDACTED_LENGTH) text = text.replace(new RegExp(escapeRegExp(value), 'gi'), by);
  };
  // Longest first, so a secret that contains another is replaced whole.
  const secrets = (context.secrets ?? [])
    .filter((s): s is string => typeof s === 'string')
    .map((s) => s.trim())
    .sort((a, b) => b.length - a.length);
  for (const secret of secrets) replace(secret, '[redacted]');
  const recipient = context.recipient?.trim();
  if (recipient) {
    replace(recipient, '[recipient]');
    // Providers echo numbers with or without the leading `+`, and addresses URL-encoded.
    if (recipient.startsWith('+')) replace(recipient.slice(1), '[recipient]');
    replace(encodeURIComponent(recipient), '[recipient]');
  }
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}

/**
 * Maps whatever a provider SDK threw to a `DeliveryError` with a short, safe reason, such as
 * `Mailgun answered 401 Unauthorized: Forbidden` or `Twilio: connect ECONNREFUSED 127.0.0.1:9302`.
 * `classifySdk` reads the provider's own error shapes first. A `DeliveryError` passes through unchanged.
 */
export function toDeliveryError(error: unknown, context: DeliveryErrorContext, classifySdk?: SdkErrorClassifier): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const { status, transportCode, text } = classifySdk?.(error) ?? classifyCommonError(error);
  const { provider } = context;
  if (status !== undefined) {
    const statusText = nodeHttp.STATUS_CODES[status];
    const head = `${provider} answered ${status}${statusText ? ` ${statusText}` : ''}`;
    let reason = text ? `${head}: ${text}` : head;
    // A body that only repeats the status text ("too many requests", maybe with the provider's code) adds nothing.
    if (text && statusText && text.toLowerCase().startsWith(statusText.toLowerCase())) {
      const rest = text.slice(statusText.length).trim();
      if (rest === '' || /^\(code \d+\)$/.test(rest)) reason = rest === '' ? head : `${head} ${rest}`;
    }
    return new DeliveryError(isRetryableStatus(status), status, sanitizeReason(reason, context));
  }
  if (transportCode !== undefined) {
    const timedOut = TIMEOUT_CODES.has(transportCode) || /\btime(d)?\s?out\b/i.test(text ?? '');
    return new DeliveryError(!PERMANENT_CODES.has(transportCode), undefined, sanitizeReason(`${provider}: ${text ?? transportCode}`, context), timedOut);
  }
  // Thrown before any request went out (the SDK refused its input): the same input would fail again.
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  return new DeliveryError(false, undefined, sanitizeReason(`${provider}: ${name}${text ?? 'unknown error'}`, context));
}

/** A problem found before calling the provider (missing or invalid detail or secret): permanent, no status. */
export function configurationError(provider: string, problem: string): DeliveryError {
  return new DeliveryError(false, undefined, sanitizeReason(`${provider}: ${problem}`));
}
