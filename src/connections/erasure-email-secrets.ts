import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsString, ValidateNested } from 'class-validator';
import { RequestValidationError } from '../common/errors/herald.error.js';
import { validateObject } from '../common/validation/fides-validation.pipe.js';
import { Email, MAX_LENGTH, MaxLen, Optional, Required } from '../common/validation/fides-validators.js';
import type { ErasureEmailSecrets } from './connection.types.js';

/** Which identities of a request the batch email lists (Fides' IdentityTypes; email only by default). */
export class IdentityTypesDto {
  @ApiPropertyOptional({ default: true })
  @Optional()
  @IsBoolean()
  email?: boolean;

  @ApiPropertyOptional({ default: false })
  @Optional()
  @IsBoolean()
  phone_number?: boolean;
}

export class AdvancedSettingsDto {
  @ApiProperty({ type: IdentityTypesDto })
  @Required()
  @IsObject()
  @ValidateNested()
  @Type(() => IdentityTypesDto)
  identity_types: IdentityTypesDto;
}

/**
 * Decision D34: a `generic_erasure_email` connector's secrets (Fides' ExtendedEmailSchema): the vendor named in the
 * batch email, where it goes, where the connection test goes, and which identities it lists.
 */
export class ErasureEmailSecretsDto {
  @ApiProperty({ example: 'Acme Analytics', maxLength: MAX_LENGTH.name })
  @Required()
  @IsString()
  @MaxLen(MAX_LENGTH.name)
  third_party_vendor_name: string;

  @ApiProperty({ example: 'privacy@vendor.example' })
  @Required()
  @IsString()
  @Email()
  recipient_email_address: string;

  @ApiPropertyOptional({ nullable: true, example: 'you@example.com' })
  @Optional()
  @IsString()
  @Email()
  test_email_address?: string | null;

  @ApiPropertyOptional({ type: AdvancedSettingsDto, description: 'Default: {"identity_types": {"email": true, "phone_number": false}}' })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => AdvancedSettingsDto)
  advanced_settings?: AdvancedSettingsDto | null;
}

/** Checks the raw secrets as Fides does, then its rule that at least one identity type is chosen. Returns them as stored. */
export function validateErasureEmailSecrets(raw: unknown): ErasureEmailSecrets {
  const dto = validateObject(ErasureEmailSecretsDto, raw, []);
  const types = dto.advanced_settings?.identity_types;
  const identityTypes = { email: types?.email ?? true, phone_number: types?.phone_number ?? false };
  if (!identityTypes.email && !identityTypes.phone_number) {
    throw new RequestValidationError([
      { loc: ['advanced_settings', 'identity_types', '__root__'], msg: 'Must supply at least one identity_type.', type: 'value_error' },
    ]);
  }
  return {
    third_party_vendor_name: dto.third_party_vendor_name,
    recipient_email_address: dto.recipient_email_address,
    test_email_address: dto.test_email_address ?? null,
    advanced_settings: { identity_types: identityTypes },
  };
}
