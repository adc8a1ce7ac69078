import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from '../common/clock.js';
import { MessagingConfigModule } from '../messaging-config/index.js';
import { RateLimitsModule } from '../rate-limits/index.js';
import { DeliveryEventRecorder } from './events/delivery-event-recorder.js';
import { DeliveryEventsSetupResolver } from './events/delivery-events-setup.resolver.js';
import { MessageEventEntity } from './events/message-event.entity.js';
import { WebhookIntakeService } from './events/webhook-intake.service.js';
import { WebhooksController } from './events/webhooks.controller.js';
import { MessagesController } from './messages.controller.js';
import { MessagesResolver } from './messages.resolver.js';
import { MessageUpdates } from './live/message-updates.js';
import { MessageRetry } from './outbox/message-retry.js';
import { NotificationsService } from './notifications.service.js';
import { MessageAttemptEntity, MessageEntity } from './outbox/message.entity.js';
import { MessageDeliveryWorker } from './outbox/message-delivery.worker.js';
import { MessageOutcomes } from './outbox/message-outcomes.js';
import { MessageRetention } from './outbox/message-retention.js';
import { MessagePreparer } from './outbox/message-preparer.js';
import { MessagesService } from './outbox/messages.service.js';
import { ProviderChoice } from './outbox/provider-choice.js';
import { ProviderCircuits } from './outbox/provider-circuits.js';
import { SendingContextCache } from './outbox/sending-context.cache.js';
import { ProvidersModule } from './providers/providers.module.js';
import { ActiveMessagingDefaultController } from './settings/active-messaging-default.controller.js';
import { ConfigController } from './settings/config.controller.js';
import { NotificationSettingsResolver } from './settings/notification-settings.resolver.js';
import { NotificationSettingsService } from './settings/notification-settings.service.js';
import { SuppressionsController } from './suppressions/suppressions.controller.js';
import { SuppressionsResolver } from './suppressions/suppressions.resolver.js';
import { SuppressionEntity } from './suppressions/suppression.entity.js';
import { SuppressionsService } from './suppressions/suppressions.service.js';
import { MessageRenderer } from './templates/message-renderer.js';
import { MessagingTemplateEntity } from './templates/messaging-template.entity.js';
import { MessagingTemplatesController } from './templates/messaging-templates.controller.js';
import { MessagingTemplatesResolver } from './templates/messaging-templates.resolver.js';
import { MessagingTemplatesService } from './templates/messaging-templates.service.js';
import { TemplatePreview } from './templates/template-preview.js';
import { TestMessageService } from './test-message.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([MessageEntity, MessageAttemptEntity, MessageEventEntity, SuppressionEntity, MessagingTemplateEntity]),
    MessagingConfigModule,
    ProvidersModule,
    RateLimitsModule,
  ],
  controllers: [
    MessagesController,
    ConfigController,
    ActiveMessagingDefaultController,
    SuppressionsController,
    WebhooksController,
    MessagingTemplatesController,
  ],
  providers: [
    NotificationsService,
    NotificationSettingsService,
    MessageDeliveryWorker,
    MessagePreparer,
    MessageOutcomes,
    MessageRetention,
    SendingContextCache,
    ProviderChoice,
    ProviderCircuits,
    Clock,
    MessagesService,
    TestMessageService,
    MessagesResolver,
    MessageRetry,
    MessageUpdates,
    NotificationSettingsResolver,
    SuppressionsService,
    SuppressionsResolver,
    DeliveryEventRecorder,
    WebhookIntakeService,
    DeliveryEventsSetupResolver,
    MessagingTemplatesService,
    MessageRenderer,
    TemplatePreview,
    MessagingTemplatesResolver,
  ],
  exports: [
    NotificationsService,
    NotificationSettingsService,
    MessageDeliveryWorker,
    MessageOutcomes,
    MessageRetention,
    MessagesService,
    SuppressionsService,
    ProviderCircuits,
    DeliveryEventRecorder,
  ],
})
export class NotificationsModule {}
