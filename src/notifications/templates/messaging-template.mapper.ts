import type { Static } from '../../common/openapi.js';
import type { TemplateCommand, BasicTemplate, BasicUpdateOutcome } from './messaging-templates.service.js';
import type { MessagingTemplateEntity, TemplateContent } from './messaging-template.entity.js';
import type { BASIC_TEMPLATE, BASIC_UPDATE_RESULT, TEMPLATE_DEFAULT, TEMPLATE_DETAIL, TEMPLATE_SUMMARY } from './messaging-templates.openapi.js';
import type { TemplateRequestDto } from './dto/messaging-template.request.dto.js';

// Templates over REST, in Fides' names.

export type BasicTemplateResponse = Static<typeof BASIC_TEMPLATE>;
export type TemplateDefaultResponse = Static<typeof TEMPLATE_DEFAULT>;
export type TemplateResponse = Static<typeof TEMPLATE_DETAIL>;
export type TemplateSummaryResponse = Static<typeof TEMPLATE_SUMMARY>;
export type BasicUpdateResponse = Static<typeof BASIC_UPDATE_RESULT>;

const content = (c: TemplateContent) => ({ subject: c.subject, body: c.body, sms: c.sms ?? null });

export const toBasicTemplateResponse = (t: BasicTemplate): BasicTemplateResponse => ({ type: t.type, content: content(t.content), label: t.label });

export const toTemplateDefaultResponse = (t: BasicTemplate): TemplateDefaultResponse => ({
  type: t.type,
  label: t.label,
  is_enabled: false,
  content: content(t.content),
});

export const toTemplateResponse = (t: MessagingTemplateEntity): TemplateResponse => ({
  id: t.id,
  type: t.type,
  label: t.label,
  locale: t.locale,
  is_enabled: t.isEnabled,
  properties: [],
  content: content(t.content),
  created_at: t.createdAt.toISOString(),
  updated_at: t.updatedAt.toISOString(),
});

export const toTemplateSummaryResponse = (t: MessagingTemplateEntity): TemplateSummaryResponse => ({
  id: t.id,
  type: t.type,
  label: t.label,
  locale: t.locale,
  is_enabled: t.isEnabled,
  properties: [],
});

export const toBasicUpdateResponse = (o: BasicUpdateOutcome): BasicUpdateResponse => ({
  succeeded: o.succeeded.map(toBasicTemplateResponse),
  failed: o.failed,
});

export const templateCommandOf = (body: TemplateRequestDto): TemplateCommand => ({
  content: body.content,
  isEnabled: body.is_enabled,
  label: body.label,
  locale: body.locale,
  properties: body.properties,
});
