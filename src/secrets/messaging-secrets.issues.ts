import { HeraldError, RequestValidationError, type Loc, type ValidationIssue } from '../common/errors/herald.error.js';
import type { MessagingServiceType } from '../common/messaging-service-type.js';
import { validateMessagingSecrets, type MessagingSecrets } from './messaging-secrets.schemas.js';

/** The 2022 line `"<msg> ('<a>', '<b>',)"` (messaging-secrets.schemas.ts) read back into its message and location. */
const LINE = /^(.*) \(((?:'[^']*', )*'[^']*'),\)$/;

const TYPES: Readonly<Record<string, string>> = {
  'field required': 'value_error.missing',
  'extra fields not permitted': 'value_error.extra',
  'value is not a valid dict': 'type_error.dict',
};

function issueOf(line: string): ValidationIssue {
  const match = LINE.exec(line);
  if (!match) return { loc: [], msg: line, type: 'value_error' };
  const loc: Loc = [...match[2].matchAll(/'([^']*)'/g)].map((m) => m[1]).filter((part) => part !== '__root__');
  return { loc, msg: match[1], type: TYPES[match[1]] ?? 'value_error' };
}

/**
 * The same validation as `validateMessagingSecrets`, for the later Fides routes (decision D31): problems are a 422
 * list of `{loc, msg, type}` relative to the secrets object (`[]` for the whole object) instead of 2022's 400 lines.
 */
export function validateMessagingSecretsAsIssues(serviceType: MessagingServiceType, raw: unknown): MessagingSecrets {
  try {
    return validateMessagingSecrets(serviceType, raw);
  } catch (error) {
    if (error instanceof HeraldError && error.kind === 'bad_request' && Array.isArray(error.detail)) {
      throw new RequestValidationError((error.detail as string[]).map(issueOf));
    }
    throw error;
  }
}
