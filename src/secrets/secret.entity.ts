import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/** One owner's secrets, sealed (see common/crypto/key-ring). Only the Secrets module (and key rotation) reads this table. */
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

  /** The envelope's format version (1 before the key ring, 2 with a key id); the key id itself is in the envelope. */
  @Column({ name: 'key_version', type: 'integer' })
  keyVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
