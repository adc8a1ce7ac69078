import { applyDecorators } from '@nestjs/common';
import { IsString, ValidateBy } from 'class-validator';
import { MaxLen } from '../../common/validation/fides-validators.js';
import { canonicalLocale } from '../../notifications/index.js';

/** Pydantic-style wording of a tag that is not BCP 47 (the value itself is not repeated: it is the client's). */
export const LOCALE_MESSAGE = 'value is not a valid BCP 47 language tag (such as en, es-MX or fr-CA)';

/**
 * Decision D32: a privacy request's `locale`, a BCP 47 tag of at most 35 characters as the platform's Intl reads it
 * (`canonicalLocale`); stored in its canonical form by the mapper.
 */
export const BcpLocale = () =>
  applyDecorators(
    IsString(),
    MaxLen(35),
    ValidateBy(
      { name: 'bcpLocale', validator: { validate: (value: unknown) => typeof value === 'string' && canonicalLocale(value) !== null } },
      { message: LOCALE_MESSAGE, context: { type: 'value_error' } },
    ),
  );

/** The canonical form of a validated tag (`es-mx` → `es-MX`); null when none was given. */
export const canonicalOrNull = (tag: string | null | undefined): string | null => (tag ? canonicalLocale(tag) : null);
