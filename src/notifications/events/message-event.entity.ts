import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MessagingServiceType } from '../../common/messaging-service-type.js';
import type { DeliveryEventType } from './delivery-status.js';

/** One delivery event of a message (decision D27): no recipient, the provider's reason with it redacted. */
@Entity('message_event')
export class MessageEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'message_id', type: 'uuid' }) messageId: string;
  @Column({ name: 'service_type', type: 'varchar', length: 32 }) serviceType: MessagingServiceType;
  @Column({ type: 'varchar', length: 16 }) type: DeliveryEventType;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt: Date;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'provider_event_id', type: 'varchar', length: 255 }) providerEventId: string;
}
