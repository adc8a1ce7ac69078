import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { MessagingServiceType } from '../common/messaging-service-type.js';
import type { MessagingConfigDetails } from './messaging-config-details.js';

/** A provider configuration; at most one per service type. Its secrets live in the Secrets module. */
@Entity('messaging_config')
export class MessagingConfigEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'service_type', type: 'varchar', length: 32 })
  serviceType: MessagingServiceType;

  @Column({ type: 'jsonb', nullable: true })
  details: MessagingConfigDetails | null;

  /** Decision D31: when `POST /messaging/test/{service_type}` last ran for this config, and whether it sent. */
  @Column({ name: 'last_test_timestamp', type: 'timestamptz', nullable: true })
  lastTestTimestamp: Date | null;

  @Column({ name: 'last_test_succeeded', type: 'boolean', nullable: true })
  lastTestSucceeded: boolean | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
