import type {
  BasicTemplateBulkResultObject,
  BasicTemplateInput,
  BasicTemplateObject,
  TemplateContentObject,
  TemplateInput,
  TemplateObject,
  TemplatePreviewInput,
} from './dto/messaging-template.graphql.js';
import type { MessagingTemplateEntity, TemplateContent } from './messaging-template.entity.js';
import type { BasicTemplate, BasicUpdateOutcome, TemplateCommand } from './messaging-templates.service.js';
import type { PreviewCommand } from './template-preview.js';

const content = (c: TemplateContent): TemplateContentObject => ({ subject: c.subject, body: c.body, sms: c.sms ?? null });

export const toBasicTemplateObject = (t: BasicTemplate): BasicTemplateObject => ({ type: t.type, label: t.label, content: content(t.content) });

export const toTemplateObject = (t: MessagingTemplateEntity): TemplateObject => ({
  id: t.id,
  type: t.type,
  label: t.label,
  locale: t.locale,
  isEnabled: t.isEnabled,
  content: content(t.content),
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});

export const toBasicBulkResultObject = (o: BasicUpdateOutcome): BasicTemplateBulkResultObject => ({
  succeeded: o.succeeded.map(toBasicTemplateObject),
  failed: o.failed.map((f) => ({ message: f.message, data: { type: typeof f.data.type === 'string' ? f.data.type : null } })),
});

/** GraphQL's input as the service's plain values (class instances → plain objects, as REST bodies are). */
const plainContent = (c: TemplateInput['content']) => (c ? { ...c } : c);

export const templateCommandOfInput = (input: TemplateInput): TemplateCommand => ({
  content: plainContent(input.content),
  isEnabled: input.isEnabled,
  label: input.label,
  locale: input.locale,
});

export const basicItemsOfInputs = (inputs: BasicTemplateInput[]): Record<string, unknown>[] =>
  inputs.map((i) => ({
    type: i.type,
    content: { subject: i.content.subject ?? null, body: i.content.body ?? null, ...(i.content.sms !== undefined ? { sms: i.content.sms } : {}) },
  }));

export const previewCommandOfInput = (input: TemplatePreviewInput): PreviewCommand => ({
  content: plainContent(input.content),
  locale: input.locale,
  variables: input.variables ? Object.fromEntries(input.variables.map((v) => [v.name, v.value])) : null,
});
