import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretsModule } from '../secrets/index.js';
import { EmailConfigController } from './email-config.controller.js';
import { MessagingConfigController } from './messaging-config.controller.js';
import { MessagingConfigEntity } from './messaging-config.entity.js';
import { MessagingConfigResolver } from './messaging-config.resolver.js';
import { MessagingConfigService } from './messaging-config.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([MessagingConfigEntity]), SecretsModule],
  controllers: [MessagingConfigController, EmailConfigController],
  providers: [MessagingConfigService, MessagingConfigResolver],
  exports: [MessagingConfigService],
})
export class MessagingConfigModule {}
