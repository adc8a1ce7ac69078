import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity('oauth_client')
export class OauthClientEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  /** scrypt of the secret under `salt`; the secret itself is shown once, at creation. */
  @Column({ name: 'hashed_secret', type: 'varchar', length: 255 })
  hashedSecret: string;

  @Column({ type: 'varchar', length: 64 })
  salt: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  scopes: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
