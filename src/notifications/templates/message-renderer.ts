import { Injectable } from '@nestjs/common';
import { isCustomizable } from './customizable-types.js';
import { localeChain } from './locale-chain.js';
import { hasBuiltIn, MessageTemplateError, renderEmail, renderSms, templateVariables, type RenderedEmail } from './message-templates.js';
import type { MessagingActionType } from './messaging-action-type.js';
import type { TemplateContent } from './messaging-template.entity.js';
import { MessagingTemplatesService } from './messaging-templates.service.js';
import { renderTemplateEmail, renderTemplateSms } from './template-rendering.js';
import { variablesFor } from './template-variables.js';

export interface RenderedMessage {
  email?: RenderedEmail;
  sms?: string;
  /** The variant used: a BCP 47 tag, or '' for the base. */
  locale: string;
}

type StoredVariant = { locale: string; content: TemplateContent };

/**
 * The enabled stored templates of a batch of messages' action types, read once for the batch (one indexed query, on
 * the first message that needs them) instead of once per message. A failed read fails each message that needed it.
 */
export class BatchTemplates {
  private read: Promise<Map<string, StoredVariant[]>> | undefined;

  constructor(
    private readonly templates: MessagingTemplatesService,
    private readonly types: readonly MessagingActionType[],
  ) {}

  async of(actionType: MessagingActionType): Promise<StoredVariant[]> {
    if (!isCustomizable(actionType)) return [];
    this.read ??= this.readAll();
    return (await this.read).get(actionType) ?? [];
  }

  private async readAll(): Promise<Map<string, StoredVariant[]>> {
    const types = [...new Set(this.types.filter((type) => isCustomizable(type)))];
    const byType = new Map<string, StoredVariant[]>();
    for (const { type, locale, content } of await this.templates.enabledVariantsOf(types)) {
      byType.set(type, [...(byType.get(type) ?? []), { locale, content }]);
    }
    return byType;
  }
}

/**
 * What a message says (decision D32). Walks the request's locale chain (exact → language → base); at each level an
 * enabled stored template of the type (for SMS, one with its own SMS text) wins over the built-in wording, and a
 * level with neither passes to the next. The stored templates are read per batch of claimed messages (BatchTemplates),
 * so a change is used by the next batch on every instance, without a cache to invalidate.
 */
@Injectable()
export class MessageRenderer {
  constructor(private readonly templates: MessagingTemplatesService) {}

  /** The stored templates of a batch of messages of these action types, read when the first of them is rendered. */
  forBatch(actionTypes: readonly MessagingActionType[]): BatchTemplates {
    return new BatchTemplates(this.templates, actionTypes);
  }

  async render(
    actionType: MessagingActionType,
    params: unknown,
    requestedLocale: string | null,
    channel: 'email' | 'sms',
    batch: BatchTemplates = this.forBatch([actionType]),
  ): Promise<RenderedMessage> {
    const chain = localeChain(requestedLocale);
    const stored = await batch.of(actionType);
    for (const level of chain) {
      const template = stored.find((t) => t.locale === level && (channel === 'email' || t.content.sms));
      if (template && isCustomizable(actionType)) {
        return rendering(() => {
          const values = variablesFor(actionType, params);
          return channel === 'email'
            ? { email: { ...renderTemplateEmail(template.content, values, level), variables: templateVariables(actionType, params) }, locale: level }
            : { sms: renderTemplateSms(template.content.sms!, values), locale: level };
        });
      }
      if (hasBuiltIn(actionType, level)) {
        return rendering(() =>
          channel === 'email'
            ? { email: renderEmail(actionType, params as never, level), locale: level }
            : { sms: renderSms(actionType, params as never, level), locale: level },
        );
      }
    }
    // The chain always ends with the base, which has a built-in.
    throw new MessageTemplateError(`No template for ${actionType}`);
  }
}

/** Whatever rendering throws is the message's own problem (permanent), unlike a failed read of the templates. */
function rendering<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof MessageTemplateError) throw error;
    throw new MessageTemplateError(error instanceof Error ? error.message : 'The message could not be rendered.');
  }
}
