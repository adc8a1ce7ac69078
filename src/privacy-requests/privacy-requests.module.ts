import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { ConnectionsModule } from '../connections/connections.module.js';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { RateLimitsModule } from '../rate-limits/rate-limits.module.js';
import { AccessPackages } from './execution/access-packages.js';
import { ExecutionQueue } from './execution/execution-queue.js';
import { RequestExecutionWorker } from './execution/request-execution.worker.js';
import { RequestRunner } from './execution/request-runner.js';
import { PoliciesModule } from './policies/policies.module.js';
import { IdentityVault } from './requests/identity-vault.js';
import { AuditLogEntity, ExecutionLogEntity, PrivacyRequestEntity } from './requests/privacy-request.entity.js';
import { PrivacyRequestsController } from './requests/privacy-requests.controller.js';
import { PrivacyRequestsResolver } from './requests/privacy-requests.resolver.js';
import { PrivacyRequestsService } from './requests/privacy-requests.service.js';

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
  controllers: [PrivacyRequestsController],
  providers: [PrivacyRequestsService, PrivacyRequestsResolver, IdentityVault, AccessPackages, ExecutionQueue, RequestRunner, RequestExecutionWorker],
})
export class PrivacyRequestsModule {}
