import { Injectable } from '@nestjs/common';
import { KeyRing } from '../../common/crypto/index.js';
import { MessagingServiceType } from '../../common/messaging-service-type.js';
import { MessagingConfigService } from '../../messaging-config/index.js';
import { payloadContext } from '../notifications.service.js';
import { DeliveryError, type OutgoingMessage } from '../providers/messaging-provider.js';
import { MessagingProviderRegistry } from '../providers/messaging-provider.registry.js';
import { observeResponses, type ObservedResponse } from '../providers/provider-responses.js';
import { NotificationSettingsService } from '../settings/notification-settings.service.js';
import { renderEmail, renderSms } from '../templates/message-templates.js';
import type { ClaimedMessage } from './delivery-queue.js';
import type { ServiceTypeRule } from './message.entity.js';
import type { Recipient } from './recipient.js';
import { SendingContextCache, type SendingContext } from './sending-context.cache.js';

const EMAIL_TYPES = new Set([MessagingServiceType.MAILGUN, MessagingServiceType.TWILIO_EMAIL]);

/** Where an attempt goes, known once its provider is. */
export interface Route {
  serviceType: string;
  channel: string;
}

/** The send of one attempt, ready to go: the provider's message id, or a throw the worker classifies. */
export type Send = () => Promise<{ providerMessageId: string | null }>;

/**
 * Gets a claimed message ready to send: opens its payload, resolves its service type (decision D9 for erasure
 * emails), finds the config, secrets and provider, and renders the template for the provider's channel. What makes a
 * message unsendable (no config, no secrets, no identity for the channel, a template that fails) is a permanent
 * DeliveryError.
 */
@Injectable()
export class MessagePreparer {
  constructor(
    private readonly configs: MessagingConfigService,
    private readonly providers: MessagingProviderRegistry,
    private readonly notificationSettings: NotificationSettingsService,
    private readonly contexts: SendingContextCache,
    private readonly keys: KeyRing,
  ) {}

  /** The send, ready to go; `routed` learns where it goes as soon as that is known. Throws a DeliveryError when it cannot be sent. */
  async prepare(message: ClaimedMessage, timeoutMs: number, observed: ObservedResponse, routed: (route: Route) => void): Promise<Send> {
    const { recipient, params } = JSON.parse(this.keys.open(message.payload, payloadContext(message.id))) as {
      recipient: Recipient;
      params: Record<string, unknown>;
    };
    const { serviceType, config, secrets } = await this.sendingContext(message.service_type_rule);
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
    return () => observeResponses(observed, () => provider.send(outgoing, { details: config.details, secrets, timeoutMs }));
  }

  private async sendingContext(rule: ServiceTypeRule): Promise<SendingContext> {
    const cached = this.contexts.get(rule);
    if (cached) return cached;
    const serviceType = await this.serviceTypeFor(rule);
    const config = await this.configs.findByServiceType(serviceType);
    if (!config) throw new DeliveryError(false, undefined, `No messaging config found for service_type ${serviceType}.`);
    const secrets = await this.configs.getSecrets(config);
    if (!secrets) throw new DeliveryError(false, undefined, `Messaging secrets not found for config with key: ${config.key}`);
    const context = { serviceType, config, secrets };
    this.contexts.set(rule, context);
    return context;
  }

  /** Decision D9 for `email`: the notification type when it is an email type, else Twilio email, else Mailgun. */
  private async serviceTypeFor(rule: ServiceTypeRule): Promise<MessagingServiceType> {
    if (rule !== 'notification' && rule !== 'email') return rule as MessagingServiceType;
    const configured = (await this.notificationSettings.current()).notifications.notification_service_type;
    if (rule === 'notification') {
      if (!configured) throw new DeliveryError(false, undefined, 'No notification service type configured.');
      return configured;
    }
    if (configured && EMAIL_TYPES.has(configured)) return configured;
    for (const candidate of [MessagingServiceType.TWILIO_EMAIL, MessagingServiceType.MAILGUN]) {
      if (await this.configs.findByServiceType(candidate)) return candidate;
    }
    throw new DeliveryError(false, undefined, 'No notification service type configured.');
  }
}

function render<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new DeliveryError(false, undefined, error instanceof Error ? error.message : 'The message could not be rendered.');
  }
}
