import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingConfigModule } from '../messaging-config/index.js';
import { MessagesController } from './messages.controller.js';
import { MessagesResolver } from './messages.resolver.js';
import { NotificationsService } from './notifications.service.js';
import { MessageAttemptEntity, MessageEntity } from './outbox/message.entity.js';
import { MessageDeliveryWorker } from './outbox/message-delivery.worker.js';
import { MessageOutcomes } from './outbox/message-outcomes.js';
import { MessagePreparer } from './outbox/message-preparer.js';
import { MessagesService } from './outbox/messages.service.js';
import { SendingContextCache } from './outbox/sending-context.cache.js';
import { ProvidersModule } from './providers/providers.module.js';
import { ConfigController } from './settings/config.controller.js';
import { NotificationSettingsResolver } from './settings/notification-settings.resolver.js';
import { NotificationSettingsService } from './settings/notification-settings.service.js';
import { TestMessageService } from './test-message.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([MessageEntity, MessageAttemptEntity]), MessagingConfigModule, ProvidersModule],
  controllers: [MessagesController, ConfigController],
  providers: [
    NotificationsService,
    NotificationSettingsService,
    MessageDeliveryWorker,
    MessagePreparer,
    MessageOutcomes,
    SendingContextCache,
    MessagesService,
    TestMessageService,
    MessagesResolver,
    NotificationSettingsResolver,
  ],
  exports: [NotificationsService, NotificationSettingsService, MessageDeliveryWorker, MessageOutcomes, MessagesService],
})
export class NotificationsModule {}
