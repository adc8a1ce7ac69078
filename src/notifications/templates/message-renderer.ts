import { Injectable } from '@nestjs/common';
import { isCustomizable } from './customizable-types.js';
import { localeChain } from './locale-chain.js';
import { hasBuiltIn, MessageTemplateError, renderEmail, renderSms, templateVariables, type RenderedEmail } from './message-templates.js';
import type { MessagingActionType } from './messaging-action-type.js';
import { MessagingTemplatesService } from './messaging-templates.service.js';
import { renderTemplateEmail, renderTemplateSms } from './template-rendering.js';
import { variablesFor } from './template-variables.js';

export interface RenderedMessage {
  email?: RenderedEmail;
  sms?: string;
  /** The variant used: a BCP 47 tag, or '' for the base. */
  locale: string;
}

/**
 * What a message says (decision D32). Walks the request's locale chain (exact → language → base); at each level an
 * enabled stored template of the type (for SMS, one with its own SMS text) wins over the built-in wording, and a
 * level with neither passes to the next. The stored templates are read per message (one indexed query), so a change
 * is used by the next message on every instance, without a cache to invalidate.
 */
@Injectable()
export class MessageRenderer {
  constructor(private readonly templates: MessagingTemplatesService) {}

  async render(actionType: MessagingActionType, params: unknown, requestedLocale: string | null, channel: 'email' | 'sms'): Promise<RenderedMessage> {
    const chain = localeChain(requestedLocale);
    const stored = isCustomizable(actionType) ? await this.templates.enabledVariants(actionType, chain) : [];
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
