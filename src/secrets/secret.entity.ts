import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/** One owner's secrets, sealed (see common/crypto-envelope). Only the Secrets module reads this table. */
@Entity('secret')
@Unique('UQ_secret_owner', ['ownerKind', 'ownerId'])
export class SecretEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_kind', type: 'varchar', length: 64 })
  ownerKind: string;

  @Column({ name: 'owner_id', type: 'varchar', length: 255 })
  ownerId: string;

  @Column({ type: 'text' })
  envelope: string;

  @Column({ name: 'key_version', type: 'integer' })
  keyVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
