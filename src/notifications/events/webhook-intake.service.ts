import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MessagingServiceType } from '../../common/messaging-service-type.js';
import { MessagingConfigService } from '../../messaging-config/index.js';
import type { MessagingSecrets } from '../../secrets/index.js';
import { WebhookRefused, type WebhookRequest } from '../providers/provider-webhook.js';
import { webhookReaders } from '../providers/webhook-readers.js';
import { SETTINGS, type Settings } from '../../config/index.js';
import { DeliveryEventRecorder } from './delivery-event-recorder.js';

/** What a webhook call came to: events Herald reads (other kinds are left out) and those new to a known message. */
export interface WebhookReceipt {
  received: number;
  recorded: number;
}

/** Secrets are looked up at most this often per service type (a change in this process applies at once). */
const SECRETS_TTL_MS = 2_000;
/** The replay table is purged at most this often per process, a bounded batch each time. */
const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1_000;

/**
 * Decision D26: a provider's webhook call, verified with the secret of the config of its service type (one config per
 * type, D9), read into events and recorded (DeliveryEventRecorder). A call that fails verification throws
 * WebhookRefused having recorded nothing. Events for messages Herald does not know are logged (ids only) and dropped.
 */
@Injectable()
export class WebhookIntakeService implements OnModuleDestroy {
  private readonly logger = new Logger('DeliveryEvents');
  private readonly secrets = new Map<MessagingServiceType, { secrets: MessagingSecrets | null; expires: number }>();
  private lastPurge = 0;
  private purging?: Promise<unknown>;
  private readonly readers: ReturnType<typeof webhookReaders>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly configs: MessagingConfigService,
    private readonly recorder: DeliveryEventRecorder,
    @Inject(SETTINGS) settings: Settings,
  ) {
    this.readers = webhookReaders(settings.providers.awsSnsEndpointUrl);
    configs.onChange(() => this.secrets.clear());
  }

  async receive(serviceType: MessagingServiceType, request: WebhookRequest): Promise<WebhookReceipt> {
    const reader = this.readers[serviceType];
    if (!reader) throw new WebhookRefused(`${serviceType} posts no delivery events`);
    const secrets = await this.secretsOf(serviceType);
    if (!secrets) throw new WebhookRefused(`No ${serviceType} messaging config with secrets to verify its delivery events`);
    const events = await reader(request, secrets);
    const result = await this.recorder.record(serviceType, events);
    for (const event of result.unknown) {
      // Ids only: the event's recipient is never logged.
      this.logger.log(
        { serviceType, messageId: event.messageId, providerMessageId: event.providerMessageId, type: event.type },
        'delivery event for an unknown message ignored',
      );
    }
    this.purgeNowAndThen();
    return { received: events.length, recorded: result.recorded.length };
  }

  async onModuleDestroy(): Promise<void> {
    await this.purging;
  }

  private async secretsOf(serviceType: MessagingServiceType): Promise<MessagingSecrets | null> {
    const cached = this.secrets.get(serviceType);
    if (cached && cached.expires > Date.now()) return cached.secrets;
    const config = await this.configs.findByServiceType(serviceType);
    const secrets = (config && (await this.configs.getSecrets(config))) ?? null;
    // Absent secrets are remembered too: calls for an unconfigured type cost no lookup each.
    this.secrets.set(serviceType, { secrets, expires: Date.now() + SECRETS_TTL_MS });
    return secrets;
  }

  /** Deletes expired replay entries, a batch at a time, at most once a minute per process, after an answer's work. */
  private purgeNowAndThen(): void {
    if (this.purging || Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    this.purging = this.dataSource
      .query(`DELETE FROM webhook_replay WHERE key IN (SELECT key FROM webhook_replay WHERE expires_at < now() LIMIT ${PURGE_BATCH})`)
      .catch((error: unknown) => this.logger.warn(`expired webhook replay entries could not be deleted: ${(error as Error).message}`))
      .finally(() => (this.purging = undefined));
  }
}
