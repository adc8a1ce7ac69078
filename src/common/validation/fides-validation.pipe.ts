import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { RequestValidationError, ValidationIssue } from '../errors/herald.error.js';

/** class-validator constraint → pydantic v1's message and type, for the constraints whose text is fixed. */
const FIXED: Record<string, { msg: string; type: string }> = {
  isDefined: { msg: 'field required', type: 'value_error.missing' },
  whitelistValidation: { msg: 'extra fields not permitted', type: 'value_error.extra' },
  isString: { msg: 'str type expected', type: 'type_error.str' },
  isInt: { msg: 'value is not a valid integer', type: 'type_error.integer' },
  isBoolean: { msg: 'value could not be parsed to a boolean', type: 'type_error.bool' },
  isObject: { msg: 'value is not a valid dict', type: 'type_error.dict' },
  isArray: { msg: 'value is not a valid list', type: 'type_error.list' },
  isEmail: { msg: 'value is not a valid email address', type: 'value_error.email' },
  nestedValidation: { msg: 'value is not a valid dict', type: 'type_error.dict' },
};

// When a field breaks several rules, pydantic reports the most basic one; so do we.
const PRIORITY = ['isDefined', 'whitelistValidation', 'isString', 'isInt', 'isBoolean', 'isObject', 'isArray', 'nestedValidation'];

const LOCATION: Record<string, string> = { body: 'body', query: 'query', param: 'path' };

/**
 * The global validation: class-validator DTOs with unknown keys refused, answered in Fides' 422 shape
 * (`{"detail": [{"loc": ["body", ...], "msg", "type"}]}`). Decorators may give their own pydantic-style message and,
 * through `context: { type }`, its type.
 */
@Injectable()
export class FidesValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new RequestValidationError(errors.flatMap((e) => toIssues(e, []))),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!metadata.metatype || !this.toValidate(metadata)) return super.transform(value, metadata);
    const location = LOCATION[metadata.type] ?? 'body';
    if ((value === undefined || value === null || value === '') && metadata.type === 'body') {
      throw new RequestValidationError([{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }]);
    }
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw new RequestValidationError([{ loc: [location], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
    }
    try {
      return await super.transform(value ?? {}, metadata);
    } catch (error) {
      if (error instanceof RequestValidationError) throw error.locatedAt(location);
      throw error;
    }
  }
}

export function toIssues(error: ValidationError, parent: (string | number)[]): ValidationIssue[] {
  const loc = [...parent, /^\d+$/.test(error.property) ? Number(error.property) : error.property];
  const issues: ValidationIssue[] = [];
  const constraints = error.constraints ?? {};
  const names = Object.keys(constraints);
  if (names.length > 0) {
    const name = PRIORITY.find((p) => names.includes(p)) ?? names[0];
    const contextType = (error.contexts?.[name] as { type?: string } | undefined)?.type;
    const fixed = contextType === undefined ? FIXED[name] : undefined;
    issues.push({ loc, msg: fixed?.msg ?? constraints[name], type: contextType ?? fixed?.type ?? 'value_error' });
  }
  for (const child of error.children ?? []) issues.push(...toIssues(child, loc));
  return issues;
}
