import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, In } from 'typeorm';
import { pageTotal } from '../../common/database/page-total.js';
import { escapeLike } from '../../common/database/postgres-errors.js';
import { badRequest, invalid, notFound } from '../../common/errors/herald.error.js';
import { Page, pageOffset, toPage } from '../../common/pagination.js';
import { PoliciesService } from '../policies/policies.service.js';
import { IdentityVault } from './identity-vault.js';
import { AuditLogEntity, ExecutionLogEntity, PrivacyRequestEntity } from './privacy-request.entity.js';
import type { ListPrivacyRequestsParams, PrivacyRequestView } from './privacy-request.types.js';

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

export const privacyRequestNotFound = (id: string) => notFound(`No privacy request found with id '${id}'.`);

/**
 * Reading privacy requests: one, a filtered page, their logs, each with its policy (and, when asked for, its identity
 * and logs). Creation and verification are RequestIntakeService's, review and retry RequestReviewService's.
 */
@Injectable()
export class PrivacyRequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: PoliciesService,
    private readonly vault: IdentityVault,
  ) {}

  async get(id: string, options: { includeIdentities?: boolean; verbose?: boolean } = {}): Promise<PrivacyRequestView> {
    const request = await this.dataSource.getRepository(PrivacyRequestEntity).findOneBy({ id });
    if (!request) throw privacyRequestNotFound(id);
    return (await this.views([request], options))[0];
  }

  /** The requests with these ids that exist, as `get` shows them (no identities), in no particular order. */
  async getMany(ids: string[]): Promise<PrivacyRequestView[]> {
    if (ids.length === 0) return [];
    const requests = await this.dataSource.getRepository(PrivacyRequestEntity).findBy({ id: In(ids) });
    return this.views(requests, {});
  }

  /** Contradictory filters are a 400, an unknown `sortField` a 422 at `sortField`. */
  async list(filter: ListPrivacyRequestsParams, page: { page: number; size: number }): Promise<Page<PrivacyRequestView>> {
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
    if (!sort) throw invalid(['sortField'], `${filter.sortField} is not on PrivacyRequest`);

    const q = this.dataSource.getRepository(PrivacyRequestEntity).createQueryBuilder('r');
    if (filter.requestId) q.andWhere('lower(r.id) LIKE :rid', { rid: `${escapeLike(filter.requestId.toLowerCase())}%` });
    if (filter.externalId) q.andWhere('r.external_id LIKE :eid', { eid: `${escapeLike(filter.externalId)}%` });
    if (filter.identity) {
      // Any hash the row may carry: rows not yet rotated keep a previous key's (or the pre-key-ring) hash.
      const [eh, ph] = [this.vault.hashes('email', filter.identity), this.vault.hashes('phone_number', filter.identity)];
      q.andWhere(new Brackets((b) => b.where('r.email_hash IN (:...eh)', { eh }).orWhere('r.phone_number_hash IN (:...ph)', { ph })));
    }
    if (filter.statuses?.length) q.andWhere('r.status IN (:...statuses)', { statuses: filter.statuses });
    // Bounds compare at millisecond precision (the API prints milliseconds, so a printed time means what it says), written
    // so an index on the column serves them: for a bound in whole milliseconds (a Date is one), `date_trunc(ms, col) > gt`
    // is `col >= gt + 1 ms` and `date_trunc(ms, col) < lt` is `col < lt`.
    const after = (gt: Date) => new Date(gt.getTime() + 1);
    if (filter.createdLt) q.andWhere('r.created_at < :clt', { clt: filter.createdLt });
    if (filter.createdGt) q.andWhere('r.created_at >= :cgt', { cgt: after(filter.createdGt) });
    if (filter.startedLt) q.andWhere('r.started_processing_at < :slt', { slt: filter.startedLt });
    if (filter.startedGt) q.andWhere('r.started_processing_at >= :sgt', { sgt: after(filter.startedGt) });
    if (filter.completedLt || filter.completedGt) q.andWhere("r.status = 'complete'");
    if (filter.completedLt) q.andWhere('r.finished_processing_at < :flt', { flt: filter.completedLt });
    if (filter.completedGt) q.andWhere('r.finished_processing_at >= :fgt', { fgt: after(filter.completedGt) });
    if (filter.erroredLt || filter.erroredGt) q.andWhere("r.status = 'error'");
    if (filter.erroredLt) q.andWhere('r.finished_processing_at < :elt', { elt: filter.erroredLt });
    if (filter.erroredGt) q.andWhere('r.finished_processing_at >= :egt', { egt: after(filter.erroredGt) });
    // `id` breaks ties in the sort's direction: descending by created_at, that is the order of the (…, created_at DESC
    // NULLS LAST, id DESC) indexes; ascending, created_at (never null) is written NULLS FIRST so they serve it backwards.
    const direction = filter.sortDirection === 'asc' ? 'ASC' : 'DESC';
    const nulls = direction === 'ASC' && sort === 'r.created_at' ? 'NULLS FIRST' : 'NULLS LAST';
    const ordered = q.clone().orderBy(sort, direction, nulls).addOrderBy('r.id', direction);
    const requests = await ordered.clone().skip(pageOffset(page)).take(page.size).getMany();
    // By created_at (the default), all or of one status, the (created_at, id) and (status, created_at, id) indexes serve
    // the order: the count walks the page's index, not the table.
    const indexed = sort === 'r.created_at' && (filter.statuses?.length ?? 0) <= 1;
    // The total and the page's policies (and logs) are independent reads: on two connections at once.
    const [{ total }, views] = await Promise.all([
      pageTotal(ordered, page, requests.length, undefined, { countInOrder: indexed }),
      this.views(requests, { includeIdentities: filter.includeIdentities, verbose: filter.verbose }),
    ]);
    return toPage(views, total, page);
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

  /** The requests with their policies, and their identities and logs when asked for. */
  private async views(requests: PrivacyRequestEntity[], options: { includeIdentities?: boolean; verbose?: boolean }): Promise<PrivacyRequestView[]> {
    const policies = await this.policies.findByIds(requests.map((r) => r.policyId));
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
