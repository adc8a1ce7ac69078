import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsDefined,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidationOptions,
} from 'class-validator';
import { FIDES_KEY_MESSAGE, FIDES_KEY_PATTERN } from '../fides-key.js';

/**
 * class-validator decorators that speak pydantic v1's messages and types, so every 422 reads as Fides' do.
 * The message and `context.type` given here are what `FidesValidationPipe` reports.
 */
const as = (msg: string, type: string, each = false): ValidationOptions => ({ message: msg, context: { type }, each });

export const Required = () => IsDefined(as('field required', 'value_error.missing'));

export const FidesKey = () => Matches(FIDES_KEY_PATTERN, as(FIDES_KEY_MESSAGE, 'value_error'));

export const Email = () => IsEmail({}, as('value is not a valid email address', 'value_error.email'));

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
