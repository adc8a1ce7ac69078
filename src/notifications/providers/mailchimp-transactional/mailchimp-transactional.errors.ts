import { asRecord, classifyCommonError, httpStatus, nonEmptyText, toDeliveryError, type ClassifiedError, type Redaction } from '../delivery-error.mapper.js';
import { DeliveryError } from '../messaging-provider.js';

/** First word of every Mailchimp Transactional reason. */
export const MAILCHIMP_TRANSACTIONAL = 'Mailchimp Transactional';

/**
 * Mandrill's error names that asking again cannot fix. Mandrill answers every error with HTTP 500 and a body
 * `{ status: "error", code, name, message }`, so the name, not the status, says whether to retry.
 */
const PERMANENT_NAMES = new Set(['Invalid_Key', 'PaymentRequired', 'Unknown_Subaccount', 'ValidationError', 'Unknown_Template', 'Unknown_Sender']);

/** Mandrill's error body, when the answer carries one. */
function mandrillError(error: unknown): { status: number; name?: string; message?: string } | undefined {
  const response = asRecord(asRecord(error)?.response);
  const status = httpStatus(response?.status);
  if (status === undefined) return undefined;
  const data = asRecord(response?.data);
  return { status, name: nonEmptyText(data?.name), message: nonEmptyText(data?.message) };
}

/**
 * @mailchimp/mailchimp_transactional never throws: it *returns* the AxiosError of a failed call (answer or transport
 * failure) instead of the recipients' list. An answer is read from Mandrill's error body; the rest is axios'.
 */
export function classifyMailchimpTransactionalError(error: unknown): ClassifiedError | undefined {
  const answer = mandrillError(error);
  if (!answer) return classifyCommonError(error);
  const text = [answer.name, answer.message].filter((t): t is string => t !== undefined).join(': ');
  return { status: answer.status, text: text || undefined };
}

/** Whatever the call gave back or threw, as a `DeliveryError` whose reason shows neither the recipient nor a secret. */
export function toMailchimpTransactionalDeliveryError(error: unknown, redaction: Redaction = {}): DeliveryError {
  const mapped = toDeliveryError(error, { provider: MAILCHIMP_TRANSACTIONAL, ...redaction }, classifyMailchimpTransactionalError);
  const name = mandrillError(error)?.name;
  if (mapped.retryable && name !== undefined && PERMANENT_NAMES.has(name)) {
    return new DeliveryError(false, mapped.status, mapped.reason, mapped.timedOut);
  }
  return mapped;
}

/** Fides' explanations of a rejection (`DISPATCH._mailchimp_transactional_dispatcher`), word for word. */
function explanation(reason: string, from: string): string {
  switch (reason) {
    case 'soft-bounce':
      return 'A temporary error occured with the target inbox. For example, this inbox could be full. See https://mailchimp.com/developer/transactional/docs/reputation-rejections/#bounces for more info.';
    case 'hard-bounce':
      return 'A permanent error occured with the target inbox. See https://mailchimp.com/developer/transactional/docs/reputation-rejections/#bounces for more info.';
    case 'recipient-domain-mismatch':
      return `You are not authorised to send email to this domain from ${from}.`;
    case 'unsigned':
      return `The sending domain for ${from} has not been fully configured for Mailchimp Transactional. See https://mailchimp.com/developer/transactional/docs/authentication-delivery/#authentication/ for more info.`;
    default:
      return '';
  }
}

/**
 * A recipient Mandrill rejected (or one without a status), with Fides' text: permanent, as in Fides (a soft bounce
 * too: Mandrill has already given up on it). The reason keeps Fides' words but not the 300-character cap, so the
 * explanation is never cut.
 */
export function rejectionError(rejectReason: unknown, from: string): DeliveryError {
  const reason = nonEmptyText(rejectReason) ?? 'Fides Error';
  const text = `Verification email unable to send due to reason: ${reason}. ${explanation(reason, from)}`;
  return new DeliveryError(false, undefined, text.trim());
}
