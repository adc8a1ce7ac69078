import type { CustomizableType } from './customizable-types.js';
import { humanizeDuration } from './humanize-duration.js';
import { MessageTemplateError, verificationCodeTtlMinutes } from './message-templates.js';
import { MessagingActionType } from './messaging-action-type.js';

/** A message's stored parameters as the `__VARIABLE__` values of its type (decision D32), as plain text. */
export function variablesFor(type: CustomizableType, raw: unknown): Record<string, string> {
  const params = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const fail = (problem: string): never => {
    throw new MessageTemplateError(`Invalid parameters for ${type}: ${problem}`);
  };
  const seconds = (key: string): number => {
    const value = params[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fail(`${key} must be a number of seconds >= 0`);
  };
  const strings = (key: string): string[] => {
    const value = params[key];
    return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string') ? value : fail(`${key} must be a non-empty list of strings`);
  };
  switch (type) {
    case MessagingActionType.SUBJECT_IDENTITY_VERIFICATION: {
      const code = params.verification_code;
      if (typeof code !== 'string' || code === '') fail('verification_code must be a non-empty string');
      return { CODE: code as string, MINUTES: String(verificationCodeTtlMinutes(seconds('verification_code_ttl_seconds'))) };
    }
    case MessagingActionType.PRIVACY_REQUEST_RECEIPT:
      // Herald joins the types in words where Fides shows a Python list repr (`['access']`).
      return { REQUEST_TYPES: strings('request_types').join(', ') };
    case MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY: {
      const reason = params.rejection_reason;
      if (reason !== null && reason !== undefined && typeof reason !== 'string') fail('rejection_reason must be a string or null');
      // No reason is empty, where Fides writes `None`.
      return { DENIAL_REASON: typeof reason === 'string' ? reason : '' };
    }
    case MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS: {
      const ttl = seconds('download_link_ttl_seconds');
      // The first link, as in Fides.
      return { DOWNLOAD_LINK: strings('download_links')[0], DAYS: String(Math.floor(ttl / 86400)), LIFETIME: humanizeDuration(ttl) };
    }
    case MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE:
    case MessagingActionType.PRIVACY_REQUEST_COMPLETE_DELETION:
      return {};
  }
}
