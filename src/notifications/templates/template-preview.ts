import { Injectable } from '@nestjs/common';
import { RequestValidationError, type ValidationIssue } from '../../common/errors/herald.error.js';
import { SAMPLE_VALUES, TYPE_INFO, type CustomizableType } from './customizable-types.js';
import { localeChain } from './locale-chain.js';
import type { TemplateContent } from './messaging-template.entity.js';
import { MessagingTemplatesService } from './messaging-templates.service.js';
import { parseContent } from './template-content.js';
import { renderTemplateEmail, renderTemplateSms } from './template-rendering.js';

export interface PreviewCommand {
  /** Content to try (missing or blank fields: the built-in's); none: what a message in `locale` would use. */
  content?: unknown;
  locale?: string | null;
  /** Values by variable name (`CODE` or `__CODE__`); the others get sample values. */
  variables?: Record<string, unknown> | null;
}

export interface Preview {
  type: CustomizableType;
  /** The variant shown: the given locale with given content, else the stored variant used ('' for the base). */
  locale: string;
  subject: string;
  html: string;
  text: string;
  sms: string;
}

/** `POST /messaging/templates/{type}/preview` (decision D32): renders, stores nothing and sends nothing. */
@Injectable()
export class TemplatePreview {
  constructor(private readonly templates: MessagingTemplatesService) {}

  async preview(rawType: string, command: PreviewCommand): Promise<Preview> {
    const type = this.templates.customizableType(rawType);
    const locale = this.templates.locale(command.locale);
    const values = { ...SAMPLE_VALUES, ...this.values(type, command.variables) };
    const defaults = TYPE_INFO[type].defaults;
    let content: TemplateContent = { ...defaults };
    let used = '';
    if (command.content !== undefined && command.content !== null) {
      content = parseContent(type, command.content, 'built-in');
      used = locale;
    } else {
      const chain = localeChain(locale);
      const stored = await this.templates.enabledVariants(type, chain);
      const template = chain.map((level) => stored.find((t) => t.locale === level)).find((t) => t !== undefined);
      if (template) [content, used] = [template.content, template.locale];
    }
    const email = renderTemplateEmail(content, values, used);
    return { type, locale: used, ...email, sms: renderTemplateSms(content.sms ?? defaults.sms, values) };
  }

  private values(type: CustomizableType, raw: PreviewCommand['variables']): Record<string, string> {
    if (raw === undefined || raw === null) return {};
    const known = new Set(TYPE_INFO[type].variables);
    const values: Record<string, string> = {};
    const issues: ValidationIssue[] = [];
    for (const [key, value] of Object.entries(raw)) {
      const name = key.replace(/^__|__$/g, '').toUpperCase();
      if (!known.has(name)) issues.push({ loc: ['variables', key], msg: `unknown variable __${name}__ for ${type}`, type: 'value_error.unknown_variable' });
      else if (typeof value !== 'string' && typeof value !== 'number')
        issues.push({ loc: ['variables', key], msg: 'str type expected', type: 'type_error.str' });
      else values[name] = String(value);
    }
    if (issues.length > 0) throw new RequestValidationError(issues);
    return values;
  }
}
