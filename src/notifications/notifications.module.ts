import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingConfigModule } from '../messaging-config/messaging-config.module.js';
import { MessagesController } from './messages.controller.js';
import { MessagesResolver } from './messages.resolver.js';
import { NotificationsService } from './notifications.service.js';
import { MessageAttemptEntity, MessageEntity } from './outbox/message.entity.js';
import { MessageDeliveryWorker } from './outbox/message-delivery.worker.js';
import { MessagesService } from './outbox/messages.service.js';
import { SendingContextCache } from './outbox/sending-context.cache.js';
import { ProvidersModule } from './providers/providers.module.js';
import { ConfigController } from './settings/config.controller.js';
import { IdVerificationController } from './settings/id-verification.controller.js';
import { NotificationSettingsResolver } from './settings/notification-settings.resolver.js';
import { NotificationSettingsService } from './settings/notification-settings.service.js';
import { TestMessageService } from './test-message.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([MessageEntity, MessageAttemptEntity]), MessagingConfigModule, ProvidersModule],
  controllers: [MessagesController, ConfigController, IdVerificationController],
  providers: [
    NotificationsService,
    NotificationSettingsService,
    MessageDeliveryWorker,
    SendingContextCache,
    MessagesService,
    TestMessageService,
    MessagesResolver,
    NotificationSettingsResolver,
  ],
  exports: [NotificationsService, NotificationSettingsService, MessageDeliveryWorker, MessagesService],
})
export class NotificationsModule {}
