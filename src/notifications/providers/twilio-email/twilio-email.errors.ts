import { asRecord, httpStatus, nonEmptyText, toDeliveryError, type ClassifiedError, type Redaction } from '../delivery-error.mapper.js';
import type { DeliveryError } from '../messaging-provider.js';

/** First word of every Twilio email reason: the API is SendGrid's, and so are its messages. */
export const SENDGRID = 'SendGrid';

/**
 * @sendgrid/client throws `ResponseError { code: HTTP status, message: statusText, response: { body: { errors: [{
 * message }] } } }` for an answer of 400 or more: the status is in `.code` (a number), `.status` is unset (see
 * docs/architecture.md, "Provider SDK notes"). Other answers and transport failures are raw AxiosErrors, left to the common rules.
 */
export function classifySendGridError(error: unknown): ClassifiedError | undefined {
  const e = asRecord(error);
  const status = httpStatus(e?.code);
  if (e === undefined || status === undefined) return undefined;
  const body = asRecord(asRecord(e.response)?.body);
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  const messages = errors.map((x) => nonEmptyText(asRecord(x)?.message)).filter((m): m is string => m !== undefined);
  return { status, text: messages.join('; ') || undefined };
}

/** Whatever the SendGrid call threw, as a `DeliveryError` whose reason shows neither the recipient nor a secret. */
export function toSendGridDeliveryError(error: unknown, redaction: Redaction = {}): DeliveryError {
  return toDeliveryError(error, { provider: SENDGRID, ...redaction }, classifySendGridError);
}
