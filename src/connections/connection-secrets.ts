import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { RequestValidationError } from '../common/errors/herald.error.js';
import { validateObject } from '../common/validation/fides-validation.pipe.js';
import { Email, MAX_LENGTH, MaxLen, Optional, Required } from '../common/validation/fides-validators.js';
import type { EmailSecrets } from './connection.types.js';

/**
 * Email connector secrets (Fides' EmailSchema): where erasure instructions go, and where a test email goes. The REST
 * body of `PUT /connection/{key}/secret` as documented, and what the service checks it against once the connection is
 * found (so an unknown connection is a 404 before the body is looked at, and problems are located as Fides does:
 * relative to the secrets object, without `body`).
 */
export class EmailSecretsDto {
  @ApiProperty({ example: 'privacy@thirdparty.example' })
  @Required()
  @IsString()
  @Email()
  to_email: string;

  @ApiPropertyOptional({ nullable: true, example: 'you@example.com' })
  @Optional()
  @IsString()
  @Email()
  test_email?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Accepted for compatibility and ignored', maxLength: MAX_LENGTH.url })
  @Optional()
  @IsString()
  @MaxLen(MAX_LENGTH.url)
  url?: string | null;
}

/**
 * The raw secrets, checked as Fides' EmailSchema: the field rules, then its root rule, which fails (after them)
 * whenever `to_email` is missing or empty: `url` alone does not make the secrets usable. Returns them as stored.
 */
export function validateEmailSecrets(raw: unknown): EmailSecrets {
  try {
    const dto = validateObject(EmailSecretsDto, raw, []);
    return { to_email: dto.to_email, test_email: dto.test_email ?? null, url: null };
  } catch (error) {
    const toEmail = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as { to_email?: unknown }).to_email : 'n/a';
    if (!(error instanceof RequestValidationError) || toEmail) throw error;
    throw new RequestValidationError([
      ...error.issues,
      { loc: ['__root__'], msg: "EmailSchema must be supplied a 'url' or all of: ['to_email'].", type: 'value_error' },
    ]);
  }
}
