import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/index.js';
import { ConnectionsModule } from '../connections/index.js';
import { DatasetsModule } from '../datasets/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { RateLimitsModule } from '../rate-limits/index.js';
import { BatchEmailStep } from './email-batch/batch-email.step.js';
import { EmailBatchController } from './email-batch/email-batch.controller.js';
import { EmailBatchResolver } from './email-batch/email-batch.resolver.js';
import { EmailBatchScheduler } from './email-batch/email-batch.schedule.js';
import { EmailBatchSender } from './email-batch/email-batch.sender.js';
import { ErrorAlertsController } from './error-alerts/error-alerts.controller.js';
import { ErrorAlertsResolver } from './error-alerts/error-alerts.resolver.js';
import { ErrorAlertsService } from './error-alerts/error-alerts.service.js';
import { AccessPackages } from './execution/access-packages.js';
import { BouncedErasureEmails } from './execution/bounced-erasure-emails.js';
import { ExecutionQueue } from './execution/execution-queue.js';
import { RequestExecutionWorker } from './execution/request-execution.worker.js';
import { RequestRunner } from './execution/request-runner.js';
import { PoliciesModule } from './policies/policies.module.js';
import { IdVerificationController } from './requests/id-verification.controller.js';
import { IdentityVault } from './requests/identity-vault.js';
import { AuditLogEntity, ExecutionLogEntity, PrivacyRequestEntity } from './requests/privacy-request.entity.js';
import { PrivacyRequestsController } from './requests/privacy-requests.controller.js';
import { PrivacyRequestsResolver } from './requests/privacy-requests.resolver.js';
import { PrivacyRequestUpdates } from './requests/privacy-request-updates.js';
import { PrivacyRequestsService } from './requests/privacy-requests.service.js';
import { RequestIntakeService } from './requests/request-intake.service.js';
import { RequestReviewService } from './requests/request-review.service.js';
import { IdentityErasure } from './retention/identity-erasure.js';
import { RetentionController } from './retention/retention.controller.js';
import { RetentionPurge } from './retention/retention-purge.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([PrivacyRequestEntity, AuditLogEntity, ExecutionLogEntity]),
    PoliciesModule,
    NotificationsModule,
    ConnectionsModule,
    DatasetsModule,
    AuthModule,
    RateLimitsModule,
  ],
  controllers: [EmailBatchController, PrivacyRequestsController, IdVerificationController, ErrorAlertsController, RetentionController],
  providers: [
    PrivacyRequestsService,
    RequestIntakeService,
    RequestReviewService,
    PrivacyRequestsResolver,
    PrivacyRequestUpdates,
    IdentityVault,
    AccessPackages,
    ExecutionQueue,
    RequestRunner,
    RequestExecutionWorker,
    BouncedErasureEmails,
    ErrorAlertsService,
    ErrorAlertsResolver,
    BatchEmailStep,
    EmailBatchSender,
    EmailBatchScheduler,
    EmailBatchResolver,
    IdentityErasure,
    RetentionPurge,
  ],
})
export class PrivacyRequestsModule {}
