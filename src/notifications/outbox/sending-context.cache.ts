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
  private readonly chainLookups = new Map<ServiceTypeRule, Promise<ProviderChain>>();
  private readonly contextLookups = new Map<MessagingServiceType, Promise<SendingContext | DeliveryError>>();

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

  /** The chain lookup in flight for `rule`, or a new one (see `shared`). */
  lookUpChainOnce(rule: ServiceTypeRule, lookUp: () => Promise<ProviderChain>): Promise<ProviderChain> {
    return shared(this.chainLookups, rule, lookUp);
  }

  /** The context lookup in flight for `serviceType`, or a new one (see `shared`). */
  lookUpOnce(serviceType: MessagingServiceType, lookUp: () => Promise<SendingContext | DeliveryError>): Promise<SendingContext | DeliveryError> {
    return shared(this.contextLookups, serviceType, lookUp);
  }

  /** A change: lookups already in flight may have read the old values, so later callers start new ones. */
  clear(): void {
    this.chains.clear();
    this.contexts.clear();
    this.chainLookups.clear();
    this.contextLookups.clear();
  }
}

/**
 * When an entry expires under load, the messages that miss it at once share one lookup instead of each running its
 * statements (a tenth of the outbox's statements, measured by bench/delivery.bench.mjs).
 */
function shared<K, V>(inFlight: Map<K, Promise<V>>, key: K, lookUp: () => Promise<V>): Promise<V> {
  let lookup = inFlight.get(key);
  if (!lookup) {
    const started = lookUp().finally(() => {
      if (inFlight.get(key) === started) inFlight.delete(key);
    });
    lookup = started;
    inFlight.set(key, lookup);
  }
  return lookup;
}
