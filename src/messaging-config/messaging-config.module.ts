import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretsModule } from '../secrets/index.js';
import { EmailConfigController } from './email-config.controller.js';
import { MessagingConfigController } from './messaging-config.controller.js';
import { MessagingConfigEntity } from './messaging-config.entity.js';
import { MessagingConfigResolver } from './messaging-config.resolver.js';
import { MessagingConfigService } from './messaging-config.service.js';
import { MessagingDefaultController } from './messaging-default.controller.js';
import { MessagingDefaultService } from './messaging-default.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([MessagingConfigEntity]), SecretsModule],
  controllers: [MessagingConfigController, EmailConfigController, MessagingDefaultController],
  providers: [MessagingConfigService, MessagingDefaultService, MessagingConfigResolver],
  exports: [MessagingConfigService, MessagingDefaultService],
})
export class MessagingConfigModule {}
