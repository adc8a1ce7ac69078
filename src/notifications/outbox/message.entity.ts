import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { MessagingServiceType } from '../../common/messaging-service-type.js';
import type { DeliveryStatus } from '../events/delivery-status.js';

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed';

/**
 * How the service type of a message is chosen when it is sent: the notification setting (subject notifications),
 * the email rule of decision D9 (third-party erasure emails), or a given type (test messages).
 */
export type ServiceTypeRule = 'notification' | 'email' | `${MessagingServiceType}`;

/** One logical message in the outbox. Its recipient and template parameters are sealed in `payload`. */
@Entity('message')
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'idempotency_key', type: 'varchar', length: 255 }) idempotencyKey: string;
  @Column({ name: 'action_type', type: 'varchar', length: 64 }) actionType: string;
  @Column({ name: 'service_type_rule', type: 'varchar', length: 32 }) serviceTypeRule: ServiceTypeRule;
  @Column({ name: 'service_type', type: 'varchar', length: 32, nullable: true }) serviceType: MessagingServiceType | null;
  @Column({ type: 'varchar', length: 8, nullable: true }) channel: 'email' | 'sms' | null;
  @Column({ type: 'varchar', length: 16 }) status: MessageStatus;
  /** Decision D27: what the provider's delivery events said, kept by events/ (DeliveryEventRecorder). */
  @Column({ name: 'delivery_status', type: 'varchar', length: 16 }) deliveryStatus: DeliveryStatus;
  @Column({ name: 'recipient_hint', type: 'varchar', length: 255, nullable: true }) recipientHint: string | null;
  @Column({ type: 'text' }) payload: string;
  @Column({ name: 'privacy_request_id', type: 'varchar', length: 255, nullable: true }) privacyRequestId: string | null;
  @Column({ type: 'integer' }) attempts: number;
  @Column({ name: 'provider_message_id', type: 'varchar', length: 255, nullable: true }) providerMessageId: string | null;
  @Column({ name: 'failure_reason', type: 'text', nullable: true }) failureReason: string | null;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt: Date | null;
  /** Decision D32: the locale asked for (its privacy request's), carried from when it was enqueued. */
  @Column({ name: 'requested_locale', type: 'varchar', length: 35, nullable: true }) requestedLocale: string | null;
  /** The locale its text was rendered in: '' for the base text, null until an attempt rendered it. */
  @Column({ type: 'varchar', length: 35, nullable: true }) locale: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

/** One try at sending a message, as recorded by the worker. */
@Entity('message_attempt')
export class MessageAttemptEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'message_id', type: 'uuid' }) messageId: string;
  @Column({ type: 'integer' }) number: number;
  @Column({ type: 'varchar', length: 16 }) outcome: 'sent' | 'retry' | 'failed';
  @Column({ name: 'status_code', type: 'integer', nullable: true }) statusCode: number | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  /** The provider this attempt went to (decision D29: they may differ between attempts); null before one was chosen. */
  @Column({ name: 'service_type', type: 'varchar', length: 32, nullable: true }) serviceType: MessagingServiceType | null;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt: Date;
  @Column({ name: 'finished_at', type: 'timestamptz' }) finishedAt: Date;
}
