import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { uniqueViolation } from '../common/database/postgres-errors.js';
import { preparedQuery } from '../database/index.js';
import { HeraldError, conflict, invalid } from '../common/errors/herald.error.js';
import { keyFromName } from '../common/fides-key.js';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import { Page, pageOffset, toPage } from '../common/pagination.js';
import { validateMessagingSecrets, SecretsService, type MessagingSecrets } from '../secrets/index.js';
import type { MessagingConfigDetails } from './messaging-config-details.js';
import { MessagingConfigEntity } from './messaging-config.entity.js';
import { MessagingConfigNotFound } from './messaging-config.errors.js';

/**
 * A create or update, validated and normalised by the transport (details checked for their service type,
 * `validateDetails`). Validation problems the service finds are located relative to it (`['name']`).
 */
export interface SaveMessagingConfigCommand {
  name: string;
  key?: string;
  serviceType: MessagingServiceType;
  details: MessagingConfigDetails | null;
}

const OWNER = 'messaging_config';

const SELECT_BY_KEY = `SELECT id, key, name, service_type AS "serviceType", details,
  last_test_timestamp AS "lastTestTimestamp", last_test_succeeded AS "lastTestSucceeded", created_at AS "createdAt", updated_at AS "updatedAt"
  FROM messaging_config WHERE key = $1`;

/**
 * One service for every transport (Fides REST, fidesops REST, GraphQL). It speaks no dialect: an unknown key is a
 * `MessagingConfigNotFound` that the transport words, and validation problems are located relative to the command.
 */
@Injectable()
export class MessagingConfigService {
  private readonly changeListeners: (() => void)[] = [];

  constructor(
    @InjectRepository(MessagingConfigEntity) private readonly configs: Repository<MessagingConfigEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secrets: SecretsService,
  ) {}

  /** Called after every committed change to a config or its secrets in this process (caches of senders). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** Newest first. */
  async list(page: { page: number; size: number }, serviceType?: MessagingServiceType): Promise<Page<MessagingConfigEntity>> {
    const [items, total] = await this.configs.findAndCount({
      where: serviceType ? { serviceType } : {},
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: pageOffset(page),
      take: page.size,
    });
    return toPage(items, total, page);
  }

  async get(key: string): Promise<MessagingConfigEntity> {
    const config = await this.find(key);
    if (!config) throw new MessagingConfigNotFound(key);
    return config;
  }

  /** Like `get`, for callers that decide what a missing config means (fidesops' routes, which see Mailgun only). */
  async find(key: string): Promise<MessagingConfigEntity | null> {
    // The hottest read: a prepared statement on the pool, without the query builder or a query runner (a quarter of
    // the route's throughput, measured by bench/api.bench.mjs).
    const rows = await preparedQuery<Partial<MessagingConfigEntity>>(this.dataSource, undefined, 'herald_messaging_config_by_key', SELECT_BY_KEY, [key]);
    return rows.length === 0 ? null : this.configs.create(rows[0]);
  }

  findByServiceType(serviceType: MessagingServiceType): Promise<MessagingConfigEntity | null> {
    return this.configs.findOneBy({ serviceType });
  }

  count(serviceType?: MessagingServiceType): Promise<number> {
    return this.configs.countBy(serviceType ? { serviceType } : {});
  }

  /**
   * Fides' POST: a body key naming an existing config updates it; anything else creates a config.
   * `createOnly` (fidesops' POST, which sees Mailgun configs only) answers 409 for a taken key instead.
   */
  async createOrUpdate(command: SaveMessagingConfigCommand, options: { createOnly?: boolean } = {}): Promise<MessagingConfigEntity> {
    return this.write(async (m) => {
      const existing = command.key === undefined || options.createOnly ? null : await m.findOneBy(MessagingConfigEntity, { key: command.key });
      if (existing) return this.apply(m, existing, command, existing.key);
      const key = command.key ?? keyFromName(command.name);
      if (key === undefined) {
        throw invalid(['name'], `A key cannot be made from the name '${command.name}': give a key`, 'value_error');
      }
      if (await m.existsBy(MessagingConfigEntity, { key })) {
        throw conflict(
          `Key ${key} already exists in MessagingConfig. Keys will be snake-cased names if not provided. ` +
            'If you are seeing this error without providing a key, please provide a key or a different name.',
        );
      }
      return this.apply(m, m.create(MessagingConfigEntity), command, key);
    });
  }

  /** PATCH (decision D2): updates the config named by the path; a different body key renames it. */
  async update(currentKey: string, command: SaveMessagingConfigCommand): Promise<MessagingConfigEntity> {
    return this.write(async (m) => {
      const config = await m.findOneBy(MessagingConfigEntity, { key: currentKey });
      if (!config) throw new MessagingConfigNotFound(currentKey);
      const key = command.key ?? currentKey;
      if (key !== currentKey && (await m.existsBy(MessagingConfigEntity, { key }))) {
        throw conflict(`Key ${key} already exists in MessagingConfig.`);
      }
      const details = command.details ?? (command.serviceType === config.serviceType ? config.details : null);
      return this.apply(m, config, { ...command, details }, key);
    });
  }

  /** Deletes the config and its secrets together. */
  async delete(key: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const config = await m.findOneBy(MessagingConfigEntity, { key });
      if (!config) throw new MessagingConfigNotFound(key);
      await this.secrets.delete(OWNER, config.id, m);
      await m.delete(MessagingConfigEntity, { id: config.id });
    });
    this.changed();
  }

  /**
   * Validates the raw secrets for the config's service type (known only here, at run time: Fides' 400 list, each
   * problem named relative to the secrets object; nothing changed) and replaces them.
   */
  async setSecrets(key: string, secrets: unknown): Promise<MessagingConfigEntity> {
    const config = await this.configs.findOneBy({ key });
    if (!config) throw new MessagingConfigNotFound(key, 'secrets');
    await this.secrets.put(OWNER, config.id, validateMessagingSecrets(config.serviceType, secrets));
    this.changed();
    return config;
  }

  /** The decrypted secrets of a config, for the code that sends through it. */
  getSecrets<T extends MessagingSecrets>(config: { id: string }): Promise<T | undefined> {
    return this.secrets.get<T>(OWNER, config.id);
  }

  hasSecrets(config: { id: string }): Promise<boolean> {
    return this.secrets.has(OWNER, config.id);
  }

  /** The ids of those configs that have secrets, in one query. */
  withSecrets(configs: MessagingConfigEntity[]): Promise<Set<string>> {
    return this.secrets.whichHave(
      OWNER,
      configs.map((c) => c.id),
    );
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  private async apply(m: EntityManager, config: MessagingConfigEntity, command: SaveMessagingConfigCommand, key: string): Promise<MessagingConfigEntity> {
    const clash = await m
      .createQueryBuilder(MessagingConfigEntity, 'c')
      .where('(c.name = :name OR c.service_type = :serviceType)', { name: command.name, serviceType: command.serviceType })
      .andWhere(config.id ? 'c.id <> :id' : 'TRUE', { id: config.id })
      .getOne();
    if (clash?.name === command.name) throw conflict(`Name ${command.name} already exists in MessagingConfig.`);
    if (clash) throw serviceTypeTaken(command.serviceType, clash.key);
    // Secrets fit one service type only: a config that changes type starts without any (Fides kept stale ones).
    if (config.id && config.serviceType !== command.serviceType) await this.secrets.delete(OWNER, config.id, m);
    Object.assign(config, { key, name: command.name, serviceType: command.serviceType, details: command.details });
    return m.save(config);
  }

  /** Runs a write in a transaction, turning a unique violation from a concurrent writer into the same 409. */
  private async write<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    try {
      const result = await this.dataSource.transaction(work);
      this.changed();
      return result;
    } catch (error) {
      if (error instanceof HeraldError) throw error;
      const violation = uniqueViolation(error);
      if (violation?.constraint === 'UQ_messaging_config_service_type') {
        // PostgreSQL's detail is Fides' text (`Key (service_type)=(MAILGUN) already exists.`), which clients match on.
        throw conflict(`${violation.detail?.replace(/\.$/, '') ?? 'Key (service_type) already exists'}: only one config per service type.`);
      }
      if (violation) throw conflict(`A messaging config with this ${violation.constraint.replace('UQ_messaging_config_', '')} already exists.`);
      throw error;
    }
  }
}

function serviceTypeTaken(serviceType: MessagingServiceType, key: string): HeraldError {
  // Fides' text (from the database) contains `Key (service_type)=(MAILGUN) already exists`; clients match on it.
  return conflict(`Key (service_type)=(${serviceType}) already exists: only one config per service type (see config ${key}).`);
}
