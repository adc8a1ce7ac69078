import { Injectable } from '@nestjs/common';
import { KeyRing } from '../../common/crypto/index.js';
import { payloadContext } from '../notifications.service.js';
import { DeliveryError, type OutgoingMessage } from '../providers/messaging-provider.js';
import { MessagingProviderRegistry } from '../providers/messaging-provider.registry.js';
import { observeResponses, type ObservedResponse } from '../providers/provider-responses.js';
import { SuppressionsService } from '../suppressions/suppressions.service.js';
import { renderEmail, renderSms } from '../templates/message-templates.js';
import type { ClaimedMessage } from './delivery-queue.js';
import { ProviderChoice } from './provider-choice.js';
import type { Recipient } from './recipient.js';

/** Where an attempt goes, known once its provider is. */
export interface Route {
  serviceType: string;
  channel: string;
}

/** The send of one attempt, ready to go: the provider's message id, or a throw the worker classifies. */
export type Send = () => Promise<{ providerMessageId: string | null }>;

/**
 * Gets a claimed message ready to send: opens its payload, resolves its service type (decision D9 for erasure
 * emails, D29 for the attempts after a retryable failure: ProviderChoice), finds the config, secrets and provider, and renders the template for the provider's channel. What makes a
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
  ) {}

  /** The send, ready to go; `routed` learns where it goes as soon as that is known. Throws a DeliveryError when it cannot be sent. */
  async prepare(message: ClaimedMessage, timeoutMs: number, observed: ObservedResponse, routed: (route: Route) => void): Promise<Send> {
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
    if (provider.channel === 'email') {
      if (!recipient.email) throw new DeliveryError(false, undefined, 'No email identity supplied.');
      outgoing = { ...base, channel: 'email', to: recipient.email.trim(), ...render(() => renderEmail(message.action_type, params as never)) };
    } else {
      if (!recipient.phone_number) throw new DeliveryError(false, undefined, 'No phone identity supplied.');
      outgoing = { ...base, channel: 'sms', to: recipient.phone_number.trim(), body: render(() => renderSms(message.action_type, params as never)) };
    }
    // Decision D28: a suppressed recipient fails at once, before any provider call.
    const suppressed = await this.suppressions.check(outgoing.to, outgoing.channel);
    if (suppressed) throw new DeliveryError(false, undefined, `recipient suppressed (${suppressed.cause})`);
    return () => observeResponses(observed, () => provider.send(outgoing, { details: config.details, secrets, timeoutMs }));
  }
}

function render<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new DeliveryError(false, undefined, error instanceof Error ? error.message : 'The message could not be rendered.');
  }
}
