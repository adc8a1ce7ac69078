import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsObject } from 'class-validator';
import { MessagingServiceType, parseMessagingServiceType } from '../../common/messaging-service-type.js';
import { OneOf, Optional, Required } from '../../common/validation/fides-validators.js';

const SERVICE_TYPES = Object.values(MessagingServiceType);

/** Body of PUT /messaging/default (Fides' MessagingConfigRequestBase): no key, name or secrets (extra fields → 422). */
export class MessagingDefaultRequestDto {
  @ApiProperty({ enum: SERVICE_TYPES.map((t) => t.toLowerCase()), description: 'Any case' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseMessagingServiceType(value) ?? value) : value))
  @Required()
  @OneOf(SERVICE_TYPES)
  service_type: MessagingServiceType;

  @ApiPropertyOptional({
    description: "Checked for the service type as on POST /messaging/config; left out, an existing config's details are kept",
    example: { domain: 'mg.example.com' },
  })
  @Optional()
  @IsObject()
  details?: Record<string, unknown>;
}
