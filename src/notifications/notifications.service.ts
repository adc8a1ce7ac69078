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
// The bulk form: one row per element of the arrays, in the same columns; a repeated key (in the table or the batch) is skipped.
const MESSAGES_INSERT = `INSERT INTO message (id, idempotency_key, action_type, service_type_rule, status, recipient_hint, payload, privacy_request_id, attempts, requested_locale)
  SELECT m.id, m.idempotency_key, m.action_type, m.service_type_rule, 'queued', m.recipient_hint, m.payload, m.privacy_request_id, 0, m.requested_locale
  FROM unnest($2::uuid[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::text[], $8::varchar[], $9::varchar[])
    AS m (id, idempotency_key, action_type, service_type_rule, recipient_hint, payload, privacy_request_id, requested_locale)
  ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`;
// Only the jobs whose message was inserted: pg-boss reads the same JSON array, filtered to the new messages' ids.
const NEW_JOBS_SOURCE = `(SELECT COALESCE(json_agg(j.job), '[]'::json)::text FROM json_array_elements($1::text::json) AS j (job)
  WHERE (j.job->>'id')::uuid IN (SELECT id FROM new_message))::json`;

/**
 * pg-boss's statement inserting a job, preceded by the message's insert and fed only when that insert took place
 * (a repeated idempotency key inserts neither). Fails loudly if a pg-boss upgrade changes the statement's shape.
 */
export function withMessageInsert(jobInsert: string, bulk = false): { name: string; text: string } {
  const cacheKey = `${bulk ? 'bulk' : 'one'}:${jobInsert}`;
  let statement = statements.get(cacheKey);
  if (!statement) {
    const head = /^\s*WITH\b/i.test(jobInsert) ? 'WITH' : /^\s*INSERT\b/i.test(jobInsert) ? 'INSERT' : undefined;
    if (!head || jobInsert.split(JOB_SOURCE).length !== 2) throw new Error('pg-boss inserts jobs in an unexpected way: see withMessageInsert');
    // No message row, no JSON: json_to_recordset(NULL) yields no job.
    const conditional = jobInsert.replace(JOB_SOURCE, () => (bulk ? NEW_JOBS_SOURCE : '(SELECT $1::text FROM new_message)::json'));
    const insert = bulk ? MESSAGES_INSERT : MESSAGE_INSERT;
    const text =
      head === 'WITH' ? conditional.replace(/^\s*WITH\b/i, () => `WITH new_message AS (${insert}),`) : `WITH new_message AS (${insert})\n${conditional}`;
    statement = { name: `herald_enqueue_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text };
    statements.set(cacheKey, statement);
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
    const message = this.messageRow(command);
    const id = message[0] as string;
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
   * `notify` for many messages in one round trip (erasure emails of several datasets, alerts to several addresses):
   * one statement inserts every message and the delivery jobs of those it created, with the same sealing,
   * idempotency and wake-up. The results are in the commands' order; a key repeated within the batch names one message.
   */
  async notifyMany(commands: readonly NotifyCommand[], manager?: EntityManager): Promise<Enqueued[]> {
    if (commands.length === 0) return [];
    if (commands.length === 1) return [await this.notify(commands[0], manager)];
    const columns: unknown[][] = [[], [], [], [], [], [], [], []];
    const jobs: { id: string; data: DeliveryJob }[] = [];
    for (const command of commands) {
      const row = this.messageRow(command);
      row.forEach((value, i) => columns[i].push(value));
      const id = row[0] as string;
      jobs.push({ id, data: { messageId: id } });
    }
    const inserted = await this.queue.boss.insert(DELIVERY_QUEUE, jobs, {
      returnId: true,
      db: {
        executeSql: async (text: string, values: unknown[] = []) => {
          const statement = withMessageInsert(text, true);
          return { rows: await preparedQuery(this.dataSource, manager, statement.name, statement.text, [...values, ...columns]) };
        },
      },
    });
    const created = new Set(inserted ?? []);
    const ids = new Map<string, string>();
    commands.forEach((command, i) => {
      if (created.has(jobs[i].id) && !ids.has(command.idempotencyKey)) ids.set(command.idempotencyKey, jobs[i].id);
    });
    const missing = [...new Set(commands.map((c) => c.idempotencyKey).filter((key) => !ids.has(key)))];
    if (missing.length > 0) {
      const existing = await preparedQuery<{ id: string; idempotency_key: string }>(
        this.dataSource,
        manager,
        'herald_messages_by_keys',
        'SELECT id, idempotency_key FROM message WHERE idempotency_key = ANY($1::varchar[])',
        [missing],
      );
      for (const row of existing) ids.set(row.idempotency_key, row.id);
    }
    return commands.map((command, i) => ({ messageId: ids.get(command.idempotencyKey)!, created: created.has(jobs[i].id) }));
  }

  /** A new message's columns, in MESSAGE_INSERT's order ($2...$9): its id first, the recipient and parameters sealed. */
  private messageRow(command: NotifyCommand): unknown[] {
    const id = randomUUID();
    const payload = this.keys.seal(JSON.stringify({ recipient: command.recipient, params: command.params ?? {} }), payloadContext(id));
    return [
      id,
      command.idempotencyKey,
      command.actionType,
      command.serviceType ?? 'notification',
      maskRecipient(command.recipient),
      payload,
      command.privacyRequestId ?? null,
      command.locale || null,
    ];
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
