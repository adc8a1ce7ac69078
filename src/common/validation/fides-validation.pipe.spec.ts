import type { Type as ClassType } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsBoolean, IsString, ValidateNested } from 'class-validator';
import { RequestValidationError } from '../errors/herald.error.js';
import { PageQuery } from '../pagination.js';
import { FidesValidationPipe } from './fides-validation.pipe.js';
import { FidesKey, MAX_LENGTH, MaxLen, OneOf, Optional, Required } from './fides-validators.js';

class Details {
  @Required() @IsString() domain: string;
  @Optional() @IsBoolean() is_eu_domain?: boolean;
}

class Body {
  @Required() @IsString() @MaxLen(10) name: string;
  @Required() @FidesKey() key: string;
  @Required() @OneOf(['MAILGUN', 'TWILIO_TEXT']) service_type: string;
  @Optional() @ValidateNested() @Type(() => Details) details?: Details;
}

const pipe = new FidesValidationPipe();

async function issues(value: unknown, metatype: ClassType, type: 'body' | 'query' = 'body') {
  try {
    await pipe.transform(value, { type, metatype: metatype as never });
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    return (error as RequestValidationError).issues;
  }
  throw new Error('expected a validation error');
}

describe('FidesValidationPipe (Fides 422 shape)', () => {
  const valid = { name: 'n', key: 'my_key', service_type: 'MAILGUN' };

  it('passes a valid body through as an instance', async () => {
    const out = await pipe.transform({ ...valid, details: { domain: 'd' } }, { type: 'body', metatype: Body });
    expect(out).toBeInstanceOf(Body);
    expect((out as Body).details).toBeInstanceOf(Details);
  });

  it('reports a missing field once, as pydantic does', async () => {
    expect(await issues({ key: 'k', service_type: 'MAILGUN' }, Body)).toEqual([{ loc: ['body', 'name'], msg: 'field required', type: 'value_error.missing' }]);
  });

  it('refuses extra fields, nested ones included', async () => {
    expect(await issues({ ...valid, extra: 1, details: { domain: 'd', other: true } }, Body)).toEqual([
      { loc: ['body', 'extra'], msg: 'extra fields not permitted', type: 'value_error.extra' },
      { loc: ['body', 'details', 'other'], msg: 'extra fields not permitted', type: 'value_error.extra' },
    ]);
  });

  it('speaks the FidesKey and enum messages', async () => {
    expect(await issues({ ...valid, key: 'bad key', service_type: 'SMS' }, Body)).toEqual([
      { loc: ['body', 'key'], msg: "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.", type: 'value_error' },
      { loc: ['body', 'service_type'], msg: "value is not a valid enumeration member; permitted: 'MAILGUN', 'TWILIO_TEXT'", type: 'type_error.enum' },
    ]);
  });

  it("limits lengths in pydantic's words, reporting the length before the pattern", async () => {
    expect(await issues({ ...valid, name: 'n'.repeat(11), key: `bad key ${'k'.repeat(MAX_LENGTH.key)}` }, Body)).toEqual([
      { loc: ['body', 'name'], msg: 'ensure this value has at most 10 characters', type: 'value_error.any_str.max_length' },
      { loc: ['body', 'key'], msg: `ensure this value has at most ${MAX_LENGTH.key} characters`, type: 'value_error.any_str.max_length' },
    ]);
    await expect(pipe.transform({ ...valid, name: 'n'.repeat(10), key: 'k'.repeat(MAX_LENGTH.key) }, { type: 'body', metatype: Body })).resolves.toBeInstanceOf(
      Body,
    );
  });

  it('answers a body that is missing or not an object at ["body"]', async () => {
    expect(await issues(undefined, Body)).toEqual([{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }]);
    expect(await issues([valid], Body)).toEqual([{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
  });

  it('bounds pages as Fides does, locating query problems at ["query", ...]', async () => {
    expect(await pipe.transform({}, { type: 'query', metatype: PageQuery })).toEqual({ page: 1, size: 50 });
    expect(await pipe.transform({ page: '3', size: '100' }, { type: 'query', metatype: PageQuery })).toEqual({ page: 3, size: 100 });
    expect(await issues({ page: '0' }, PageQuery, 'query')).toEqual([
      { loc: ['query', 'page'], msg: 'ensure this value is greater than or equal to 1', type: 'value_error.number.not_ge' },
    ]);
    expect(await issues({ size: '101' }, PageQuery, 'query')).toEqual([
      { loc: ['query', 'size'], msg: 'ensure this value is less than or equal to 100', type: 'value_error.number.not_le' },
    ]);
    expect(await issues({ size: 'ten' }, PageQuery, 'query')).toEqual([
      { loc: ['query', 'size'], msg: 'value is not a valid integer', type: 'type_error.integer' },
    ]);
  });
});
