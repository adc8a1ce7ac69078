import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsObject, IsString } from 'class-validator';
import { MessagingServiceType, parseMessagingServiceType } from '../../common/messaging-service-type.js';
import { FidesKey, MAX_LENGTH, MaxLen, OneOf, Optional, Required } from '../../common/validation/fides-validators.js';

const SERVICE_TYPES = Object.values(MessagingServiceType);

/** Body of POST and PATCH `/messaging/config` (Fides' MessagingConfigRequest). */
export class MessagingConfigRequestDto {
  @ApiProperty({ example: 'My Mailgun', maxLength: MAX_LENGTH.name })
  @Required()
  @IsString()
  @MaxLen(MAX_LENGTH.name)
  name: string;

  @ApiPropertyOptional({ nullable: true, description: 'FidesKey; generated from the name when omitted', example: 'my_mailgun_config' })
  @Optional()
  @IsString()
  @FidesKey()
  key?: string | null;

  @ApiProperty({ enum: [...SERVICE_TYPES, 'twilio_sms'], description: 'Any case; twilio_sms is an alias of TWILIO_TEXT' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseMessagingServiceType(value) ?? value) : value))
  @Required()
  @OneOf(SERVICE_TYPES)
  service_type: MessagingServiceType;

  @ApiPropertyOptional({
    nullable: true,
    description:
      'MAILGUN: {domain, is_eu_domain=false, api_version="v3", use_provider_template=false} (required); TWILIO_EMAIL: {twilio_email_from, use_provider_template=false} (required); TWILIO_TEXT: none;' +
      ' MAILCHIMP_TRANSACTIONAL: {email_from} (needed to send); SMTP: {host, port=587|465|25, security="starttls"|"tls"|"none", email_from} (required); AWS_SES: {aws_region, email_from, domain} (required: aws_region and a sender). ' +
      "use_provider_template (D32): send through the provider's stored template named `fides` when it exists",
    example: { domain: 'mg.example.com', is_eu_domain: false, api_version: 'v3' },
  })
  @Optional()
  @IsObject()
  details?: Record<string, unknown> | null;
}

/** Body of POST and PATCH `/email/config` (fidesops' EmailConfigRequest): Mailgun only, details required. */
export class EmailConfigRequestDto {
  @ApiProperty({ example: 'My Mailgun', maxLength: MAX_LENGTH.name })
  @Required()
  @IsString()
  @MaxLen(MAX_LENGTH.name)
  name: string;

  @ApiPropertyOptional({ nullable: true, example: 'my_mailgun_config' })
  @Optional()
  @IsString()
  @FidesKey()
  key?: string | null;

  @ApiProperty({ enum: ['mailgun'] })
  @Required()
  @OneOf(['mailgun'])
  service_type: 'mailgun';

  @ApiProperty({ example: { domain: 'mg.example.com', is_eu_domain: false, api_version: 'v3' } })
  @Required()
  @IsObject()
  details: Record<string, unknown>;
}
