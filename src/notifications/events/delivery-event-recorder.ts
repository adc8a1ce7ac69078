import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { KeyRing } from '../../common/crypto/index.js';
import type { MessagingServiceType } from '../../common/messaging-service-type.js';
import { preparedQuery } from '../../database/index.js';
import { payloadContext } from '../notifications.service.js';
import type { Recipient } from '../outbox/recipient.js';
import type { ProviderEvent } from '../providers/provider-webhook.js';
import { BatchWriter } from '../outbox/batch-writer.js';
import { SuppressionsService } from '../suppressions/suppressions.service.js';
import { ADVERSE_EVENTS, rankSql, type DeliveryEventType } from './delivery-status.js';

/** A delivery event as recorded on its message, for the features that act on some (see DeliveryEventHook). */
export interface RecordedDeliveryEvent {
  messageId: string;
  privacyRequestId: string | null;
  actionType: string;
  /** The message's idempotency key: the enqueuing feature's own naming (e.g. which dataset an erasure email was for). */
  idempotencyKey: string;
  type: DeliveryEventType;
  occurredAt: Date;
  reason: string | null;
}

/**
 * A feature that must learn of adverse delivery events (undelivered, bounced, complained) durably: its writes commit
 * with the event's record, or neither does (the provider then posts the event again).
 */
export interface DeliveryEventHook {
  /** Whether this event concerns the hook (decided without I/O). */
  wants(event: RecordedDeliveryEvent): boolean;
  /** Runs inside the transaction that records the events it wants. */
  write(events: RecordedDeliveryEvent[], manager: EntityManager): Promise<void>;
}

/** What a call's events came to: recorded on their messages, already seen, or for no message Herald knows. */
export interface RecordingResult {
  recorded: RecordedDeliveryEvent[];
  duplicates: number;
  unknown: ProviderEvent[];
}

/**
 * How long the replay table remembers an event: longer than the providers keep posting one that was not taken
 * (SendGrid for 24 hours, Mailgun for 8), so their retries of an event Herald did take are recognised.
 */
const REPLAY_DAYS = 3;

interface Row {
  outcome: 'recorded' | 'unknown';
  replay_key: string;
  message_id: string | null;
  type: DeliveryEventType;
  occurred_at: Date;
  reason: string | null;
  suppress: 'bounce' | 'complaint' | null;
  action_type: string | null;
  privacy_request_id: string | null;
  idempotency_key: string | null;
  channel: 'email' | 'sms' | null;
  payload: string | null;
}

const COLUMNS = 'replay_key, message_id, provider_message_id, type, occurred_at, reason, provider_event_id, suppress';
const TYPES = ['varchar', 'uuid', 'varchar', 'varchar', 'timestamptz', 'text', 'varchar', 'varchar'];
/** A call's events (distinct replay keys), one array parameter per column. */
const MANY = `SELECT * FROM unnest(${TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ')}) AS i (${COLUMNS})`;
/**
 * One event (Mailgun's and Twilio's calls, most of SendGrid's), one parameter per column: PostgreSQL then settles on a
 * generic plan for the prepared statement instead of planning it again for each call as it does for arrays.
 */
const ONE = `SELECT ${COLUMNS.split(', ')
  .map((column, i) => `$${i + 1}::${TYPES[i]} AS ${column}`)
  .join(', ')}`;

// One statement for a call's events: the replay keys not seen before, the messages they name (by Herald's id, else
// the provider's), one timeline entry per provider event, and each message's status raised to the highest event on
// the ladder (delivery-status.ts). The WHERE of the UPDATE is checked again on the row it locks, so concurrent calls
// for one message cannot lower its status. The payload comes back only where a recipient is to be suppressed.
const record = (input: string) => `
  WITH input AS (${input}),
  fresh AS (
    INSERT INTO webhook_replay (key, expires_at) SELECT replay_key, now() + interval '${REPLAY_DAYS} days' FROM input
    ON CONFLICT (key) DO NOTHING RETURNING key),
  found AS (
    SELECT i.*, COALESCE(
      (SELECT m.id FROM message m WHERE m.id = i.message_id),
      (SELECT m.id FROM message m WHERE i.provider_message_id IS NOT NULL AND m.provider_message_id = i.provider_message_id LIMIT 1)) AS mid
    FROM input i JOIN fresh f ON f.key = i.replay_key),
  inserted AS (
    INSERT INTO message_event (message_id, service_type, type, occurred_at, reason, provider_event_id)
    SELECT mid, $9, type, occurred_at, reason, provider_event_id FROM found WHERE mid IS NOT NULL
    ON CONFLICT (message_id, provider_event_id) DO NOTHING RETURNING message_id, provider_event_id, type),
  best AS (
    SELECT DISTINCT ON (message_id) message_id, type FROM inserted ORDER BY message_id, ${rankSql('type')} DESC),
  raised AS (
    UPDATE message m SET delivery_status = b.type, updated_at = now() FROM best b
    WHERE m.id = b.message_id AND ${rankSql('b.type')} > ${rankSql('m.delivery_status')} RETURNING m.id)
  SELECT 'recorded' AS outcome, f.replay_key, f.mid AS message_id, f.type, f.occurred_at, f.reason, f.suppress, m.action_type, m.privacy_request_id,
    m.idempotency_key, m.channel, CASE WHEN f.suppress IS NOT NULL THEN m.payload END AS payload
  FROM inserted x JOIN found f ON f.mid = x.message_id AND f.provider_event_id = x.provider_event_id JOIN message m ON m.id = x.message_id
  UNION ALL
  SELECT 'unknown', replay_key, message_id, type, occurred_at, reason, suppress, NULL, NULL, NULL, NULL, NULL FROM found WHERE mid IS NULL`;
const RECORD_ONE = record(ONE);
const RECORD_MANY = record(MANY);

/** One event of a call, waiting for its batch; `row` is what the statement said of it (none: a repeat in its batch). */
interface Pending {
  event: ProviderEvent;
  key: string;
  row?: Row;
}

/** Events written by one statement at most: a SendGrid call of thousands goes in several. */
const MAX_BATCH = 500;

/**
 * Records verified delivery events (decisions D26, D27): the timeline, the message's delivery status, the
 * suppression of a hard-bounced or complaining recipient (D28) and what the hooks write, together. Events arriving
 * together are written together (a BatchWriter per service type, as the outbox records attempts): under load one
 * statement and one commit for many calls. Delivered and deferred events (most of them) need no transaction.
 */
@Injectable()
export class DeliveryEventRecorder {
  private readonly logger = new Logger(DeliveryEventRecorder.name);
  private readonly hooks: DeliveryEventHook[] = [];
  private readonly writers = new Map<MessagingServiceType, BatchWriter<Pending>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly suppressions: SuppressionsService,
    private readonly keys: KeyRing,
  ) {}

  /** The hook learns of the adverse events it wants, in the transaction recording them. */
  onDeliveryEvent(hook: DeliveryEventHook): void {
    this.hooks.push(hook);
  }

  /** Settles once every event of the call is written; throws (nothing of the failed batch recorded) when one could not be. */
  async record(serviceType: MessagingServiceType, events: ProviderEvent[]): Promise<RecordingResult> {
    const pending: Pending[] = events.map((event) => ({ event, key: replayHash(event.replayKey) }));
    let writer = this.writers.get(serviceType);
    if (!writer) {
      writer = new BatchWriter<Pending>((batch) => this.writeBatch(serviceType, batch), MAX_BATCH);
      this.writers.set(serviceType, writer);
    }
    await Promise.all(pending.map((item) => writer.add(item)));
    const recorded = pending.flatMap(({ row }) => (row?.outcome === 'recorded' ? [toRecorded(row)] : []));
    const unknown = pending.filter((item) => item.row?.outcome === 'unknown').map((item) => item.event);
    return { recorded, unknown, duplicates: events.length - recorded.length - unknown.length };
  }

  /** A batch's events, each replay key once (its first); a transaction only when some event may need one. */
  private async writeBatch(serviceType: MessagingServiceType, batch: Pending[]): Promise<void> {
    const firsts = new Map<string, Pending>();
    for (const item of batch) if (!firsts.has(item.key)) firsts.set(item.key, item);
    const events = [...firsts.values()].map((item) => item.event);
    const rows = events.some((event) => ADVERSE_EVENTS.has(event.type))
      ? await this.dataSource.transaction(async (manager) => {
          const written = await this.write(serviceType, events, manager);
          await this.actOn(
            written.filter((row) => row.outcome === 'recorded'),
            manager,
          );
          return written;
        })
      : await this.write(serviceType, events);
    for (const row of rows) firsts.get(row.replay_key)!.row = row;
  }

  /** In the recording transaction: suppressions (D28), then each hook's adverse events. */
  private async actOn(recorded: Row[], manager: EntityManager): Promise<void> {
    for (const row of recorded.filter((r) => r.suppress !== null)) await this.suppress(row, manager);
    const events = recorded.filter((row) => ADVERSE_EVENTS.has(row.type)).map(toRecorded);
    for (const hook of this.hooks) {
      const wanted = events.filter((event) => hook.wants(event));
      if (wanted.length > 0) await hook.write(wanted, manager);
    }
  }

  private write(serviceType: MessagingServiceType, events: ProviderEvent[], manager?: EntityManager): Promise<Row[]> {
    const columns = (event: ProviderEvent) => [
      replayHash(event.replayKey),
      event.messageId,
      event.providerMessageId,
      event.type,
      event.occurredAt,
      event.reason,
      event.providerEventId,
      event.suppress,
    ];
    if (events.length === 1) {
      return preparedQuery<Row>(this.dataSource, manager, 'herald_record_delivery_event', RECORD_ONE, [...columns(events[0]), serviceType]);
    }
    const rows = events.map(columns);
    const arrays = TYPES.map((_, i) => rows.map((row) => row[i]));
    return preparedQuery<Row>(this.dataSource, manager, 'herald_record_delivery_events', RECORD_MANY, [...arrays, serviceType]);
  }

  /** Decision D28: the message's own recipient (from its sealed payload), on the message's channel. */
  private async suppress(row: Row, manager: EntityManager): Promise<void> {
    const messageId = row.message_id!;
    let recipient: Recipient;
    try {
      recipient = (JSON.parse(this.keys.open(row.payload!, payloadContext(messageId))) as { recipient: Recipient }).recipient;
    } catch {
      // A payload no key opens cannot name anyone; the event is recorded all the same.
      this.logger.warn({ messageId }, 'the recipient of a bounced or complained message could not be read; not suppressed');
      return;
    }
    const channel = row.channel ?? (recipient.email ? 'email' : 'sms');
    const address = channel === 'email' ? recipient.email : recipient.phone_number;
    if (!address) return;
    await this.suppressions.suppress({ recipient: address, channel, cause: row.suppress!, messageId }, manager);
  }
}

const toRecorded = (row: Row): RecordedDeliveryEvent => ({
  messageId: row.message_id!,
  privacyRequestId: row.privacy_request_id,
  actionType: row.action_type!,
  idempotencyKey: row.idempotency_key!,
  type: row.type,
  occurredAt: new Date(row.occurred_at),
  reason: row.reason,
});

/** The replay table holds a fixed-size hash of the provider's event id or token. */
const replayHash = (key: string) => createHash('sha256').update(key).digest('hex');
