import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { FidesopsDataset } from './schema/dataset.types.js';

/** A dataset describing a connection's collections and fields, stored in its validated, defaulted form. */
@Entity('dataset')
export class DatasetEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @Column({ name: 'fides_key', type: 'varchar', length: 255 })
  fidesKey: string;

  // json, not jsonb: it keeps the keys in Fides' order, which clients see when they read a dataset back.
  @Column({ type: 'json' })
  dataset: FidesopsDataset;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
