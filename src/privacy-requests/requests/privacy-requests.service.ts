import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Brackets, DataSource, EntityManager } from 'typeorm';
import { KeyRing } from '../../common/crypto/index.js';
import { HeraldError, badRequest, notFound } from '../../common/errors/herald.error.js';
import { Page, pageOffset, toPage } from '../../common/pagination.js';
import { SETTINGS, type Settings } from '../../config/settings.js';
import { NotificationsService } from '../../notifications/notifications.service.js';
import { NotificationSettingsService } from '../../notifications/settings/notification-settings.service.js';
import { MessagingActionType } from '../../notifications/templates/messaging-action-type.js';
import type { Requester } from '../../rate-limits/client-address.js';
import { RateLimitsService, type Charge } from '../../rate-limits/rate-limits.service.js';
import { ExecutionQueue } from '../execution/execution-queue.js';
import { PoliciesService, type Policy } from '../policies/policies.service.js';
import { IdentityVault, type Identity } from './identity-vault.js';
import type { PrivacyRequestView } from './privacy-request.mapper.js';
import { AuditLogEntity, ExecutionLogEntity, PrivacyRequestEntity, type PrivacyRequestStatus } from './privacy-request.entity.js';
import { escapeLike } from '../../common/database/postgres-errors.js';

export interface CreateRequestInput {
  identity: Identity;
  policyKey: string;
  requestedAt?: Date;
  externalId?: string | null;
  startedProcessingAt?: Date | null;
  finishedProcessingAt?: Date | null;
}

export interface BulkFailure {
  message: string;
  data: Record<string, unknown>;
}

export interface CreateResult {
  succeeded: PrivacyRequestView[];
  failed: BulkFailure[];
}

export interface ReviewResult {
  succeeded: PrivacyRequestView[];
  /** `view` when the request exists (Fides answers the whole request as `data`). */
  failed: { message: string; id: string; view?: PrivacyRequestView }[];
}

export interface RequestFilter {
  requestId?: string;
  externalId?: string;
  identity?: string;
  statuses?: PrivacyRequestStatus[];
  createdLt?: Date;
  createdGt?: Date;
  startedLt?: Date;
  startedGt?: Date;
  completedLt?: Date;
  completedGt?: Date;
  erroredLt?: Date;
  erroredGt?: Date;
  sortField?: string;
  sortDirection?: 'asc' | 'desc';
  includeIdentities?: boolean;
  verbose?: boolean;
}

const SORTABLE: Record<string, string> = {
  created_at: 'r.created_at',
  updated_at: 'r.updated_at',
  requested_at: 'r.requested_at',
  started_processing_at: 'r.started_processing_at',
  finished_processing_at: 'r.finished_processing_at',
  reviewed_at: 'r.reviewed_at',
  identity_verified_at: 'r.identity_verified_at',
  status: 'r.status',
  id: 'r.id',
  external_id: 'r.external_id',
};

export const SYSTEM = 'system';
export const privacyRequestNotFound = (id: string) => notFound(`No privacy request found with id '${id}'.`);

/**
 * Privacy requests from creation to review: identities sealed, verification codes hashed with their expiry and
 * attempt counter (decision D7), receipts and review notices through the outbox in the same transaction as the change
 * they announce, and approval queuing the run.
 */
@Injectable()
export class PrivacyRequestsService {
  private readonly logger = new Logger(PrivacyRequestsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
  async create(items: CreateRequestInput[], from: 'authenticated' | Requester): Promise<CreateResult> {
    const authenticated = from === 'authenticated';
    const result: CreateResult = { succeeded: [], failed: [] };
    const current = await this.notificationSettings.current();
    if (!authenticated) await this.rateLimits.charge(this.creationCharges(items, from, current.execution.subject_identity_verification_required));
    for (const item of items) {
      const data = itemData(item);
      const identity = cleanIdentity(item.identity);
      if (!identity.email && !identity.phone_number) {
        result.failed.push({ message: 'You must provide at least one identity to process', data });
        continue;
      }
      const policy = await this.policies.findByKey(item.policyKey);
      if (!policy) {
        result.failed.push({ message: `Policy with key ${item.policyKey} does not exist`, data });
        continue;
      }
      const verify = !authenticated && current.execution.subject_identity_verification_required;
      try {
        const { request, code } = await this.dataSource.transaction(async (m) => {
          const created = await this.insert(m, item, identity, policy, verify ? 'identity_unverified' : 'pending');
          if (verify) return { request: created, code: await this.newCode(m, created) };
          if (!authenticated && current.notifications.send_request_receipt_notification) await this.receipt(m, created, identity, policy);
          if (!current.execution.require_manual_request_approval) await this.autoApprove(m, created);
          return { request: created, code: undefined };
        });
        if (code !== undefined && !(await this.sendCode(request, identity, code))) {
          // The request stays, unverified, as in Fides: the subject may ask for a new one.
          result.failed.push({
            message: 'Verification message could not be sent.',
            data: { ...data, privacy_request_id: request.id, status: request.status },
          });
          continue;
        }
        result.succeeded.push({ request: await this.reload(request.id), policy });
      } catch (error) {
        this.logger.error({ err: error }, 'a privacy request could not be created');
        result.failed.push({ message: 'This record could not be added', data });
      }
    }
    return result;
  }

  async get(id: string, options: { includeIdentities?: boolean; verbose?: boolean } = {}): Promise<PrivacyRequestView> {
    const request = await this.dataSource.getRepository(PrivacyRequestEntity).findOneBy({ id });
    if (!request) throw privacyRequestNotFound(id);
    return (await this.views([request], options))[0];
  }

  async list(filter: RequestFilter, page: { page: number; size: number }): Promise<Page<PrivacyRequestView>> {
    if ((filter.completedLt || filter.completedGt) && (filter.erroredLt || filter.erroredGt)) {
      throw badRequest('Cannot specify both succeeded and failed query params.');
    }
    for (const [name, lt, gt] of [
      ['created', filter.createdLt, filter.createdGt],
      ['started', filter.startedLt, filter.startedGt],
      ['completed', filter.completedLt, filter.completedGt],
      ['errored', filter.erroredLt, filter.erroredGt],
    ] as const) {
      if (lt && gt && lt < gt) throw badRequest(`Value specified for ${name}_lt: ${lt.toISOString()} must be after ${name}_gt: ${gt.toISOString()}.`);
    }
    const sort = SORTABLE[filter.sortField ?? 'created_at'];
    if (!sort)
      throw new HeraldError('unprocessable', [{ loc: ['query', 'sort_field'], msg: `${filter.sortField} is not on PrivacyRequest`, type: 'value_error' }]);

    const q = this.dataSource.getRepository(PrivacyRequestEntity).createQueryBuilder('r');
    if (filter.requestId) q.andWhere('lower(r.id) LIKE :rid', { rid: `${escapeLike(filter.requestId.toLowerCase())}%` });
    if (filter.externalId) q.andWhere('r.external_id LIKE :eid', { eid: `${escapeLike(filter.externalId)}%` });
    if (filter.identity) {
      // Any hash the row may carry: rows not yet rotated keep a previous key's (or the pre-key-ring) hash.
      const [eh, ph] = [this.vault.hashes('email', filter.identity), this.vault.hashes('phone_number', filter.identity)];
      q.andWhere(new Brackets((b) => b.where('r.email_hash IN (:...eh)', { eh }).orWhere('r.phone_number_hash IN (:...ph)', { ph })));
    }
    if (filter.statuses?.length) q.andWhere('r.status IN (:...statuses)', { statuses: filter.statuses });
    // Bounds compare at millisecond precision: the API prints milliseconds, so a printed time means what it says.
    if (filter.createdLt) q.andWhere("date_trunc('milliseconds', r.created_at) < :clt", { clt: filter.createdLt });
    if (filter.createdGt) q.andWhere("date_trunc('milliseconds', r.created_at) > :cgt", { cgt: filter.createdGt });
    if (filter.startedLt) q.andWhere("date_trunc('milliseconds', r.started_processing_at) < :slt", { slt: filter.startedLt });
    if (filter.startedGt) q.andWhere("date_trunc('milliseconds', r.started_processing_at) > :sgt", { sgt: filter.startedGt });
    if (filter.completedLt || filter.completedGt) q.andWhere("r.status = 'complete'");
    if (filter.completedLt) q.andWhere("date_trunc('milliseconds', r.finished_processing_at) < :flt", { flt: filter.completedLt });
    if (filter.completedGt) q.andWhere("date_trunc('milliseconds', r.finished_processing_at) > :fgt", { fgt: filter.completedGt });
    if (filter.erroredLt || filter.erroredGt) q.andWhere("r.status = 'error'");
    if (filter.erroredLt) q.andWhere("date_trunc('milliseconds', r.finished_processing_at) < :elt", { elt: filter.erroredLt });
    if (filter.erroredGt) q.andWhere("date_trunc('milliseconds', r.finished_processing_at) > :egt", { egt: filter.erroredGt });
    q.orderBy(sort, filter.sortDirection === 'asc' ? 'ASC' : 'DESC', 'NULLS LAST').addOrderBy('r.id', 'ASC');
    const [requests, total] = await q.skip(pageOffset(page)).take(page.size).getManyAndCount();
    return toPage(await this.views(requests, { includeIdentities: filter.includeIdentities, verbose: filter.verbose }), total, page);
  }

  /** Execution logs of a request, oldest first. */
  async executionLogs(id: string, page: { page: number; size: number }): Promise<Page<ExecutionLogEntity>> {
    await this.get(id);
    const [items, total] = await this.dataSource.getRepository(ExecutionLogEntity).findAndCount({
      where: { privacyRequestId: id },
      order: { updatedAt: 'ASC', id: 'ASC' },
      skip: pageOffset(page),
      take: page.size,
    });
    return toPage(items, total, page);
  }

  async auditLogs(id: string): Promise<AuditLogEntity[]> {
    return this.dataSource.getRepository(AuditLogEntity).find({ where: { privacyRequestId: id }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  identityOf(request: PrivacyRequestEntity): Identity {
    return this.vault.open(request.id, request.identity);
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
    return this.get(outcome.id);
  }

  approve(ids: string[], reviewer: string | null): Promise<ReviewResult> {
    return this.review(ids, reviewer, 'approved', null);
  }

  deny(ids: string[], reviewer: string | null, reason: string | null): Promise<ReviewResult> {
    return this.review(ids, reviewer, 'denied', reason);
  }

  /** Resumes a failed run at the step that failed, without redoing finished steps or resending sent messages. */
  async retry(id: string): Promise<PrivacyRequestView> {
    await this.dataSource.transaction(async (m) => {
      const request = await m.findOne(PrivacyRequestEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!request) throw privacyRequestNotFound(id);
      if (request.status !== 'error') throw badRequest(`Cannot resume privacy request '${id}' from failure: its status is ${request.status}, not error.`);
      Object.assign(request, {
        status: 'in_processing',
        runAttempt: request.runAttempt + 1,
        awaitingMessages: false,
        actionRequiredDetails: null,
        failureReason: null,
        finishedProcessingAt: null,
      });
      await m.save(request);
      await this.executions.enqueue(id, m);
    });
    return this.get(id);
  }

  private async review(ids: string[], reviewer: string | null, to: 'approved' | 'denied', reason: string | null): Promise<ReviewResult> {
    const current = await this.notificationSettings.current();
    const result: ReviewResult = { succeeded: [], failed: [] };
    for (const id of ids) {
      try {
        const outcome = await this.dataSource.transaction(async (m) => {
          const request = await m.findOne(PrivacyRequestEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
          if (!request) return 'missing' as const;
          if (request.status !== 'pending') return { stuck: request };
          Object.assign(request, { status: to, reviewedAt: new Date(), reviewedBy: reviewer });
          await m.save(request);
          await m.insert(AuditLogEntity, { privacyRequestId: id, action: to, userId: reviewer, message: to === 'denied' ? reason : '' });
          if (current.notifications.send_request_review_notification) {
            await this.notifications.notify(
              {
                actionType: to === 'approved' ? MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE : MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY,
                recipient: this.vault.open(id, request.identity),
                params: to === 'denied' ? { rejection_reason: reason } : {},
                privacyRequestId: id,
                idempotencyKey: `pr:${id}:review`,
              },
              m,
            );
          }
          if (to === 'approved') await this.executions.enqueue(id, m);
          return { done: request };
        });
        if (outcome === 'missing') result.failed.push({ message: `No privacy request found with id '${id}'`, id });
        else if ('stuck' in outcome) result.failed.push({ message: 'Cannot transition status', id, view: await this.get(id) });
        else result.succeeded.push(await this.get(id));
      } catch (error) {
        this.logger.error({ err: error }, 'a privacy request could not be reviewed');
        result.failed.push({ message: 'Privacy request could not be updated', id });
      }
    }
    return result;
  }

  /** Every item counts per address; per identity value; and per identity again for the code it would be sent. */
  private creationCharges(items: CreateRequestInput[], requester: Requester, sendsCode: boolean): Charge[] {
    const charges: Charge[] = requester.address === undefined ? [] : [{ limit: 'privacyRequestsPerAddress', subject: requester.address, cost: items.length }];
    for (const item of items) {
      for (const subject of this.identityHashes(cleanIdentity(item.identity))) {
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
    item: CreateRequestInput,
    identity: Identity,
    policy: Policy,
    status: PrivacyRequestStatus,
  ): Promise<PrivacyRequestEntity> {
    const id = `pri_${randomUUID()}`;
    const requestedAt = item.requestedAt ?? new Date();
    const request = m.create(PrivacyRequestEntity, {
      id,
      policyId: policy.id,
      status,
      externalId: item.externalId ?? null,
      identity: this.vault.seal(id, identity),
      emailHash: identity.email ? this.vault.hash('email', identity.email) : null,
      phoneNumberHash: identity.phone_number ? this.vault.hash('phone_number', identity.phone_number) : null,
      requestedAt,
      dueDate: policy.executionTimeframe ? new Date(requestedAt.getTime() + policy.executionTimeframe * 86_400_000) : null,
      startedProcessingAt: item.startedProcessingAt ?? null,
      finishedProcessingAt: item.finishedProcessingAt ?? null,
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

  private async views(requests: PrivacyRequestEntity[], options: { includeIdentities?: boolean; verbose?: boolean }): Promise<PrivacyRequestView[]> {
    const policies = new Map<string, Policy>();
    for (const policyId of new Set(requests.map((r) => r.policyId))) policies.set(policyId, (await this.policies.findById(policyId)) as Policy);
    const ids = requests.map((r) => r.id);
    const [executionLogs, auditLogs] =
      options.verbose && ids.length > 0
        ? await Promise.all([
            this.dataSource
              .getRepository(ExecutionLogEntity)
              .find({ where: ids.map((privacyRequestId) => ({ privacyRequestId })), order: { updatedAt: 'ASC', id: 'ASC' } }),
            this.dataSource
              .getRepository(AuditLogEntity)
              .find({ where: ids.map((privacyRequestId) => ({ privacyRequestId })), order: { createdAt: 'ASC', id: 'ASC' } }),
          ])
        : [undefined, undefined];
    return requests.map((request) => ({
      request,
      policy: policies.get(request.policyId)!,
      identity: options.includeIdentities ? this.vault.open(request.id, request.identity) : undefined,
      executionLogs: executionLogs?.filter((l) => l.privacyRequestId === request.id),
      auditLogs: auditLogs?.filter((l) => l.privacyRequestId === request.id),
    }));
  }
}

function cleanIdentity(identity: Identity): Identity {
  const email = identity.email?.trim() || null;
  const phone = identity.phone_number?.trim() || null;
  return { email, phone_number: phone };
}

/** A failed item's `data`: what was asked, never the identity itself. */
function itemData(item: CreateRequestInput): Record<string, unknown> {
  return {
    policy_key: item.policyKey,
    requested_at: item.requestedAt?.toISOString() ?? null,
    external_id: item.externalId ?? null,
  };
}
