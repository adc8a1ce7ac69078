import { convert } from 'html-to-text';
import type { ValidationIssue } from '../../common/errors/herald.error.js';
import { TYPE_INFO, type CustomizableType } from './customizable-types.js';
import { sanitizeBody } from './html-sanitizer.js';
import type { TemplateContent } from './messaging-template.entity.js';
import type { RenderedEmail } from './message-templates.js';

/** Decision D32's limits: a body over 100 KB is refused; a subject is one header line; an SMS at most 10 segments. */
export const MAX_BODY_BYTES = 100 * 1024;
export const MAX_SUBJECT_CHARS = 998;
export const MAX_SMS_CHARS = 1600;

/** `__NAME__`: upper-case letters and digits, single underscores inside. */
const TOKEN = /__([A-Z0-9]+(?:_[A-Z0-9]+)*)__/g;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Each `__NAME__` the type knows replaced by its value; unknown ones stay (they cannot be stored). */
function substitute(text: string, values: Record<string, string>, escape: boolean): string {
  return text.replace(TOKEN, (token, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? (escape ? escapeHtml(values[name]) : values[name]) : token,
  );
}

/** The problems of a template's content: unknown variables, sizes. `loc`s are relative to `content`. */
export function contentIssues(type: CustomizableType, content: Partial<TemplateContent>): ValidationIssue[] {
  const known = new Set(TYPE_INFO[type].variables);
  const issues: ValidationIssue[] = [];
  for (const field of ['subject', 'body', 'sms'] as const) {
    const text = content[field];
    if (typeof text !== 'string') continue;
    if (field === 'body' && Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
      issues.push({ loc: [field], msg: `the body is larger than ${MAX_BODY_BYTES} bytes (100 KB)`, type: 'value_error.any_str.max_length' });
      continue;
    }
    const limit = field === 'subject' ? MAX_SUBJECT_CHARS : field === 'sms' ? MAX_SMS_CHARS : undefined;
    if (limit !== undefined && text.length > limit) {
      issues.push({ loc: [field], msg: `ensure this value has at most ${limit} characters`, type: 'value_error.any_str.max_length' });
      continue;
    }
    const unknown = [...new Set([...text.matchAll(TOKEN)].map((m) => m[1]).filter((name) => !known.has(name)))];
    if (unknown.length > 0) {
      const allowed = TYPE_INFO[type].variables.map((v) => `__${v}__`).join(', ') || 'none';
      issues.push({
        loc: [field],
        msg: `unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((v) => `__${v}__`).join(', ')} (${type} knows: ${allowed})`,
        type: 'value_error.unknown_variable',
      });
    }
  }
  return issues;
}

/** One line: a subject may not start another header. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

function layout(title: string, main: string, locale: string): string {
  return `<!DOCTYPE html>
<html lang="${escapeHtml(locale || 'en')}">
<head>
    <meta charset="UTF-8">
    <title>${escapeHtml(title)}</title>
</head>
<body>
<main>
${main}
</main>
</body>
</html>`;
}

/**
 * A stored template's email: the subject (plain text), the body with every value HTML-escaped, sanitised again (what
 * is sent is never less safe than what was stored), in Herald's HTML document, and the plain-text part derived from it.
 */
export function renderTemplateEmail(content: TemplateContent, values: Record<string, string>, locale: string): RenderedEmail {
  const subject = oneLine(substitute(content.subject, values, false));
  const main = sanitizeBody(substitute(content.body, values, true));
  const text = convert(main, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      // An image says nothing in plain text (its address would only be noise).
      { selector: 'img', format: 'skip' },
    ],
  }).trim();
  return { subject, html: layout(subject, main, locale), text };
}

/** A stored template's SMS text (plain text, values as they are). */
export const renderTemplateSms = (sms: string, values: Record<string, string>): string => substitute(sms, values, false).trim();
