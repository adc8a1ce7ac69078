import { Type } from '@sinclair/typebox';
import { anyObject, arrayOf, boolean, dateTime, model, nullable, object, string } from '../../common/openapi.js';

/** Decision D32: what a template says; `__VARIABLE__`s in all three; `sms` null keeps the built-in SMS text. */
export const TEMPLATE_CONTENT = model(
  'MessagingTemplateContent',
  object({
    subject: string,
    body: { ...string, description: 'Sanitised HTML (an allow-list: no scripts, no event handlers, no style attributes)' },
    sms: nullable({ ...string, description: 'The SMS text; null: the built-in one' }),
  }),
);

/** Fides' property reference; always an empty list in Herald (multi-property messaging is out of scope). */
const PROPERTIES = Type.Array(object({ id: string, name: string }), { maxItems: 0, description: 'Always empty in Herald' });

const LOCALE = { ...string, description: "A canonical BCP 47 tag, or '' for the base variant" };

export const BASIC_TEMPLATE = model('MessagingTemplateBasic', object({ type: string, content: TEMPLATE_CONTENT, label: string }));

export const TEMPLATE_DEFAULT = model(
  'MessagingTemplateDefault',
  object({ type: string, label: string, is_enabled: { ...boolean, description: 'Always false' }, content: TEMPLATE_CONTENT }),
);

export const TEMPLATE_DETAIL = model(
  'MessagingTemplate',
  object({
    id: string,
    type: string,
    label: string,
    locale: LOCALE,
    is_enabled: { ...boolean, description: 'The enabled template of a type and locale is the one messages use' },
    properties: PROPERTIES,
    content: TEMPLATE_CONTENT,
    created_at: dateTime,
    updated_at: dateTime,
  }),
);

export const TEMPLATE_SUMMARY = model(
  'MessagingTemplateSummary',
  object({ id: string, type: string, label: string, locale: LOCALE, is_enabled: boolean, properties: PROPERTIES }),
);

export const BASIC_UPDATE_RESULT = model(
  'MessagingTemplateBulkResult',
  object({ succeeded: arrayOf(BASIC_TEMPLATE), failed: arrayOf(object({ message: string, data: anyObject })) }),
);

export const TEMPLATE_PREVIEW = model(
  'MessagingTemplatePreview',
  object({
    type: string,
    locale: { ...LOCALE, description: "The variant shown: the given locale with given content, else the stored variant used ('' for the base)" },
    subject: string,
    html: { ...string, description: 'The whole HTML document, values HTML-escaped' },
    text: { ...string, description: 'The plain-text part, derived from the HTML' },
    sms: string,
  }),
);
