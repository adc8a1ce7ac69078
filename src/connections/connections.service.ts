import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, Repository } from 'typeorm';
import { BulkItemError, eachItem } from '../common/bulk.js';
import { uniqueViolation } from '../common/database/postgres-errors.js';
import { HeraldError, RequestValidationError, notFound } from '../common/errors/herald.error.js';
import { keyFromName } from '../common/fides-key.js';
import { Page, pageOffset, toPage } from '../common/pagination.js';
import { SecretsService } from '../secrets/index.js';
import { validateEmailSecrets } from './connection-secrets.js';
import { ConnectionEntity } from './connection.entity.js';
import { ConnectionTester, type TestOutcome } from './connection-tester.js';
import type {
  ConnectionFilter,
  ConnectionSecrets,
  EmailSecrets,
  ErasureEmailSecrets,
  SetConnectionSecretsCommand,
  UpsertConnectionCommand,
} from './connection.types.js';
import { validateErasureEmailSecrets } from './erasure-email-secrets.js';

export type {
  ConnectionFilter,
  EmailSecrets,
  ErasureEmailSecrets,
  SetConnectionSecretsCommand,
  TestStatusFilter,
  UpsertConnectionCommand,
} from './connection.types.js';

export interface BulkResult {
  succeeded: ConnectionEntity[];
  failed: { message: string; input: UpsertConnectionCommand }[];
}

export interface SecretsResult {
  connection: ConnectionEntity;
  /** Absent when not verified. */
  test?: TestOutcome;
}

/** Fides' bulk limit for `PATCH /connection`. */
export const MAX_BULK_CONNECTIONS = 50;

const OWNER = 'connection';
const GENERIC_FAILURE = 'This connection configuration could not be added.';

export const connectionNotFound = (key: string) => notFound(`No connection configuration found with key '${key}'.`);

/**
 * Email connectors (Fides' ConnectionConfig): one service for REST and GraphQL. Validation problems are located
 * relative to the command (`[3, 'name']`, `['to_email']`); the transport says where it sat.
 */
@Injectable()
export class ConnectionsService {
  private readonly logger = new Logger(ConnectionsService.name);

  constructor(
    @InjectRepository(ConnectionEntity) private readonly connections: Repository<ConnectionEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secrets: SecretsService,
    private readonly tester: ConnectionTester,
  ) {}

  /** Ordered by name, as Fides. */
  async list(filter: ConnectionFilter, page: { page: number; size: number }): Promise<Page<ConnectionEntity>> {
    const query = this.connections.createQueryBuilder('c').orderBy('lower(c.name)', 'ASC').addOrderBy('c.name', 'ASC').skip(pageOffset(page)).take(page.size);
    if (filter.none) query.andWhere('FALSE');
    if (filter.search) {
      const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere(new Brackets((b) => b.where('c.key ILIKE :pattern OR c.name ILIKE :pattern OR c.description ILIKE :pattern', { pattern })));
    }
    if (filter.connectionTypes?.length) {
      query.andWhere('c.connection_type IN (:...types)', { types: filter.connectionTypes.map((t) => t.toLowerCase()) });
    }
    if (filter.disabled !== undefined) query.andWhere('c.disabled = :disabled', { disabled: filter.disabled });
    if (filter.testStatus === 'passed') query.andWhere('c.last_test_succeeded = TRUE');
    if (filter.testStatus === 'failed') query.andWhere('c.last_test_succeeded = FALSE');
    if (filter.testStatus === 'untested') query.andWhere('c.last_test_succeeded IS NULL');
    const [items, total] = await query.getManyAndCount();
    return toPage(items, total, page);
  }

  async get(key: string): Promise<ConnectionEntity> {
    const connection = await this.connections.findOneBy({ key });
    if (!connection) throw connectionNotFound(key);
    return connection;
  }

  /** Like `get`, for callers that answer their own 404 (datasets). */
  find(key: string): Promise<ConnectionEntity | null> {
    return this.connections.findOneBy({ key });
  }

  /** Every connection by name, for a privacy request's run (it logs why disabled and read-only ones are skipped). */
  all(): Promise<ConnectionEntity[]> {
    return this.connections.find({ order: { name: 'ASC' } });
  }

  /**
   * Fides' bulk create-or-update. Each item runs in its own transaction, so one failure cannot spoil the others.
   * A name that yields no key refuses the whole request (decision D3, at `[index, 'name']`), before anything is written.
   */
  async upsertMany(commands: UpsertConnectionCommand[]): Promise<BulkResult> {
    const keyless = commands.flatMap((command, i) =>
      command.key === null && keyFromName(command.name) === undefined
        ? [{ loc: [i, 'name'], msg: `A key cannot be made from the name '${command.name}': give a key`, type: 'value_error' }]
        : [],
    );
    if (keyless.length > 0) throw new RequestValidationError(keyless);
    return eachItem(
      commands,
      (command) => this.dataSource.transaction((m) => this.upsert(m, command)),
      (error, input) => {
        const message = failureMessage(error, input);
        if (message === GENERIC_FAILURE) this.logger.error({ err: error }, 'a connection could not be created or updated');
        return message;
      },
    );
  }

  /** Deletes the connection with its secrets; its datasets go with it (foreign key cascade). */
  async delete(key: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const connection = await m.findOneBy(ConnectionEntity, { key });
      if (!connection) throw connectionNotFound(key);
      await this.secrets.delete(OWNER, connection.id, m);
      await m.delete(ConnectionEntity, { id: connection.id });
    });
  }

  /**
   * Validates the secrets once the connection is found (422 with locations relative to the secrets object, as
   * Fides), stores them, and with `verify` sends the test email and records its outcome. Secrets are kept even when
   * the test fails.
   */
  async setSecrets(key: string, command: SetConnectionSecretsCommand): Promise<SecretsResult> {
    const connection = await this.get(key);
    const secrets: ConnectionSecrets =
      connection.connectionType === 'generic_erasure_email' ? validateErasureEmailSecrets(command.secrets) : validateEmailSecrets(command.secrets);
    await this.secrets.put(OWNER, connection.id, secrets);
    if (!command.verify) return { connection };
    return this.test(connection, secrets);
  }

  /** Runs the connection test with the stored secrets. */
  async testStored(key: string): Promise<SecretsResult> {
    const connection = await this.get(key);
    return this.test(connection, await this.secrets.get<ConnectionSecrets>(OWNER, connection.id));
  }

  /** An `email` connection's secrets. */
  async getSecrets(connection: ConnectionEntity): Promise<EmailSecrets | undefined> {
    return connection.connectionType === 'email' ? this.secrets.get<EmailSecrets>(OWNER, connection.id) : undefined;
  }

  /** A `generic_erasure_email` connection's secrets (decision D34). */
  async getErasureEmailSecrets(connection: ConnectionEntity): Promise<ErasureEmailSecrets | undefined> {
    return connection.connectionType === 'generic_erasure_email' ? this.secrets.get<ErasureEmailSecrets>(OWNER, connection.id) : undefined;
  }

  /**
   * Decision D34: the connectors that take part in the batched erasure emails (enabled, with write access, with
   * secrets), by name, each with its secrets.
   */
  async erasureEmailConnectors(): Promise<{ connection: ConnectionEntity; secrets: ErasureEmailSecrets }[]> {
    const connections = await this.connections.find({
      where: { connectionType: 'generic_erasure_email', disabled: false, access: 'write' },
      order: { name: 'ASC' },
    });
    const result: { connection: ConnectionEntity; secrets: ErasureEmailSecrets }[] = [];
    for (const connection of connections) {
      const secrets = await this.getErasureEmailSecrets(connection);
      if (secrets) result.push({ connection, secrets });
    }
    return result;
  }

  hasSecrets(connection: { id: string }): Promise<boolean> {
    return this.secrets.has(OWNER, connection.id);
  }

  withSecrets(connections: ConnectionEntity[]): Promise<Set<string>> {
    return this.secrets.whichHave(
      OWNER,
      connections.map((c) => c.id),
    );
  }

  private async test(connection: ConnectionEntity, secrets: ConnectionSecrets | undefined): Promise<SecretsResult> {
    const outcome = await this.tester.test(connection, secrets);
    const rows = (await this.connections.query<[{ at: Date }[], number]>(
      `UPDATE connection SET last_test_timestamp = now(), last_test_succeeded = $2 WHERE id = $1
       RETURNING last_test_timestamp AS "at"`,
      [connection.id, outcome.status === 'succeeded'],
    )) as [{ at: Date }[], number];
    connection.lastTestTimestamp = rows[0][0]?.at ?? new Date();
    connection.lastTestSucceeded = outcome.status === 'succeeded';
    return { connection, test: outcome };
  }

  private async upsert(m: EntityManager, input: UpsertConnectionCommand): Promise<ConnectionEntity> {
    const existing = input.key === null ? null : await m.findOneBy(ConnectionEntity, { key: input.key });
    const connection = existing ?? m.create(ConnectionEntity, { disabledAt: null, lastTestTimestamp: null, lastTestSucceeded: null });
    const key = input.key ?? (keyFromName(input.name) as string);
    if (!existing && (await m.existsBy(ConnectionEntity, { key }))) throw new BulkItemError(keyTaken(key));
    const clash = await m.findOneBy(ConnectionEntity, { name: input.name });
    if (clash && clash.id !== connection.id) throw new BulkItemError(nameTaken(input.name));
    // Fides: disabled_at is set when a connection becomes disabled and cleared when it is enabled again.
    if (input.disabled !== (existing?.disabled ?? false)) connection.disabledAt = input.disabled ? new Date() : null;
    else if (!existing && input.disabled) connection.disabledAt = new Date();
    // PATCH replaces all six fields (omitted ones take their defaults), as Fides.
    Object.assign(connection, {
      key,
      name: input.name,
      connectionType: input.connectionType,
      access: input.access,
      disabled: input.disabled,
      description: input.description,
    });
    return m.save(connection);
  }
}

const keyTaken = (key: string) =>
  `Key ${key} already exists in ConnectionConfig. Keys will be snake-cased names if not provided. ` +
  'If you are seeing this error without providing a key, please provide a key or a different name.';
const nameTaken = (name: string) => `Name ${name} already exists in ConnectionConfig.`;

function failureMessage(error: unknown, input: UpsertConnectionCommand): string {
  if (error instanceof BulkItemError) return error.message;
  if (error instanceof HeraldError && typeof error.detail === 'string') return error.detail;
  // A concurrent writer took the name or key between our check and our write.
  const constraint = uniqueViolation(error)?.constraint;
  if (constraint === 'UQ_connection_name') return nameTaken(input.name);
  if (constraint === 'UQ_connection_key') return keyTaken(input.key ?? keyFromName(input.name) ?? '');
  return GENERIC_FAILURE;
}
