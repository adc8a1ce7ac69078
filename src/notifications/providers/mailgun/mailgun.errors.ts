import { nodeHttp } from '../../../common/http/node-http.js';
import { asRecord, httpStatus, isTransportCode, nonEmptyText, toDeliveryError, type ClassifiedError, type Redaction } from '../delivery-error.mapper.js';
import type { DeliveryError } from '../messaging-provider.js';

/** First word of every Mailgun reason. */
export const MAILGUN = 'Mailgun';

/**
 * mailgun.js throws `{ type: 'MailgunAPIError', status, message: body.error || statusText || error code, details: body
 * message }` for answers and transport failures alike: a transport failure is `status: 400` with the error code
 * (`ECONNREFUSED`, `ECONNABORTED`) as its message (docs/architecture.md, "Provider SDK notes"), which a plain "4xx is permanent" would drop.
 */
export function classifyMailgunError(error: unknown): ClassifiedError | undefined {
  const e = asRecord(error);
  if (e?.type !== 'MailgunAPIError') return undefined;
  const message = nonEmptyText(e.message);
  const details = nonEmptyText(e.details);
  if (e.status === 400 && message !== undefined && isTransportCode(message)) {
    return { transportCode: message, text: details ?? message };
  }
  const status = httpStatus(e.status);
  const statusText = status === undefined ? undefined : nodeHttp.STATUS_CODES[status];
  const extra = [message, details].filter((t): t is string => t !== undefined && t !== statusText);
  return { status, text: [...new Set(extra)].join(': ') || undefined };
}

/** Whatever the Mailgun call threw, as a `DeliveryError` whose reason shows neither the recipient nor a secret. */
export function toMailgunDeliveryError(error: unknown, redaction: Redaction = {}): DeliveryError {
  return toDeliveryError(error, { provider: MAILGUN, ...redaction }, classifyMailgunError);
}
