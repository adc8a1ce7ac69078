import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SuppressionChannel = 'email' | 'sms';
export type SuppressionCause = 'bounce' | 'complaint' | 'manual';

/**
 * A recipient no message may go to (decision D28). Found by `recipientHash`; `recipient` is the address sealed to the
 * row, opened only by key rotation to recompute the hash; `recipientHint` is what APIs show.
 */
@Entity('suppression')
export class SuppressionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'recipient_hash', type: 'varchar', length: 64 }) recipientHash: string;
  @Column({ type: 'text' }) recipient: string;
  @Column({ name: 'recipient_hint', type: 'varchar', length: 255 }) recipientHint: string;
  @Column({ type: 'varchar', length: 8 }) channel: SuppressionChannel;
  @Column({ type: 'varchar', length: 16 }) cause: SuppressionCause;
  @Column({ name: 'message_id', type: 'uuid', nullable: true }) messageId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
