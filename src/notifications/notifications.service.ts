import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { KeyRing } from '../common/crypto/index.js';
import { SETTINGS, type Settings } from '../config/index.js';
import { JobQueueService, preparedQuery } from '../database/index.js';
import { DELIVERY_QUEUE, type DeliveryJob } from './outbox/delivery-queue.js';
import type { MessageStatus, ServiceTypeRule } from './outbox/message.entity.js';
import { maskRecipient, type Recipient } from './outbox/recipient.js';
import type { MessagingActionType } from './templates/messaging-action-type.js';

/** One message to send: what, to whom, for which privacy request, and under which idempotency key. */
export interface NotifyCommand {
  actionType: MessagingActionType;
  recipient: Recipient;
  /** The template's parameters (see templates/message-templates.ts). Sealed with the recipient. */
  params?: Record<string, unknown>;
  privacyRequestId?: string | null;
  /** Names one logical message: asking again with the same key returns the first message and sends nothing new. */
  idempotencyKey: string;
  /** Default `notification` (the notification service type setting, read when the message is sent). */
  serviceType?: ServiceTypeRule;
  /** Decision D32: the locale to render in (its privacy request's, a canonical BCP 47 tag); none renders the base text. */
  locale?: string | null;
}

export interface Enqueued {
  messageId: string;
  /** False when a message with this idempotency key already existed. */
  created: boolean;
}

export interface FirstAttempt {
  messageId: string;
  /** `sent`, `failed`, or `queued` when the first attempt failed and a retry is scheduled. */
  status: MessageStatus;
  reason: string | null;
  /** True when no attempt finished within the wait. */
  timedOut: boolean;
}

/** Seals a message's recipient and parameters; the context binds the envelope to its message. */
export const payloadContext = (messageId: string) => `message:${messageId}`;

const MESSAGE_INSERT = `INSERT INTO message (id, idempotency_key, action_type, service_type_rule, status, recipient_hint, payload, privacy_request_id, attempts, requested_locale)
  VALUES ($2, $3, $4, $5, 'queued', $6, $7, $8, 0, $9)
  ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`;
// pg-boss reads the jobs to insert from its parameter $1 (a JSON array) in exactly this place.
const JOB_SOURCE = '$1::text::json';
const statements = new Map<string, { name: string; text: string }>();

/**
 * pg-boss's statement inserting a job, preceded by the message's insert and fed only when that insert took place
 * (a repeated idempotency key inserts neither). Fails loudly if a pg-boss upgrade changes the statement's shape.
 */
export function withMessageInsert(jobInsert: string): { name: string; text: string } {
  let statement = statements.get(jobInsert);
  if (!statement) {
    const head = /^\s*WITH\b/i.test(jobInsert) ? 'WITH' : /^\s*INSERT\b/i.test(jobInsert) ? 'INSERT' : undefined;
    if (!head || jobInsert.split(JOB_SOURCE).length !== 2) throw new Error('pg-boss inserts jobs in an unexpected way: see withMessageInsert');
    // No message row, no JSON: json_to_recordset(NULL) yields no job.
    const conditional = jobInsert.replace(JOB_SOURCE, () => '(SELECT $1::text FROM new_message)::json');
    const text =
      head === 'WITH'
        ? conditional.replace(/^\s*WITH\b/i, () => `WITH new_message AS (${MESSAGE_INSERT}),`)
        : `WITH new_message AS (${MESSAGE_INSERT})\n${conditional}`;
    statement = { name: `herald_enqueue_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text };
    statements.set(jobInsert, statement);
  }
  return statement;
}

/**
 * The way into the outbox. `notify` writes the message and its delivery job in the caller's transaction (pass its
 * EntityManager): a rolled-back change leaves no message, a committed one cannot lose its message.
 */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueueService,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly keys: KeyRing,
  ) {}

  async notify(command: NotifyCommand, manager?: EntityManager): Promise<Enqueued> {
    const id = randomUUID();
    const payload = this.keys.seal(JSON.stringify({ recipient: command.recipient, params: command.params ?? {} }), payloadContext(id));
    const message = [
      id,
      command.idempotencyKey,
      command.actionType,
      command.serviceType ?? 'notification',
      maskRecipient(command.recipient),
      payload,
      command.privacyRequestId ?? null,
      command.locale || null,
    ];
    const job: DeliveryJob = { messageId: id };
    // One statement writes the message and its job (pg-boss's own insert, see withMessageInsert), so both exist or
    // neither, in the caller's transaction or on their own.
    const jobId = await this.queue.boss.send(DELIVERY_QUEUE, job, {
      id,
      db: {
        executeSql: async (text: string, values: unknown[] = []) => {
          const statement = withMessageInsert(text);
          return { rows: await preparedQuery(this.dataSource, manager, statement.name, statement.text, [...values, ...message]) };
        },
      },
    });
    if (jobId) return { messageId: id, created: true };
    const existing = await preparedQuery<{ id: string }>(
      this.dataSource,
      manager,
      'herald_message_by_key',
      'SELECT id FROM message WHERE idempotency_key = $1',
      [command.idempotencyKey],
    );
    return { messageId: existing[0].id, created: false };
  }

  /**
   * Enqueues (committing at once) and waits, bounded, for the first attempt, for callers that must tell their own
   * caller whether a message went out (identity verification codes).
   */
  async sendNow(command: NotifyCommand, timeoutMs = this.settings.providers.timeoutMs + 5_000): Promise<FirstAttempt> {
    const { messageId } = await this.notify(command);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.dataSource.query<
        {
          status: MessageStatus;
          attempts: number;
          failure_reason: string | null;
        }[]
      >('SELECT status, attempts, failure_reason FROM message WHERE id = $1', [messageId]);
      const { status, attempts, failure_reason: reason } = rows[0];
      if (status === 'sent' || status === 'failed' || (status === 'queued' && attempts > 0)) {
        return { messageId, status, reason, timedOut: false };
      }
      if (Date.now() >= deadline) return { messageId, status, reason, timedOut: true };
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
