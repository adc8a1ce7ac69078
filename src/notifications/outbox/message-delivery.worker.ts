import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { open } from '../../common/crypto-envelope.js';
import { MessagingServiceType } from '../../common/messaging-service-type.js';
import { SETTINGS, type Settings } from '../../config/settings.js';
import { JobQueueService } from '../../database/job-queue.service.js';
import { preparedQuery } from '../../database/prepared-query.js';
import { MessagingConfigService } from '../../messaging-config/messaging-config.service.js';
import { payloadContext } from '../notifications.service.js';
import { DeliveryError, type OutgoingMessage } from '../providers/messaging-provider.js';
import { MessagingProviderRegistry } from '../providers/messaging-provider.registry.js';
import { NotificationSettingsService } from '../settings/notification-settings.service.js';
import { renderEmail, renderSms } from '../templates/message-templates.js';
import type { MessagingActionType } from '../templates/messaging-action-type.js';
import { BatchWriter } from './batch-writer.js';
import { DELIVERY_QUEUE, type DeliveryJob } from './delivery-queue.js';
import type { MessageStatus, ServiceTypeRule } from './message.entity.js';
import type { Recipient } from './recipient.js';
import { ProviderSlots } from './provider-slots.js';
import { SendingContextCache, type SendingContext } from './sending-context.cache.js';

interface ClaimedMessage {
  id: string;
  idempotency_key: string;
  action_type: MessagingActionType;
  service_type_rule: ServiceTypeRule;
  payload: string;
  privacy_request_id: string | null;
  attempts: number;
}

/** An attempt's end: the message's new state and the attempt's record. */
interface AttemptRecord {
  messageId: string;
  status: MessageStatus;
  serviceType: string | null;
  channel: string | null;
  providerMessageId: string | null;
  reason: string | null;
  number: number;
  outcome: 'sent' | 'retry' | 'failed';
  statusCode: number | null;
  startedAt: Date;
}

/** What became of a message once it will not be tried again. */
export interface FinalOutcome {
  messageId: string;
  privacyRequestId: string | null;
  actionType: string;
  status: Extract<MessageStatus, 'sent' | 'failed'>;
  reason: string | null;
}

const EMAIL_TYPES = new Set([MessagingServiceType.MAILGUN, MessagingServiceType.TWILIO_EMAIL]);

/**
 * Delivers queued messages: one pg-boss job per message, retried with exponential backoff while failures are
 * retryable. Every attempt is recorded; a message ends `sent` or `failed`. Jobs may run more than once (a process
 * dying mid-send): a message already final is left alone.
 */
@Injectable()
export class MessageDeliveryWorker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageDeliveryWorker.name);
  private readonly listeners: ((outcome: FinalOutcome) => Promise<void>)[] = [];
  private readonly slots: ProviderSlots;
  // Attempts ending together are recorded together: one statement and one commit for many under load.
  private readonly attemptLog = new BatchWriter<AttemptRecord>((records) => this.writeAttempts(records));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueueService,
    private readonly configs: MessagingConfigService,
    private readonly providers: MessagingProviderRegistry,
    private readonly notificationSettings: NotificationSettingsService,
    private readonly contexts: SendingContextCache,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {
    this.slots = new ProviderSlots(settings.delivery.concurrency);
  }

  async onModuleInit(): Promise<void> {
    const { maxAttempts, retryDelaySeconds, retryDelayMaxSeconds, concurrency } = this.settings.delivery;
    // Jobs in hand: twice the provider slots, so a slot freed by one send starts the next at once while the fetch,
    // claim and bookkeeping of other jobs go on beside the provider calls. Four loops with larger batches took less CPU
    // per message than eight or two in the delivery benchmark.
    const loops = Math.min(4, 2 * concurrency);
    const batchSize = Math.ceil((2 * concurrency) / loops);
    const options = {
      retryLimit: maxAttempts - 1,
      retryDelay: retryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: retryDelayMaxSeconds,
      // A job running longer than this is taken to have died with its process, and is retried. A job may wait for a
      // slot behind another provider call, hence two timeouts.
      expireInSeconds: Math.ceil((2 * this.settings.providers.timeoutMs) / 1000) + 60,
    };
    const boss = this.queue.boss;
    if (await boss.getQueue(DELIVERY_QUEUE)) await boss.updateQueue(DELIVERY_QUEUE, options);
    else await boss.createQueue(DELIVERY_QUEUE, { ...options, notify: true });
    // Fetch loops each take a batch and claim it in one statement; each message then waits for a provider slot
    // (at most `concurrency` calls at once), so a batch's slowest send holds no slot idle. A job's outcome is its own
    // (perJobResults): one failure does not re-run its batch. While fetches come back full they repeat at once;
    // otherwise new jobs wake the loops through LISTEN/NOTIFY, and polling every 2 s finds the retries that become
    // due (pg-boss would poll a notify-enabled queue only every 30 s).
    await boss.work<DeliveryJob>(
      DELIVERY_QUEUE,
      {
        batchSize,
        localConcurrency: loops,
        perJobResults: true,
        burstWhenBatchFull: true,
        pollingIntervalSeconds: 2,
        notifyPollingIntervalSeconds: 2,
      },
      async (jobs) => {
        const claimed = await this.claim(jobs.map((job) => job.data.messageId));
        return Promise.all(
          jobs.map(async (job) => {
            const message = claimed.get(job.data.messageId);
            // Not claimable: already final (a job run twice), nothing left to do.
            if (!message) return { id: job.id, status: 'completed' as const };
            // Throws only for a retryable failure with attempts left: pg-boss retries it with backoff.
            const retry = await this.deliverClaimed(message).then(() => false, () => true);
            return { id: job.id, status: retry ? ('failed' as const) : ('completed' as const) };
          }),
        );
      },
    );
  }

  /** Stops taking jobs and waits for the ones in hand, while the database is still there. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.boss.offWork(DELIVERY_QUEUE, { wait: true }).catch(() => undefined);
  }

  /** Called once per message when it ends sent or failed (privacy requests wait on some messages). */
  onFinalOutcome(listener: (outcome: FinalOutcome) => Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Marks the messages still to send as `sending` and counts the attempt, in one statement. */
  private async claim(messageIds: string[]): Promise<Map<string, ClaimedMessage>> {
    const rows = await preparedQuery<ClaimedMessage>(
      this.dataSource,
      undefined,
      'herald_claim_messages',
      `UPDATE message SET status = 'sending', attempts = attempts + 1, updated_at = now()
       WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'sending')
       RETURNING id, idempotency_key, action_type, service_type_rule, payload, privacy_request_id, attempts`,
      [messageIds],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** One attempt at one message. Throws (so that pg-boss retries) only for a retryable failure with attempts left. */
  private async deliverClaimed(message: ClaimedMessage): Promise<void> {
    const startedAt = new Date();
    let route: { serviceType: string | null; channel: string | null } = { serviceType: null, channel: null };
    try {
      const result = await this.attempt(message, (r) => (route = r));
      await this.finish(message, startedAt, 'sent', { ...route, providerMessageId: result.providerMessageId });
    } catch (thrown) {
      const error = thrown instanceof DeliveryError ? thrown : this.internal(thrown, message.id);
      const retry = error.retryable && message.attempts < this.settings.delivery.maxAttempts;
      await this.finish(message, startedAt, retry ? 'retry' : 'failed', { ...route, reason: error.reason, statusCode: error.status ?? null });
      if (retry) throw error;
    }
  }

  private async attempt(message: ClaimedMessage, routed: (r: { serviceType: string; channel: string }) => void) {
    const { recipient, params } = JSON.parse(open(message.payload, this.settings.security.appEncryptionKey, payloadContext(message.id))) as {
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
      outgoing = { ...base, channel: 'email', to: recipient.email.trim(), ...this.render(() => renderEmail(message.action_type, params as never)) };
    } else {
      if (!recipient.phone_number) throw new DeliveryError(false, undefined, 'No phone identity supplied.');
      outgoing = { ...base, channel: 'sms', to: recipient.phone_number.trim(), body: this.render(() => renderSms(message.action_type, params as never)) };
    }
    return this.slots.run(() => provider.send(outgoing, { details: config.details, secrets }));
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

  private render<T>(render: () => T): T {
    try {
      return render();
    } catch (error) {
      throw new DeliveryError(false, undefined, error instanceof Error ? error.message : 'The message could not be rendered.');
    }
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

  private internal(error: unknown, messageId: string): DeliveryError {
    // Not a provider's answer (a bug, the database): logged in full here, stored without detail, and retried.
    this.logger.error({ err: error, messageId }, 'message delivery failed unexpectedly');
    return new DeliveryError(true, undefined, 'Internal error while sending; see the logs');
  }

  private async finish(
    message: ClaimedMessage,
    startedAt: Date,
    outcome: 'sent' | 'retry' | 'failed',
    facts: { serviceType: string | null; channel: string | null; providerMessageId?: string | null; reason?: string; statusCode?: number | null },
  ): Promise<void> {
    await this.attemptLog.add({
      messageId: message.id,
      status: outcome === 'retry' ? 'queued' : outcome,
      serviceType: facts.serviceType,
      channel: facts.channel,
      providerMessageId: facts.providerMessageId ?? null,
      reason: facts.reason ?? null,
      number: message.attempts,
      outcome,
      statusCode: facts.statusCode ?? null,
      startedAt,
    });
    if (outcome === 'retry') return;
    const final: FinalOutcome = {
      messageId: message.id,
      privacyRequestId: message.privacy_request_id,
      actionType: message.action_type,
      status: outcome,
      reason: facts.reason ?? null,
    };
    for (const listener of this.listeners) {
      await listener(final).catch((error: unknown) => this.logger.error({ err: error, messageId: message.id }, 'a message outcome listener failed'));
    }
  }

  /** One statement, so atomic without a transaction: each message's new state and its attempt's record. */
  private async writeAttempts(records: AttemptRecord[]): Promise<void> {
    const column = <K extends keyof AttemptRecord>(key: K) => records.map((record) => record[key]);
    await preparedQuery(
      this.dataSource,
      undefined,
      'herald_finish_attempts',
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::text[], $7::int[], $8::varchar[], $9::int[], $10::timestamptz[])
           AS i (id, status, service_type, channel, provider_message_id, reason, number, outcome, status_code, started_at)),
       updated AS (
         UPDATE message m SET status = i.status, service_type = COALESCE(i.service_type, m.service_type), channel = COALESCE(i.channel, m.channel),
           provider_message_id = i.provider_message_id, failure_reason = i.reason,
           sent_at = CASE WHEN i.status = 'sent' THEN now() ELSE m.sent_at END, updated_at = now()
         FROM input i WHERE m.id = i.id RETURNING m.id)
       INSERT INTO message_attempt (message_id, number, outcome, status_code, reason, started_at)
       SELECT i.id, i.number, i.outcome, i.status_code, i.reason, i.started_at FROM input i WHERE i.id IN (SELECT id FROM updated)`,
      [
        column('messageId'),
        column('status'),
        column('serviceType'),
        column('channel'),
        column('providerMessageId'),
        column('reason'),
        column('number'),
        column('outcome'),
        column('statusCode'),
        column('startedAt'),
      ],
    );
  }
}
