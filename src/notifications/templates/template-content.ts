import { RequestValidationError, type ValidationIssue } from '../../common/errors/herald.error.js';
import { TYPE_INFO, type CustomizableType } from './customizable-types.js';
import { sanitizeBody } from './html-sanitizer.js';
import type { TemplateContent } from './messaging-template.entity.js';
import { contentIssues } from './template-rendering.js';

const FIELDS = ['subject', 'body', 'sms'] as const;

/**
 * A template's content as given (any JSON) made ready to store or preview: only `subject`, `body` and `sms`, as text;
 * a blank subject or body is the built-in one, a blank SMS text `smsDefault`; no unknown variable, no body over
 * 100 KB (a 422 under `content` naming each problem); the body sanitised.
 */
export function parseContent(type: CustomizableType, raw: unknown, smsDefault: 'built-in' | 'none'): TemplateContent {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new RequestValidationError([{ loc: ['content'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
  const fields = raw as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (!(FIELDS as readonly string[]).includes(key)) issues.push({ loc: ['content', key], msg: 'extra fields not permitted', type: 'value_error.extra' });
    else if (value !== null && value !== undefined && typeof value !== 'string')
      issues.push({ loc: ['content', key], msg: 'str type expected', type: 'type_error.str' });
  }
  if (issues.length > 0) throw new RequestValidationError(issues);
  const text = (key: (typeof FIELDS)[number]) => {
    const value = fields[key];
    return typeof value === 'string' && value.trim() !== '' ? value : null;
  };
  const defaults = TYPE_INFO[type].defaults;
  const content = {
    subject: text('subject') ?? defaults.subject,
    body: text('body') ?? defaults.body,
    sms: text('sms') ?? (smsDefault === 'built-in' ? defaults.sms : null),
  };
  const found = contentIssues(type, content);
  if (found.length > 0) throw new RequestValidationError(found.map((i) => ({ ...i, loc: ['content', ...i.loc] })));
  return { ...content, body: sanitizeBody(content.body) };
}
