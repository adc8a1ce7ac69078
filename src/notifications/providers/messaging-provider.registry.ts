import { Inject, Injectable } from '@nestjs/common';
import { MessagingServiceType } from '../../common/messaging-service-type.js';
import { MESSAGING_PROVIDERS, type MessagingProvider } from './messaging-provider.js';

/**
 * Every messaging provider by service type, built once at start-up from the providers bound to `MESSAGING_PROVIDERS`.
 * Refuses to start on two providers for one service type, or on a service type that no provider serves.
 */
@Injectable()
export class MessagingProviderRegistry {
  private readonly byType = new Map<MessagingServiceType, MessagingProvider>();

  constructor(@Inject(MESSAGING_PROVIDERS) providers: MessagingProvider[]) {
    for (const provider of providers) {
      const existing = this.byType.get(provider.serviceType);
      if (existing) {
        throw new Error(`Two messaging providers for service type ${provider.serviceType}: ${existing.constructor.name} and ${provider.constructor.name}`);
      }
      this.byType.set(provider.serviceType, provider);
    }
    const missing = Object.values(MessagingServiceType).filter((type) => !this.byType.has(type));
    if (missing.length > 0) throw new Error(`No messaging provider for service type ${missing.join(', ')}`);
  }

  /** The provider for a service type (there is one for each, checked at start-up). */
  get(serviceType: MessagingServiceType): MessagingProvider {
    const provider = this.byType.get(serviceType);
    if (!provider) throw new Error(`No messaging provider for service type ${String(serviceType)}`);
    return provider;
  }
}
