import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { ENVELOPE_VERSION, KeyRing } from '../common/crypto/index.js';
import { SecretEntity } from './secret.entity.js';

/** Who a secret belongs to: a kind of owner (a table, in effect) and the owner's id. */
export type SecretOwnerKind = 'messaging_config' | 'connection';

/**
 * Encrypted storage of an owner's secrets, as one JSON object per owner. Owners call it; it calls no feature.
 * Pass the caller's EntityManager to take part in its transaction.
 */
@Injectable()
export class SecretsService {
  constructor(
    @InjectRepository(SecretEntity) private readonly secrets: Repository<SecretEntity>,
    private readonly keys: KeyRing,
  ) {}

  /** Replaces the owner's secrets. */
  async put(kind: SecretOwnerKind, ownerId: string, value: object, manager?: EntityManager): Promise<void> {
    const envelope = this.keys.seal(JSON.stringify(value), secretContext(kind, ownerId));
    await this.repository(manager).upsert(
      { ownerKind: kind, ownerId, envelope, keyVersion: ENVELOPE_VERSION, updatedAt: new Date() },
      { conflictPaths: ['ownerKind', 'ownerId'] },
    );
  }

  async get<T extends object>(kind: SecretOwnerKind, ownerId: string, manager?: EntityManager): Promise<T | undefined> {
    const row = await this.repository(manager).findOneBy({ ownerKind: kind, ownerId });
    return row ? (JSON.parse(this.keys.open(row.envelope, secretContext(kind, ownerId))) as T) : undefined;
  }

  async has(kind: SecretOwnerKind, ownerId: string): Promise<boolean> {
    // Asked on every read of an owner: a plain statement, without the query builder's cost.
    const rows = await this.secrets.query<unknown[]>('SELECT 1 FROM secret WHERE owner_kind = $1 AND owner_id = $2', [kind, ownerId]);
    return rows.length > 0;
  }

  /** Which of these owners have secrets, in one query. */
  async whichHave(kind: SecretOwnerKind, ownerIds: string[]): Promise<Set<string>> {
    if (ownerIds.length === 0) return new Set();
    const rows = await this.secrets.find({ select: { ownerId: true }, where: { ownerKind: kind, ownerId: In(ownerIds) } });
    return new Set(rows.map((r) => r.ownerId));
  }

  async delete(kind: SecretOwnerKind, ownerId: string, manager?: EntityManager): Promise<void> {
    await this.repository(manager).delete({ ownerKind: kind, ownerId });
  }

  private repository(manager?: EntityManager): Repository<SecretEntity> {
    return manager ? manager.getRepository(SecretEntity) : this.secrets;
  }
}

/** The additional data a secret is sealed with: its owner. */
export const secretContext = (kind: string, ownerId: string) => `${kind}:${ownerId}`;
