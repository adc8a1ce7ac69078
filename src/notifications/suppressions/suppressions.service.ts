import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { KeyRing } from '../../common/crypto/index.js';
import { invalid, notFound } from '../../common/errors/herald.error.js';
import { Page, pageOffset, toPage } from '../../common/pagination.js';
import { preparedQuery } from '../../database/index.js';
import { maskRecipient } from '../outbox/recipient.js';
import { normaliseRecipient, suppressionContext, suppressionHash, suppressionHashes, type SealedRecipient } from './suppressed-recipient.js';
import { SuppressionChecks } from './suppression-checks.js';
import { SuppressionEntity, type SuppressionCause, type SuppressionChannel } from './suppression.entity.js';
import { isUuid } from '../../common/uuid.js';

/** Stop sending to a recipient: from a delivery event (bounce, complaint) or by hand. */
export interface SuppressCommand {
  recipient: string;
  channel: SuppressionChannel;
  cause: SuppressionCause;
  /** The message whose delivery event caused it. */
  messageId?: string;
}

/** A suppression added by hand: exactly one of the two. */
export interface AddSuppressionCommand {
  email?: string | null;
  phoneNumber?: string | null;
}

export interface Suppressed {
  cause: SuppressionCause;
}

const COLUMNS = `id, recipient_hash AS "recipientHash", recipient, recipient_hint AS "recipientHint", channel, cause,
  message_id AS "messageId", created_at AS "createdAt"`;

/**
 * Decision D28: the recipients Herald no longer sends to. A recipient is kept as a keyed hash of its normalised
 * address (see suppressed-recipient.ts) with the masked hint; the same recipient suppressed again keeps its first
 * row, cause and message (the first cause is what stopped delivery; removing the row is how to start again).
 */
@Injectable()
export class SuppressionsService {
  /** The checks of deliveries prepared together, one statement for many (bench/delivery.bench.mjs: one per message before). */
  private readonly checks = new SuppressionChecks<SuppressionCause>(async (hashes) => {
    const rows = await preparedQuery<{ recipient_hash: string; cause: SuppressionCause }>(
      this.dataSource,
      undefined,
      'herald_suppression_checks',
      'SELECT recipient_hash, cause FROM suppression WHERE recipient_hash = ANY($1::varchar[])',
      [hashes],
    );
    return new Map(rows.map((row) => [row.recipient_hash, row.cause]));
  });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: KeyRing,
  ) {}

  /** Suppresses the recipient, in the caller's transaction when `manager` is given. Suppressing it again changes nothing. */
  async suppress(command: SuppressCommand, manager?: EntityManager): Promise<void> {
    await this.upsert(command, manager);
  }

  /** Whether a message to `recipient` on `channel` must not go, and why. */
  async check(recipient: string, channel: SuppressionChannel): Promise<Suppressed | null> {
    const cause = await this.checks.check(suppressionHashes(this.keys, channel, recipient));
    return cause === null ? null : { cause };
  }

  /** Newest first. */
  async list(page: { page: number; size: number }): Promise<Page<SuppressionEntity>> {
    const [items, total] = await this.dataSource
      .getRepository(SuppressionEntity)
      .findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, skip: pageOffset(page), take: page.size });
    return toPage(items, total, page);
  }

  /** A suppression by hand (cause `manual`); an address already suppressed answers its existing entry. */
  async add(command: AddSuppressionCommand): Promise<SuppressionEntity> {
    const { email, phoneNumber } = command;
    if (email && phoneNumber) throw invalid(['__root__'], 'give either an email address or a phone number, not both');
    if (!email && !phoneNumber) throw invalid(['__root__'], 'an email address or a phone number is required', 'value_error.missing');
    return this.upsert(email ? { recipient: email, channel: 'email', cause: 'manual' } : { recipient: phoneNumber!, channel: 'sms', cause: 'manual' });
  }

  /** Sends to the recipient again. */
  async remove(id: string): Promise<void> {
    const result = isUuid(id) ? await this.dataSource.getRepository(SuppressionEntity).delete({ id }) : { affected: 0 };
    if (!result.affected) throw notFound(`No suppression found with id ${id}`);
  }

  /** The recipient's row: the existing one (under any key of the ring), or a new one. Safe against a concurrent insert. */
  private async upsert(command: SuppressCommand, manager?: EntityManager): Promise<SuppressionEntity> {
    const { channel, cause } = command;
    const recipient = normaliseRecipient(channel, command.recipient);
    const find = async () =>
      (
        await preparedQuery<SuppressionEntity>(
          this.dataSource,
          manager,
          'herald_suppression_find',
          `SELECT ${COLUMNS} FROM suppression WHERE recipient_hash = ANY($1::varchar[]) LIMIT 1`,
          [suppressionHashes(this.keys, channel, recipient)],
        )
      )[0];
    const existing = await find();
    if (existing) return existing;
    const id = randomUUID();
    const sealed: SealedRecipient = { channel, recipient };
    const hint = maskRecipient(channel === 'email' ? { email: recipient } : { phone_number: recipient }) ?? '***';
    // A row another transaction inserted meanwhile wins (ON CONFLICT waits for it): the first suppression is kept.
    const [inserted] = await preparedQuery<SuppressionEntity>(
      this.dataSource,
      manager,
      'herald_suppression_insert',
      `INSERT INTO suppression (id, recipient_hash, recipient, recipient_hint, channel, cause, message_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (recipient_hash) DO NOTHING RETURNING ${COLUMNS}`,
      [
        id,
        suppressionHash(this.keys, channel, recipient),
        this.keys.seal(JSON.stringify(sealed), suppressionContext(id)),
        hint,
        channel,
        cause,
        command.messageId && isUuid(command.messageId) ? command.messageId : null,
      ],
    );
    return inserted ?? (await find());
  }
}
