import { Injectable } from '@nestjs/common';
import type { MessagingServiceType } from '../../common/messaging-service-type.js';
import { MessagingConfigService } from '../../messaging-config/index.js';
import type { MessagingSecrets } from '../../secrets/index.js';
import type { ServiceTypeRule } from './message.entity.js';

export interface SendingContext {
  serviceType: MessagingServiceType;
  /** The config of the service type, as MessagingConfigService gives it. */
  config: NonNullable<Awaited<ReturnType<MessagingConfigService['findByServiceType']>>>;
  secrets: MessagingSecrets;
}

const TTL_MS = 2_000;

/**
 * The service type, config and secrets a rule leads to, remembered for 2 s: under load, looking them up for every
 * message would cost three statements each. A change of settings, of a config or of its secrets in this process
 * clears it at once; other processes' changes apply within 2 s.
 */
@Injectable()
export class SendingContextCache {
  private readonly entries = new Map<ServiceTypeRule, { context: SendingContext; expires: number }>();

  constructor(configs: MessagingConfigService) {
    configs.onChange(() => this.clear());
  }

  get(rule: ServiceTypeRule): SendingContext | undefined {
    const entry = this.entries.get(rule);
    return entry && entry.expires > Date.now() ? entry.context : undefined;
  }

  set(rule: ServiceTypeRule, context: SendingContext): void {
    this.entries.set(rule, { context, expires: Date.now() + TTL_MS });
  }

  clear(): void {
    this.entries.clear();
  }
}
