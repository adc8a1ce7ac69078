import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { KeyRing } from '../../common/crypto/index.js';
import { HeraldError, badRequest } from '../../common/errors/herald.error.js';
import { SETTINGS, type Settings } from '../../config/index.js';
import { MessagingActionType, NotificationSettingsService, NotificationsService } from '../../notifications/index.js';
import { RateLimitsService, type Requester, type Charge } from '../../rate-limits/index.js';
import { ExecutionQueue } from '../execution/execution-queue.js';
import { PoliciesService, type Policy } from '../policies/policies.service.js';
import { IdentityVault, type Identity } from './identity-vault.js';
import { AuditLogEntity, PrivacyRequestEntity, SYSTEM, type PrivacyRequestStatus } from './privacy-request.entity.js';
import type { CreatePrivacyRequestCommand, CreateResult, PrivacyRequestView } from './privacy-request.types.js';
import { PrivacyRequestsService, privacyRequestNotFound } from './privacy-requests.service.js';

/**
 * How privacy requests come in: creation (each item on its own, rate limited on the public route, decision D18) and
 * identity verification with a 6-digit code kept only as a keyed hash with its expiry and attempt counter (decision
 * D7). Receipts go through the outbox in the same transaction as the change they announce; without manual approval,
 * the system approves the request and queues its run in that transaction too.
 */
@Injectable()
export class RequestIntakeService {
  private readonly logger = new Logger(RequestIntakeService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly requests: PrivacyRequestsService,
    private readonly policies: PoliciesService,
    private readonly vault: IdentityVault,
    private readonly notifications: NotificationsService,
    private readonly notificationSettings: NotificationSettingsService,
    private readonly executions: ExecutionQueue,
    private readonly rateLimits: RateLimitsService,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly keys: KeyRing,
  ) {}

  /**
   * Fides' bulk creation: each item succeeds or fails on its own. `authenticated` (the token-only route) skips
   * verification, receipt and rate limits; a public `requester` is limited (D18) for the whole call before any item
   * is created.
   */
  async create(commands: CreatePrivacyRequestCommand[], from: 'authenticated' | Requester): Promise<CreateResult> {
    const authenticated = from === 'authenticated';
    const result: CreateResult = { succeeded: [], failed: [] };
    const current = await this.notificationSettings.current();
    if (!authenticated) await this.rateLimits.charge(this.creationCharges(commands, from, current.execution.subject_identity_verification_required));
    for (const command of commands) {
      const identity = cleanIdentity(command.identity);
      if (!identity.email && !identity.phone_number) {
        result.failed.push({ message: 'You must provide at least one identity to process', command });
        continue;
      }
      const policy = await this.policies.findByKey(command.policyKey);
      if (!policy) {
        result.failed.push({ message: `Policy with key ${command.policyKey} does not exist`, command });
        continue;
      }
      const verify = !authenticated && current.execution.subject_identity_verification_required;
      try {
        const { request, code } = await this.dataSource.transaction(async (m) => {
          const created = await this.insert(m, command, identity, policy, verify ? 'identity_unverified' : 'pending');
          if (verify) return { request: created, code: await this.newCode(m, created) };
          if (!authenticated && current.notifications.send_request_receipt_notification) await this.receipt(m, created, identity, policy);
          if (!current.execution.require_manual_request_approval) await this.autoApprove(m, created);
          return { request: created, code: undefined };
        });
        if (code !== undefined && !(await this.sendCode(request, identity, code))) {
          // The request stays, unverified, as in Fides: the subject may ask for a new one.
          result.failed.push({ message: 'Verification message could not be sent.', command, request: { id: request.id, status: request.status } });
          continue;
        }
        result.succeeded.push({ request: await this.reload(request.id), policy });
      } catch (error) {
        this.logger.error({ err: error }, 'a privacy request could not be created');
        result.failed.push({ message: 'This record could not be added', command });
      }
    }
    return result;
  }

  /** Fides' five outcomes; the code is spent on success and when the attempt limit is hit (decision D7). */
  async verify(id: string, code: string, requester: Requester): Promise<PrivacyRequestView> {
    await this.rateLimits.charge(await this.verificationCharges(id, requester));
    const current = await this.notificationSettings.current();
    const outcome = await this.dataSource.transaction(async (m) => {
      const request = await m.findOne(PrivacyRequestEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!request) return privacyRequestNotFound(id);
      if (request.status !== 'identity_unverified') {
        return badRequest(`Invalid identity verification request. Privacy request '${id}' status = ${request.status}.`);
      }
      if (!request.verificationCodeHash || !request.verificationExpiresAt || request.verificationExpiresAt <= new Date()) {
        return badRequest(`Identification code expired for ${id}.`);
      }
      if (request.verificationAttempts >= this.settings.security.identityVerificationAttemptLimit) {
        await m.update(PrivacyRequestEntity, { id }, { verificationCodeHash: null, verificationExpiresAt: null, verificationAttempts: 0 });
        return new HeraldError('forbidden', `Attempt limit hit for '${id}'`);
      }
      if (!this.codeMatches(request, code)) {
        await m.increment(PrivacyRequestEntity, { id }, 'verificationAttempts', 1);
        return new HeraldError('forbidden', `Incorrect identification code for '${id}'`);
      }
      Object.assign(request, {
        status: 'pending',
        identityVerifiedAt: new Date(),
        verificationCodeHash: null,
        verificationExpiresAt: null,
        verificationAttempts: 0,
      });
      await m.save(request);
      const policy = (await this.policies.findById(request.policyId)) as Policy;
      if (current.notifications.send_request_receipt_notification) await this.receipt(m, request, this.vault.open(request.id, request.identity), policy);
      if (!current.execution.require_manual_request_approval) await this.autoApprove(m, request);
      return request;
    });
    // Failed attempts are counted (committed) before the caller is told.
    if (outcome instanceof HeraldError) throw outcome;
    return this.requests.get(outcome.id);
  }

  /** Every item counts per address; per identity value; and per identity again for the code it would be sent. */
  private creationCharges(commands: CreatePrivacyRequestCommand[], requester: Requester, sendsCode: boolean): Charge[] {
    const charges: Charge[] =
      requester.address === undefined ? [] : [{ limit: 'privacyRequestsPerAddress', subject: requester.address, cost: commands.length }];
    for (const command of commands) {
      for (const subject of this.identityHashes(cleanIdentity(command.identity))) {
        charges.push({ limit: 'privacyRequestsPerIdentity', subject });
        if (sendsCode) charges.push({ limit: 'verificationCodesPerIdentity', subject });
      }
    }
    return charges;
  }

  /** Every attempt counts per address and per identity of the request (an unknown id per address only). */
  private async verificationCharges(id: string, requester: Requester): Promise<Charge[]> {
    const charges: Charge[] = requester.address === undefined ? [] : [{ limit: 'verificationsPerAddress', subject: requester.address }];
    const request = await this.dataSource
      .getRepository(PrivacyRequestEntity)
      .findOne({ where: { id }, select: { id: true, emailHash: true, phoneNumberHash: true } });
    for (const hash of [request?.emailHash, request?.phoneNumberHash]) {
      if (hash) charges.push({ limit: 'verificationsPerIdentity', subject: hash });
    }
    return charges;
  }

  /** The identity's lookup hashes: what the limits count per identity, the same for creation and verification. */
  private identityHashes(identity: Identity): string[] {
    return [
      ...(identity.email ? [this.vault.hash('email', identity.email)] : []),
      ...(identity.phone_number ? [this.vault.hash('phone_number', identity.phone_number)] : []),
    ];
  }

  private async insert(
    m: EntityManager,
    command: CreatePrivacyRequestCommand,
    identity: Identity,
    policy: Policy,
    status: PrivacyRequestStatus,
  ): Promise<PrivacyRequestEntity> {
    const id = `pri_${randomUUID()}`;
    const requestedAt = command.requestedAt ?? new Date();
    const request = m.create(PrivacyRequestEntity, {
      id,
      policyId: policy.id,
      status,
      externalId: command.externalId ?? null,
      identity: this.vault.seal(id, identity),
      emailHash: identity.email ? this.vault.hash('email', identity.email) : null,
      phoneNumberHash: identity.phone_number ? this.vault.hash('phone_number', identity.phone_number) : null,
      requestedAt,
      dueDate: policy.executionTimeframe ? new Date(requestedAt.getTime() + policy.executionTimeframe * 86_400_000) : null,
      startedProcessingAt: command.startedProcessingAt ?? null,
      finishedProcessingAt: command.finishedProcessingAt ?? null,
      locale: command.locale ?? null,
    });
    return m.save(request);
  }

  /** A 6-digit code from a CSPRNG, kept only as a keyed hash with its expiry. */
  private async newCode(m: EntityManager, request: PrivacyRequestEntity): Promise<string> {
    const code = String(randomInt(100_000, 1_000_000));
    await m.update(
      PrivacyRequestEntity,
      { id: request.id },
      {
        verificationCodeHash: this.codeHash(request.id, code),
        verificationExpiresAt: new Date(Date.now() + this.settings.redis.identityVerificationCodeTtlSeconds * 1000),
        verificationAttempts: 0,
      },
    );
    return code;
  }

  /** Sends the code and waits (bounded) for the first attempt: the subject is told at once if it could not go. */
  private async sendCode(request: PrivacyRequestEntity, identity: Identity, code: string): Promise<boolean> {
    const attempt = await this.notifications.sendNow({
      actionType: MessagingActionType.SUBJECT_IDENTITY_VERIFICATION,
      recipient: identity,
      params: { verification_code: code, verification_code_ttl_seconds: this.settings.redis.identityVerificationCodeTtlSeconds },
      privacyRequestId: request.id,
      idempotencyKey: `pr:${request.id}:verification:${randomUUID()}`,
      locale: request.locale,
    });
    return attempt.status === 'sent';
  }

  private codeHash(requestId: string, code: string): string {
    return this.keys.mac('verification-code', `${requestId}:${code}`);
  }

  /** A code sent before a key change (or before the key ring) still matches under the key that hashed it. */
  private codeMatches(request: PrivacyRequestEntity, code: string): boolean {
    const stored = Buffer.from(request.verificationCodeHash ?? '', 'hex');
    return this.keys.macs('verification-code', `${request.id}:${code.trim()}`).some((hash) => {
      const given = Buffer.from(hash, 'hex');
      return given.length === stored.length && timingSafeEqual(given, stored);
    });
  }

  private async receipt(m: EntityManager, request: PrivacyRequestEntity, identity: Identity, policy: Policy): Promise<void> {
    const types = (['access', 'erasure'] as const).filter((t) => policy.rules.some((r) => r.actionType === t));
    await this.notifications.notify(
      {
        actionType: MessagingActionType.PRIVACY_REQUEST_RECEIPT,
        recipient: identity,
        params: { request_types: types },
        privacyRequestId: request.id,
        idempotencyKey: `pr:${request.id}:receipt`,
        locale: request.locale,
      },
      m,
    );
  }

  /** Manual approval off: approved by the system, and queued. */
  private async autoApprove(m: EntityManager, request: PrivacyRequestEntity): Promise<void> {
    await m.insert(AuditLogEntity, { privacyRequestId: request.id, action: 'approved', userId: SYSTEM, message: '' });
    await this.executions.enqueue(request.id, m);
  }

  private async reload(id: string): Promise<PrivacyRequestEntity> {
    return this.dataSource.getRepository(PrivacyRequestEntity).findOneByOrFail({ id });
  }
}

function cleanIdentity(identity: Identity): Identity {
  const email = identity.email?.trim() || null;
  const phone = identity.phone_number?.trim() || null;
  return { email, phone_number: phone };
}
