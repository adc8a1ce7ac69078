import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { notFound } from '../common/errors/herald.error.js';
import { MESSAGING_CHANNEL, MessagingServiceType } from '../common/messaging-service-type.js';
import { validateMessagingSecrets, validateMessagingSecretsAsIssues } from '../secrets/index.js';
import { validateDetails } from './messaging-config-details.js';
import { MessagingConfigEntity } from './messaging-config.entity.js';
import { MessagingConfigService } from './messaging-config.service.js';
import { DEFAULT_TEXTS, fidesValue } from './messaging-default.texts.js';

/**
 * The name Fides gives the config `PUT /messaging/default` creates, per service type (its key is the type's value,
 * `mailgun`). A new service type is one entry here; its details and secrets rules live with the other types'.
 */
export const DEFAULT_CONFIG_NAMES: Readonly<Record<MessagingServiceType, string>> = {
  [MessagingServiceType.MAILGUN]: 'Mailgun',
  [MessagingServiceType.TWILIO_TEXT]: 'Twilio SMS',
  [MessagingServiceType.TWILIO_EMAIL]: 'Twilio Email',
  [MessagingServiceType.MAILCHIMP_TRANSACTIONAL]: 'Mailchimp Transactional',
  [MessagingServiceType.SMTP]: 'SMTP',
  [MessagingServiceType.AWS_SES]: 'AWS SES',
};

export type MessagingMethod = 'email' | 'sms';

export interface DefaultStatus {
  configured: boolean;
  detail: string;
}

/** What a status check knows of the active default: its type, its config, and (fetched only when needed) its secrets. */
interface StatusFacts {
  serviceType: MessagingServiceType;
  config: MessagingConfigEntity;
  secrets: () => Promise<unknown>;
}

/** `/messaging/default/status`, in Fides' order: the first rule that finds a problem answers. */
const STATUS_RULES: ((facts: StatusFacts) => Promise<string | undefined>)[] = [
  // Decision D31: details are checked for every type, and an email type without any (Mailchimp Transactional's are
  // optional to save, as in Fides) cannot send, so it is not "configured" (Fides' quirk 5 is not kept).
  async ({ serviceType, config }) =>
    passes(() => validateDetails(serviceType, config.details)) && (MESSAGING_CHANNEL[serviceType] !== 'email' || config.details)
      ? undefined
      : DEFAULT_TEXTS.invalidDetails(serviceType),
  async ({ serviceType, secrets }) => ((await secrets()) === undefined ? DEFAULT_TEXTS.noSecrets(serviceType) : undefined),
  async ({ serviceType, secrets }) => {
    const stored = await secrets();
    return passes(() => validateMessagingSecrets(serviceType, stored)) ? undefined : DEFAULT_TEXTS.invalidSecrets(serviceType);
  },
];

function passes(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/**
 * The later Fides routes (decision D31): "the default config of a type" is the one config of that type (one per
 * type, D1); which type is *active* is a notification setting, which the caller (notifications) passes in.
 */
@Injectable()
export class MessagingDefaultService {
  constructor(
    private readonly configs: MessagingConfigService,
    @InjectRepository(MessagingConfigEntity) private readonly repository: Repository<MessagingConfigEntity>,
  ) {}

  /**
   * Upsert by type: an existing config keeps its key and name, its details replaced when given and kept when not;
   * otherwise one is created with Fides' default key and name. Details are checked for the type (422 at `details`).
   */
  async put(serviceType: MessagingServiceType, details: unknown): Promise<MessagingConfigEntity> {
    const existing = await this.configs.findByServiceType(serviceType);
    const given = details !== undefined;
    if (existing) {
      const checked = given ? validateDetails(serviceType, details) : existing.details;
      return this.configs.update(existing.key, { name: existing.name, key: existing.key, serviceType, details: checked });
    }
    const checked = validateDetails(serviceType, details);
    return this.configs.createOrUpdate(
      { name: DEFAULT_CONFIG_NAMES[serviceType], key: fidesValue(serviceType), serviceType, details: checked },
      { createOnly: true },
    );
  }

  /** The config of a type; 404 in Fides' words. */
  async get(serviceType: MessagingServiceType): Promise<MessagingConfigEntity> {
    const config = await this.configs.findByServiceType(serviceType);
    if (!config) throw notFound(DEFAULT_TEXTS.notFound(serviceType));
    return config;
  }

  /** Replaces the secrets of a type's config: problems are a 422 list relative to the secrets; nothing changes then. */
  async setSecrets(serviceType: MessagingServiceType, raw: unknown): Promise<MessagingConfigEntity> {
    const config = await this.get(serviceType);
    validateMessagingSecretsAsIssues(serviceType, raw);
    return this.configs.setSecrets(config.key, raw);
  }

  /** The active default's config; `serviceType` is the resolved `notification_service_type`. */
  async active(serviceType: MessagingServiceType | null): Promise<MessagingConfigEntity> {
    const config = serviceType ? await this.configs.findByServiceType(serviceType) : null;
    if (!config) throw notFound(DEFAULT_TEXTS.noActive);
    return config;
  }

  /** Whether the active default could send (on `method`, when given), and in words why not. */
  async status(serviceType: MessagingServiceType | null, method?: MessagingMethod): Promise<DefaultStatus> {
    const config = serviceType && (!method || MESSAGING_CHANNEL[serviceType] === method) ? await this.configs.findByServiceType(serviceType) : null;
    if (!serviceType || !config) return { configured: false, detail: DEFAULT_TEXTS.noActiveFor(method) };
    let secrets: Promise<unknown> | undefined;
    const facts: StatusFacts = { serviceType, config, secrets: () => (secrets ??= this.configs.getSecrets(config)) };
    for (const rule of STATUS_RULES) {
      const problem = await rule(facts);
      if (problem) return { configured: false, detail: problem };
    }
    return { configured: true, detail: DEFAULT_TEXTS.configured(serviceType) };
  }

  /** Decision D31: the outcome of a test send through this config, shown by the later routes and GraphQL. */
  async recordTest(config: MessagingConfigEntity, succeeded: boolean): Promise<void> {
    // A plain update: the test changes neither the config nor its `updated_at`.
    await this.repository.query('UPDATE messaging_config SET last_test_timestamp = now(), last_test_succeeded = $2 WHERE id = $1', [config.id, succeeded]);
  }
}
