import { Injectable } from '@nestjs/common';
import { KeyRing } from '../../common/crypto/index.js';
import { payloadContext } from '../notifications.service.js';
import { DeliveryError, type OutgoingMessage } from '../providers/messaging-provider.js';
import { MessagingProviderRegistry } from '../providers/messaging-provider.registry.js';
import { observeResponses, type ObservedResponse } from '../providers/provider-responses.js';
import { SuppressionsService } from '../suppressions/suppressions.service.js';
import { MessageRenderer, type BatchTemplates, type RenderedMessage } from '../templates/message-renderer.js';
import { MessageTemplateError } from '../templates/message-templates.js';
import type { ClaimedMessage } from './delivery-queue.js';
import { ProviderChoice } from './provider-choice.js';
import type { Recipient } from './recipient.js';

/** Where an attempt goes, known once its provider is. */
export interface Route {
  serviceType: string;
  channel: string;
}

/**
 * The send of one attempt, ready to go: the provider's message id, or a throw the worker classifies. `locale` is the
 * template variant the message was rendered in (decision D32; '' for the base), for whoever records the attempt.
 */
export type Send = (() => Promise<{ providerMessageId: string | null }>) & { locale: string };

/**
 * Gets a claimed message ready to send: opens its payload, resolves its service type (decision D9 for erasure
 * emails, D29 for the attempts after a retryable failure: ProviderChoice), finds the config, secrets and provider, and renders the message for the provider's channel (MessageRenderer: a stored template or the built-in wording). What makes a
 * message unsendable (no config, no secrets, no identity for the channel, a template that fails) is a permanent
 * DeliveryError.
 */
@Injectable()
export class MessagePreparer {
  constructor(
    private readonly choice: ProviderChoice,
    private readonly providers: MessagingProviderRegistry,
    private readonly keys: KeyRing,
    private readonly suppressions: SuppressionsService,
    private readonly renderer: MessageRenderer,
  ) {}

  /** The stored templates of a batch of claimed messages, read once when the first of them is prepared. */
  templatesFor(messages: Iterable<ClaimedMessage>): BatchTemplates {
    return this.renderer.forBatch([...messages].map((message) => message.action_type));
  }

  /**
   * The send, ready to go; `routed` learns where it goes as soon as that is known. Throws a DeliveryError when it
   * cannot be sent. `templates`: those of the message's batch (templatesFor).
   */
  async prepare(
    message: ClaimedMessage,
    timeoutMs: number,
    observed: ObservedResponse,
    routed: (route: Route) => void,
    templates: BatchTemplates = this.templatesFor([message]),
  ): Promise<Send> {
    const { recipient, params } = JSON.parse(this.keys.open(message.payload, payloadContext(message.id))) as {
      recipient: Recipient;
      params: Record<string, unknown>;
    };
    // Decisions D9 and D29: the provider of this attempt, after a retryable failure the next one of its chain.
    const { serviceType, config, secrets } = await this.choice.contextFor(message);
    const provider = this.providers.get(serviceType);
    routed({ serviceType, channel: provider.channel });

    const base = { messageId: message.id, idempotencyKey: message.idempotency_key };
    let outgoing: OutgoingMessage;
    let rendered: RenderedMessage;
    // Decision D32: the request's locale picks the variant (exact → language → base); the worker records the one used.
    const requestedLocale = message.locale;
    if (provider.channel === 'email') {
      if (!recipient.email) throw new DeliveryError(false, undefined, 'No email identity supplied.');
      rendered = await render(() => this.renderer.render(message.action_type, params, requestedLocale, 'email', templates));
      outgoing = { ...base, channel: 'email', to: recipient.email.trim(), ...rendered.email! };
    } else {
      if (!recipient.phone_number) throw new DeliveryError(false, undefined, 'No phone identity supplied.');
      rendered = await render(() => this.renderer.render(message.action_type, params, requestedLocale, 'sms', templates));
      outgoing = { ...base, channel: 'sms', to: recipient.phone_number.trim(), body: rendered.sms! };
    }
    // Decision D28: a suppressed recipient fails at once, before any provider call.
    const suppressed = await this.suppressions.check(outgoing.to, outgoing.channel);
    if (suppressed) throw new DeliveryError(false, undefined, `recipient suppressed (${suppressed.cause})`);
    const send = () => observeResponses(observed, () => provider.send(outgoing, { details: config.details, secrets, timeoutMs }));
    return Object.assign(send, { locale: rendered.locale });
  }
}

async function render<T>(make: () => Promise<T>): Promise<T> {
  try {
    return await make();
  } catch (error) {
    // A database error reading the templates is transient: the worker retries it like any other.
    if (!(error instanceof MessageTemplateError)) throw error;
    throw new DeliveryError(false, undefined, error.message);
  }
}
