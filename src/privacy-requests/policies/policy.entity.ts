import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** What a privacy request under a policy does (Fides' ActionType, the two Herald executes). */
export type ActionType = 'access' | 'erasure';
export const ACTION_TYPES: readonly ActionType[] = ['access', 'erasure'];

/** A set of rules a privacy request is executed under (Fides' Policy). */
@Entity('policy')
export class PolicyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** Days a request has before it is due; null: no due date. */
  @Column({ name: 'execution_timeframe', type: 'integer', nullable: true })
  executionTimeframe: number | null;

  /** Always null: DRP is out of scope; kept so the column exists when it comes. */
  @Column({ name: 'drp_action', type: 'varchar', length: 32, nullable: true })
  drpAction: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('rule')
export class RuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'policy_id', type: 'uuid' })
  policyId: string;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'action_type', type: 'varchar', length: 16 })
  actionType: ActionType;

  /** `{strategy, configuration}` on erasure rules, null on access rules. */
  @Column({ name: 'masking_strategy', type: 'jsonb', nullable: true })
  maskingStrategy: { strategy: string; configuration: Record<string, unknown> } | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('rule_target')
export class RuleTargetEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'rule_id', type: 'uuid' })
  ruleId: string;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  name: string | null;

  @Column({ name: 'data_category', type: 'varchar', length: 255 })
  dataCategory: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
