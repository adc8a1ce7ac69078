import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/index.js';
import { Answers, type Static } from '../../common/openapi.js';
import { NotificationSettingsService } from '../../notifications/index.js';
import { toIdVerificationResponse } from './privacy-request.mapper.js';
import { ID_VERIFICATION_CONFIG } from './privacy-requests.openapi.js';

/** Fides' identity-verification config: what a data subject's client asks before creating a request. */
@ApiTags('Identity verification')
@Controller('id-verification')
export class IdVerificationController {
  constructor(private readonly settings: NotificationSettingsService) {}

  /**
   * Whether requests must be verified, and whether a code could be sent: true when the config of the notification
   * service type exists and has secrets (Fides looks at the first config of any type; decided otherwise, see
   * docs/compatibility.md).
   */
  @Get('config')
  @Public()
  @ApiOperation({ summary: 'Is identity verification required, and can a verification message be sent?' })
  @Answers(200, ID_VERIFICATION_CONFIG)
  async config(): Promise<Static<typeof ID_VERIFICATION_CONFIG>> {
    const current = await this.settings.current();
    return toIdVerificationResponse(current.execution.subject_identity_verification_required, await this.settings.notificationsReady(current));
  }
}
