import { Injectable } from '@nestjs/common';
import { MESSAGING_CHANNEL, MessagingServiceType, serviceTypesOf } from '../../common/messaging-service-type.js';
import { MessagingConfigService } from '../../messaging-config/index.js';
import { DeliveryError } from '../providers/messaging-provider.js';
import { NotificationSettingsService } from '../settings/notification-settings.service.js';
import type { ClaimedMessage } from './delivery-queue.js';
import type { ServiceTypeRule } from './message.entity.js';
import { ProviderCircuits } from './provider-circuits.js';
import { SendingContextCache, type ProviderChain, type SendingContext } from './sending-context.cache.js';

const EMAIL_TYPES = new Set(serviceTypesOf('email'));

/**
 * Decision D9's order when the notification type is not an email type: the types added by D33 (each taken only when
 * configured; Fides never picks them here, `fides-later.md` §8 quirk 9), then Fides' own choice, Twilio email, then Mailgun.
 */
export const D9_EMAIL_ORDER: readonly MessagingServiceType[] = [
  MessagingServiceType.MAILCHIMP_TRANSACTIONAL,
  MessagingServiceType.SMTP,
  MessagingServiceType.AWS_SES,
  MessagingServiceType.TWILIO_EMAIL,
  MessagingServiceType.MAILGUN,
];

/**
 * Decision D29's rotation. The order is the chain turned to start after the provider of the last attempt (at its
 * head for a first attempt, or when that provider left the chain); of the providers that can send in that order, the
 * first whose circuit is closed, else (all open) the first: the breaker moves traffic to another provider, it never
 * holds a message back on its own (its retries are spaced by the backoff already).
 */
export function pickProvider<T extends string>(
  chain: readonly T[],
  last: string | null,
  canSend: (type: T) => boolean,
  open: ReadonlySet<string>,
): T | undefined {
  const start = last === null ? 0 : chain.indexOf(last as T) + 1;
  const order = [...chain.slice(start), ...chain.slice(0, start)].filter(canSend);
  return order.find((type) => !open.has(type)) ?? order[0];
}

/**
 * Where each attempt of a message goes. The rule gives the chosen provider (a given type; the notification setting;
 * decision D9 for `email`); for the `notification` and `email` rules the chosen one's channel adds its fallbacks
 * (D29). A given type (test messages, D15) is tested as given, without fallback. A provider without a config or
 * secrets is passed over; when none of the chain can send, the chosen one's reason is the permanent failure.
 */
@Injectable()
export class ProviderChoice {
  constructor(
    private readonly configs: MessagingConfigService,
    private readonly notificationSettings: NotificationSettingsService,
    private readonly contexts: SendingContextCache,
    private readonly circuits: ProviderCircuits,
  ) {}

  /** The provider, config and secrets of this attempt. Throws a permanent DeliveryError when nothing can send it. */
  async contextFor(message: Pick<ClaimedMessage, 'service_type_rule' | 'attempts' | 'service_type'>): Promise<SendingContext> {
    const chain = await this.chainOf(message.service_type_rule);
    const contexts = new Map<MessagingServiceType, SendingContext | DeliveryError>();
    for (const type of chain) contexts.set(type, await this.contextOf(type));
    const canSend = (type: MessagingServiceType) => !(contexts.get(type) instanceof DeliveryError);
    // One provider (the common case): no circuit to consult.
    const open = chain.filter(canSend).length > 1 ? await this.circuits.open().catch(() => this.circuits.openKnown()) : new Set<string>();
    const last = message.attempts > 1 ? message.service_type : null;
    const picked = pickProvider(chain, last, canSend, open);
    const context = contexts.get(picked ?? chain[0])!;
    if (context instanceof DeliveryError) throw context;
    return context;
  }

  private chainOf(rule: ServiceTypeRule): Promise<ProviderChain> {
    const cached = this.contexts.chain(rule);
    if (cached) return Promise.resolve(cached);
    return this.contexts.lookUpChainOnce(rule, () => this.lookUpChain(rule));
  }

  private async lookUpChain(rule: ServiceTypeRule): Promise<ProviderChain> {
    let chain: ProviderChain;
    if (rule !== 'notification' && rule !== 'email') {
      chain = [rule as MessagingServiceType];
    } else {
      const { notifications } = await this.notificationSettings.current();
      const chosen = await this.chosen(rule, notifications.notification_service_type);
      const fallbacks = MESSAGING_CHANNEL[chosen] === 'email' ? notifications.email_fallback_service_types : notifications.sms_fallback_service_types;
      chain = [...new Set([chosen, ...fallbacks])];
    }
    this.contexts.setChain(rule, chain);
    return chain;
  }

  /** Decision D9 for `email`: the notification type when it is an email type, else the first configured of D9_EMAIL_ORDER. */
  private async chosen(rule: 'notification' | 'email', configured: MessagingServiceType | null): Promise<MessagingServiceType> {
    if (rule === 'notification') {
      if (!configured) throw new DeliveryError(false, undefined, 'No notification service type configured.');
      return configured;
    }
    if (configured && EMAIL_TYPES.has(configured)) return configured;
    for (const candidate of D9_EMAIL_ORDER) {
      if (await this.configs.findByServiceType(candidate)) return candidate;
    }
    throw new DeliveryError(false, undefined, 'No notification service type configured.');
  }

  private contextOf(serviceType: MessagingServiceType): Promise<SendingContext | DeliveryError> {
    const cached = this.contexts.get(serviceType);
    if (cached) return Promise.resolve(cached);
    return this.contexts.lookUpOnce(serviceType, () => this.lookUpContext(serviceType));
  }

  private async lookUpContext(serviceType: MessagingServiceType): Promise<SendingContext | DeliveryError> {
    const config = await this.configs.findByServiceType(serviceType);
    const secrets = config ? await this.configs.getSecrets(config) : undefined;
    const context = !config
      ? new DeliveryError(false, undefined, `No messaging config found for service_type ${serviceType}.`)
      : !secrets
        ? new DeliveryError(false, undefined, `Messaging secrets not found for config with key: ${config.key}`)
        : { serviceType, config, secrets };
    this.contexts.set(serviceType, context);
    return context;
  }
}
