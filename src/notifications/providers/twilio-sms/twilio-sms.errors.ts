import { asRecord, httpStatus, nonEmptyText, toDeliveryError, type ClassifiedError, type Redaction } from '../delivery-error.mapper.js';
import type { DeliveryError } from '../messaging-provider.js';

/** First word of every Twilio SMS reason. */
export const TWILIO = 'Twilio';

/**
 * twilio throws `RestException { status, code: Twilio's own number (e.g. 20003), message }`, or for an RFC 9457 body
 * `TwilioServiceException { status, code, title, detail }`: the HTTP status is `.status`, never `.code` (see
 * docs/architecture.md, "Provider SDK notes"). Its transport failures are raw AxiosErrors, left to the common rules.
 */
export function classifyTwilioError(error: unknown): ClassifiedError | undefined {
  const e = asRecord(error);
  const status = httpStatus(e?.status);
  if (e === undefined || status === undefined) return undefined;
  const text = nonEmptyText(e.detail) ?? nonEmptyText(e.title) ?? nonEmptyText(e.message);
  const twilioCode = typeof e.code === 'number' && e.code > 0 ? ` (code ${e.code})` : '';
  return { status, text: text === undefined ? undefined : text + twilioCode };
}

/** Whatever the Twilio call threw, as a `DeliveryError` whose reason shows neither the recipient nor a secret. */
export function toTwilioDeliveryError(error: unknown, redaction: Redaction = {}): DeliveryError {
  return toDeliveryError(error, { provider: TWILIO, ...redaction }, classifyTwilioError);
}
