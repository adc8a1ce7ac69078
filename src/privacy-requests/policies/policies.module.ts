import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PoliciesController } from './policies.controller.js';
import { PoliciesResolver } from './policies.resolver.js';
import { PoliciesService } from './policies.service.js';
import { PolicyEntity, RuleEntity, RuleTargetEntity } from './policy.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([PolicyEntity, RuleEntity, RuleTargetEntity])],
  controllers: [PoliciesController],
  providers: [PoliciesService, PoliciesResolver],
  exports: [PoliciesService],
})
export class PoliciesModule {}
