import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** What a stored template says (decision D32). `sms` null: SMS keeps the built-in text. */
export interface TemplateContent {
  subject: string;
  /** Sanitised HTML with `__VARIABLE__` tokens. */
  body: string;
  sms: string | null;
}

/** An editable template: one variant (`locale`, '' for the base) of one customizable message type. */
@Entity('messaging_template')
export class MessagingTemplateEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 64 }) type: string;
  @Column({ type: 'varchar', length: 255 }) label: string;
  @Column({ type: 'varchar', length: 35, default: '' }) locale: string;
  @Column({ type: 'jsonb' }) content: TemplateContent;
  @Column({ name: 'is_enabled', type: 'boolean', default: false }) isEnabled: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
