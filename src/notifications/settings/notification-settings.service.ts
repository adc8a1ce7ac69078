import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { badRequest, invalid } from '../../common/errors/herald.error.js';
import { MESSAGING_CHANNEL, MessagingServiceType, parseMessagingServiceType, serviceTypesOf } from '../../common/messaging-service-type.js';
import { SETTINGS, type Settings } from '../../config/index.js';
import { DEFAULT_TEXTS, MessagingConfigService } from '../../messaging-config/index.js';
import { SendingContextCache } from '../outbox/sending-context.cache.js';

/** The switches Fides keeps in `notifications` and `execution` (decision D16: env gives defaults, the API changes them). */
export interface NotificationSettings {
  notifications: {
    notification_service_type: MessagingServiceType | null;
    send_request_receipt_notification: boolean;
    send_request_review_notification: boolean;
    send_request_completion_notification: boolean;
    /** Decision D29: the providers a message's later attempts turn to after a retryable failure, in order. */
    email_fallback_service_types: MessagingServiceType[];
    sms_fallback_service_types: MessagingServiceType[];
  };
  execution: {
    subject_identity_verification_required: boolean;
    require_manual_request_approval: boolean;
  };
}

type FallbackChainKey = 'email_fallback_service_types' | 'sms_fallback_service_types';

/** Values to store; a fallback chain's `null` puts it back to the environment's default. */
export type NotificationSettingsPatch = {
  notifications?: Partial<Omit<NotificationSettings['notifications'], FallbackChainKey>> & { [K in FallbackChainKey]?: MessagingServiceType[] | null };
  execution?: Partial<NotificationSettings['execution']>;
};

/**
 * The effective notification settings: the environment's defaults with the overrides stored in the database on top.
 * Read from the database on each use, so every Herald process sees a change at once.
 */
@Injectable()
export class NotificationSettingsService {
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sendingContexts: SendingContextCache,
    private readonly configs: MessagingConfigService,
  ) {}

  defaults(): NotificationSettings {
    const { notifications: n, execution: e } = this.settings;
    return {
      notifications: {
        notification_service_type: n.notificationServiceType,
        send_request_receipt_notification: n.sendRequestReceiptNotification,
        send_request_review_notification: n.sendRequestReviewNotification,
        send_request_completion_notification: n.sendRequestCompletionNotification,
        email_fallback_service_types: n.emailFallbackServiceTypes,
        sms_fallback_service_types: n.smsFallbackServiceTypes,
      },
      execution: {
        subject_identity_verification_required: e.subjectIdentityVerificationRequired,
        require_manual_request_approval: e.requireManualRequestApproval,
      },
    };
  }

  async current(): Promise<NotificationSettings> {
    const rows = await this.dataSource.query<{ config: NotificationSettingsPatch }[]>('SELECT config FROM application_config WHERE id = 1');
    return merge(this.defaults(), rows[0]?.config ?? {});
  }

  /**
   * The active default's service type (decision D31): the effective `notification_service_type`, null when unset. A
   * stored value that is no service type (written by hand) is Fides' 400.
   */
  async activeServiceType(): Promise<MessagingServiceType | null> {
    const value: unknown = (await this.current()).notifications.notification_service_type;
    if (value === null || value === undefined) return null;
    const serviceType = typeof value === 'string' ? parseMessagingServiceType(value) : undefined;
    if (!serviceType) throw badRequest(DEFAULT_TEXTS.invalidActive);
    return serviceType;
  }

  /** Whether a notification could go out: the notification service type is set and its config exists with secrets. */
  async notificationsReady(current?: NotificationSettings): Promise<boolean> {
    const serviceType = (current ?? (await this.current())).notifications.notification_service_type;
    const config = serviceType ? await this.configs.findByServiceType(serviceType) : null;
    return config ? this.configs.hasSecrets(config) : false;
  }

  /**
   * Stores the given values as overrides (merged into earlier ones) and answers the effective settings. A fallback
   * chain naming a type of the other channel is a 422 located in the patch; nothing is stored.
   */
  async update(patch: NotificationSettingsPatch): Promise<NotificationSettings> {
    const notifications = { ...patch.notifications };
    for (const [key, channel] of FALLBACK_CHAINS) {
      const chain = notifications[key];
      if (!chain) continue;
      const wrong = chain.findIndex((type) => MESSAGING_CHANNEL[type] !== channel);
      if (wrong >= 0) {
        throw invalid(
          ['notifications', key, wrong],
          `${chain[wrong]} cannot be in the ${channel} fallback chain; permitted: ${serviceTypesOf(channel).join(', ')}`,
        );
      }
      notifications[key] = [...new Set(chain)];
    }
    await this.dataSource.query(
      `INSERT INTO application_config (id, config, updated_at) VALUES (1, $1::jsonb, now())
       ON CONFLICT (id) DO UPDATE SET
         config = jsonb_build_object(
           'notifications', COALESCE(application_config.config->'notifications', '{}'::jsonb) || COALESCE($1::jsonb->'notifications', '{}'::jsonb),
           'execution', COALESCE(application_config.config->'execution', '{}'::jsonb) || COALESCE($1::jsonb->'execution', '{}'::jsonb)),
         updated_at = now()`,
      [JSON.stringify({ notifications, execution: patch.execution ?? {} })],
    );
    this.sendingContexts.clear();
    return this.current();
  }
}

const FALLBACK_CHAINS = [
  ['email_fallback_service_types', 'email'],
  ['sms_fallback_service_types', 'sms'],
] as const;

function merge(defaults: NotificationSettings, overrides: NotificationSettingsPatch): NotificationSettings {
  return {
    notifications: over(defaults.notifications, overrides.notifications),
    execution: over(defaults.execution, overrides.execution),
  };
}

/**
 * `null` for a switch or a fallback chain puts it back to its environment default (the service type alone keeps
 * null: "no service"). Read here rather than refused on write, so that a null stored by an earlier Herald cannot
 * break every read; for the same reason a stored chain keeps only the types it may hold.
 */
function over<T extends object>(defaults: T, overrides: { [K in keyof T]?: unknown } | undefined): T {
  const merged = { ...defaults };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (!(key in defaults)) continue;
    const fallback = defaults[key as keyof T];
    if (value === null && (typeof fallback === 'boolean' || Array.isArray(fallback))) continue;
    merged[key as keyof T] = (Array.isArray(fallback) ? storedChain(key, value) : value) as T[keyof T];
  }
  return merged;
}

function storedChain(key: string, value: unknown): MessagingServiceType[] {
  const channel = FALLBACK_CHAINS.find(([name]) => name === key)?.[1];
  const types = (Array.isArray(value) ? value : []).map((v) => (typeof v === 'string' ? parseMessagingServiceType(v) : undefined));
  return [...new Set(types.filter((type): type is MessagingServiceType => type !== undefined && MESSAGING_CHANNEL[type] === channel))];
}
