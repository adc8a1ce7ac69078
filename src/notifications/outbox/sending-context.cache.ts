import { Injectable } from '@nestjs/common';
import type { MessagingServiceType } from '../../common/messaging-service-type.js';
import { MessagingConfigService } from '../../messaging-config/index.js';
import type { MessagingSecrets } from '../../secrets/index.js';
import type { DeliveryError } from '../providers/messaging-provider.js';
import type { ServiceTypeRule } from './message.entity.js';

export interface SendingContext {
  serviceType: MessagingServiceType;
  /** The config of the service type, as MessagingConfigService gives it. */
  config: NonNullable<Awaited<ReturnType<MessagingConfigService['findByServiceType']>>>;
  secrets: MessagingSecrets;
}

/** The providers a rule leads to: the chosen one (decision D9) first, then its channel's fallbacks (D29). */
export type ProviderChain = MessagingServiceType[];

const TTL_MS = 2_000;

/**
 * What a rule leads to (its provider chain) and what each service type sends with (config and secrets, or why it
 * cannot send), remembered for 2 s: under load, looking them up for every message would cost three statements each.
 * A change of settings, of a config or of its secrets in this process clears it at once; other processes' changes
 * apply within 2 s.
 */
@Injectable()
export class SendingContextCache {
  private readonly chains = new Map<ServiceTypeRule, { chain: ProviderChain; expires: number }>();
  private readonly contexts = new Map<MessagingServiceType, { context: SendingContext | DeliveryError; expires: number }>();

  constructor(configs: MessagingConfigService) {
    configs.onChange(() => this.clear());
  }

  chain(rule: ServiceTypeRule): ProviderChain | undefined {
    const entry = this.chains.get(rule);
    return entry && entry.expires > Date.now() ? entry.chain : undefined;
  }

  setChain(rule: ServiceTypeRule, chain: ProviderChain): void {
    this.chains.set(rule, { chain, expires: Date.now() + TTL_MS });
  }

  /** The context of a service type, or the permanent failure of sending through it (no config, no secrets). */
  get(serviceType: MessagingServiceType): SendingContext | DeliveryError | undefined {
    const entry = this.contexts.get(serviceType);
    return entry && entry.expires > Date.now() ? entry.context : undefined;
  }

  set(serviceType: MessagingServiceType, context: SendingContext | DeliveryError): void {
    this.contexts.set(serviceType, { context, expires: Date.now() + TTL_MS });
  }

  clear(): void {
    this.chains.clear();
    this.contexts.clear();
  }
}
