import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AccessLevel, ConnectionType } from './connection.types.js';

/** A connection to a third party (Fides' ConnectionConfig). Its secrets live in the Secrets module. */
@Entity('connection')
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'connection_type', type: 'varchar', length: 32 })
  connectionType: ConnectionType;

  @Column({ type: 'varchar', length: 8 })
  access: AccessLevel;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @Column({ name: 'last_test_timestamp', type: 'timestamptz', nullable: true })
  lastTestTimestamp: Date | null;

  @Column({ name: 'last_test_succeeded', type: 'boolean', nullable: true })
  lastTestSucceeded: boolean | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
