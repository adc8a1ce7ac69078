import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
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

// When a field breaks several rules, pydantic reports the most basic one; so do we (a length before a pattern).
const PRIORITY = ['isDefined', 'whitelistValidation', 'isString', 'maxLength', 'isInt', 'isBoolean', 'isObject', 'isArray', 'nestedValidation'];

const LOCATION: Record<string, string> = { body: 'body', query: 'query', param: 'path' };

/**
 * The global validation: class-validator DTOs with unknown body keys refused, answered in Fides' 422 shape
 * (`{"detail": [{"loc": ["body", ...], "msg", "type"}]}`). Decorators may give their own pydantic-style message and,
 * through `context: { type }`, its type. Unknown query parameters are dropped, not refused: FastAPI ignores them,
 * and Fides' clients send some (the Postman collection's `?id=` on the privacy request list).
 */
@Injectable()
export class FidesValidationPipe extends ValidationPipe {
  private queryPipe?: FidesValidationPipe;

  constructor(private readonly forbidUnknown = true) {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: forbidUnknown,
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new RequestValidationError(issuesOf(errors, [])),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A parameter that is no DTO (a path key, a GraphQL scalar argument) is converted here, not by awaiting the base
    // class's async transform: a promise less for each such parameter of every request (issue 20).
    if (!metadata.metatype || !this.toValidate(metadata)) return this.transformPrimitive(value, metadata);
    if (metadata.type === 'query' && this.forbidUnknown) {
      this.queryPipe ??= new FidesValidationPipe(false);
      return this.queryPipe.transform(value, metadata);
    }
    // REST parts are located as FastAPI does (`body`, `query`, `path`); a GraphQL argument by its name.
    // (GraphQL arguments come as `body` parts named by `data`; our REST handlers never name their @Body().)
    const location =
      typeof metadata.data === 'string' && metadata.type !== 'query' && metadata.type !== 'param' ? metadata.data : (LOCATION[metadata.type] ?? undefined);
    if ((value === undefined || value === null || value === '') && metadata.type === 'body') {
      throw new RequestValidationError([{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }]);
    }
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw new RequestValidationError([{ loc: location ? [location] : [], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
    }
    try {
      return await super.transform(value ?? {}, metadata);
    } catch (error) {
      if (error instanceof RequestValidationError) throw location ? error.locatedAt(location) : error;
      throw error;
    }
  }
}

/** Every problem of a validation, in pydantic's order: declared fields first, unknown (extra) fields last. */
export function issuesOf(errors: ValidationError[], loc: (string | number)[]): ValidationIssue[] {
  const issues = errors.flatMap((e) => toIssues(e, loc));
  return [...issues.filter((i) => i.type !== 'value_error.extra'), ...issues.filter((i) => i.type === 'value_error.extra')];
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

/**
 * Validates a plain value against a DTO class outside a pipe (e.g. a part whose schema depends on another field),
 * reporting at `loc`. Returns the transformed instance.
 */
/**
 * class-transformer builds a nested plain object as an instance of its own `constructor` property: a key of that
 * name (`{"external_id": {"constructor": "a"}}`) makes it throw a TypeError. No Fides field is named so; it is a 422.
 */
export function toInstance<T extends object>(type: new () => T, value: object, loc: (string | number)[]): T {
  const stack: [unknown, (string | number)[]][] = [[value, loc]];
  while (stack.length > 0) {
    const [item, at] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (!Array.isArray(item) && Object.prototype.hasOwnProperty.call(item, 'constructor')) {
      throw new RequestValidationError([{ loc: at, msg: "the field name 'constructor' is not allowed", type: 'value_error.field_name' }]);
    }
    for (const [key, child] of Object.entries(item))
      if (typeof child === 'object' && child !== null) stack.push([child, [...at, Array.isArray(item) ? Number(key) : key]]);
  }
  return plainToInstance(type, value);
}

export function validateObject<T extends object>(type: new () => T, value: unknown, loc: (string | number)[]): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestValidationError([{ loc, msg: 'value is not a valid dict', type: 'type_error.dict' }]);
  }
  const instance = toInstance(type, value, loc);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (errors.length > 0) throw new RequestValidationError(issuesOf(errors, loc));
  return instance;
}

/**
 * Validates a bulk body (a JSON array of at most `maxItems` objects) item by item, reporting every problem at
 * `[...loc, index, ...]` as FastAPI does; the whole request is refused when any item is invalid.
 */
export function validateList<T extends object>(type: new () => T, value: unknown, loc: (string | number)[], maxItems: number): T[] {
  if (!Array.isArray(value)) throw new RequestValidationError([{ loc, msg: 'value is not a valid list', type: 'type_error.list' }]);
  if (value.length > maxItems) {
    throw new RequestValidationError([{ loc, msg: `ensure this value has at most ${maxItems} items`, type: 'value_error.list.max_items' }]);
  }
  const issues: ValidationIssue[] = [];
  const items = value.map((item, index) => {
    try {
      return validateObject(type, item, [...loc, index]);
    } catch (error) {
      if (!(error instanceof RequestValidationError)) throw error;
      issues.push(...error.issues);
      return undefined as never;
    }
  });
  if (issues.length > 0) throw new RequestValidationError(issues);
  return items;
}
