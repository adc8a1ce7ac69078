import { Inject } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { SETTINGS, type Settings } from '../../config/index.js';
import { MessagingConfigObject, MessagingConfigService } from '../../messaging-config/index.js';
import { DeliveryEventsSetupObject, WEBHOOKS, deliveryEventsSetup } from './delivery-events-setup.js';

/** A config's delivery event webhook, beside its other fields (the console's Providers screen shows it). */
@Resolver(() => MessagingConfigObject)
export class DeliveryEventsSetupResolver {
  constructor(
    private readonly configs: MessagingConfigService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @ResolveField(() => DeliveryEventsSetupObject, {
    nullable: true,
    description: 'Where its provider posts delivery events, and whether they can be verified; null for SMTP',
  })
  async deliveryEvents(@Parent() config: MessagingConfigObject): Promise<DeliveryEventsSetupObject | null> {
    // Decrypted only to see whether one key is set; nothing of it leaves this function.
    const secrets = WEBHOOKS[config.serviceType] ? await this.configs.getSecrets(config) : undefined;
    return deliveryEventsSetup(config.serviceType, secrets, this.settings.publicUrl);
  }
}
