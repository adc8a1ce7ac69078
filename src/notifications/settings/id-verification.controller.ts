import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/scopes.decorator.js';
import { MessagingConfigService } from '../../messaging-config/messaging-config.service.js';
import { NotificationSettingsService } from './notification-settings.service.js';
import { Answers } from '../../common/openapi.js';
import { ID_VERIFICATION_CONFIG } from '../notifications.openapi.js';

@ApiTags('Identity verification')
@Controller('id-verification')
export class IdVerificationController {
  constructor(
    private readonly configs: MessagingConfigService,
    private readonly settings: NotificationSettingsService,
  ) {}

  /**
   * Whether requests must be verified, and whether a code could be sent: true when the config of the notification
   * service type exists and has secrets (Fides looks at the first config of any type; decided otherwise, see README).
   */
  @Get('config')
  @Public()
  @ApiOperation({ summary: 'Is identity verification required, and can a verification message be sent?' })
  @Answers(200, ID_VERIFICATION_CONFIG)
  async config(): Promise<{ identity_verification_required: boolean; valid_email_config_exists: boolean }> {
    const { notifications, execution } = await this.settings.current();
    const serviceType = notifications.notification_service_type;
    const config = serviceType ? await this.configs.findByServiceType(serviceType) : null;
    return {
      identity_verification_required: execution.subject_identity_verification_required,
      valid_email_config_exists: config ? await this.configs.hasSecrets(config) : false,
    };
  }
}
