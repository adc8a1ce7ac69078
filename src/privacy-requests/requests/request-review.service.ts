import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { badRequest } from '../../common/errors/herald.error.js';
import { MessagingActionType, NotificationSettingsService, NotificationsService } from '../../notifications/index.js';
import { ExecutionQueue } from '../execution/execution-queue.js';
import { IdentityVault } from './identity-vault.js';
import { AuditLogEntity, PrivacyRequestEntity } from './privacy-request.entity.js';
import type { PrivacyRequestView, ReviewResult } from './privacy-request.types.js';
import { PrivacyRequestsService, privacyRequestNotFound } from './privacy-requests.service.js';

/**
 * What staff do to requests: approve or deny the pending ones (each on its own; the audit log entry, the review notice
 * and, on approval, the run job in one transaction), and resume one in error at the step that failed.
 */
@Injectable()
export class RequestReviewService {
  private readonly logger = new Logger(RequestReviewService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly requests: PrivacyRequestsService,
    private readonly vault: IdentityVault,
    private readonly notifications: NotificationsService,
    private readonly notificationSettings: NotificationSettingsService,
    private readonly executions: ExecutionQueue,
  ) {}

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
    return this.requests.get(id);
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
                locale: request.locale,
              },
              m,
            );
          }
          if (to === 'approved') await this.executions.enqueue(id, m);
          return { done: request };
        });
        if (outcome === 'missing') result.failed.push({ message: `No privacy request found with id '${id}'`, id });
        else if ('stuck' in outcome) result.failed.push({ message: 'Cannot transition status', id, view: await this.requests.get(id) });
        else result.succeeded.push(await this.requests.get(id));
      } catch (error) {
        this.logger.error({ err: error }, 'a privacy request could not be reviewed');
        result.failed.push({ message: 'Privacy request could not be updated', id });
      }
    }
    return result;
  }
}
