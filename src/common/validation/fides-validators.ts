import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsDefined, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, Matches, Max, MaxLength, Min, ValidationOptions } from 'class-validator';
import { FIDES_KEY_MESSAGE, FIDES_KEY_PATTERN } from '../fides-key.js';

/**
 * class-validator decorators that speak pydantic v1's messages and types, so every 422 reads as Fides' do.
 * The message and `context.type` given here are what `FidesValidationPipe` reports.
 */
const as = (msg: string, type: string, each = false): ValidationOptions => ({ message: msg, context: { type }, each });

export const Required = () => IsDefined(as('field required', 'value_error.missing'));

/**
 * Longest accepted free text, in UTF-16 code units (decision D19: past these a string is a 422, not a row). Fides
 * sets almost none; these are far above what its clients send. An email address is limited as email-validator
 * (under pydantic's EmailStr) does; a phone number by its E.164 pattern.
 */
export const MAX_LENGTH = {
  /** FidesKeys (config, connection, policy, rule, target, dataset keys; data categories). */
  key: 255,
  /** Display names (configs, connections, policies, rules, targets, collections, fields). */
  name: 255,
  email: 254,
  /** Descriptions, a denial's reason (emailed to the data subject), dataset text. */
  text: 2000,
  /** External ids, record ids, list filters and other short values. */
  short: 255,
  /** Verification codes (Herald sends six digits). */
  code: 64,
  url: 2048,
  /** Provider credentials (API keys, tokens, account ids). */
  secret: 1024,
} as const;

export const maxLengthMessage = (n: number) => `ensure this value has at most ${n} characters`;
export const MAX_LENGTH_TYPE = 'value_error.any_str.max_length';

/** pydantic's `max_length` (`each`: every item of a list). */
export const MaxLen = (n: number, each = false) => MaxLength(n, as(maxLengthMessage(n), MAX_LENGTH_TYPE, each));

export const FidesKey = () => applyDecorators(MaxLen(MAX_LENGTH.key), Matches(FIDES_KEY_PATTERN, as(FIDES_KEY_MESSAGE, 'value_error')));

export const Email = () => applyDecorators(MaxLen(MAX_LENGTH.email), IsEmail({}, as('value is not a valid email address', 'value_error.email')));

/** One of the values (`each`: every item of a list is). */
export const OneOf = (values: readonly string[], each = false) =>
  IsIn([...values], as(`value is not a valid enumeration member; permitted: ${values.map((v) => `'${v}'`).join(', ')}`, 'type_error.enum', each));

export const MaxItems = (n: number) => ArrayMaxSize(n, as(`ensure this value has at most ${n} items`, 'value_error.list.max_items'));

/** An integer query or body value within bounds, converted from its string form. */
export const IntBetween = (min: number, max: number) =>
  applyDecorators(
    Type(() => Number),
    IsInt(as('value is not a valid integer', 'type_error.integer')),
    Min(min, as(`ensure this value is greater than or equal to ${min}`, 'value_error.number.not_ge')),
    Max(max, as(`ensure this value is less than or equal to ${max}`, 'value_error.number.not_le')),
  );

export { IsOptional as Optional };

/** pydantic's boolean words, for query strings. */
function parseBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const word = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(word)) return true;
  if (['false', '0', 'no', 'off'].includes(word)) return false;
  return value;
}

/** A boolean query value (`true/false/1/0/yes/no/on/off`, any case). */
export const QueryBoolean = () => applyDecorators(Transform(parseBoolean), IsBoolean(as('value could not be parsed to a boolean', 'type_error.bool')));
