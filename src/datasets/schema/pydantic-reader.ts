import { ValidationIssue } from '../../common/errors/herald.error.js';
import { FIDES_KEY_MESSAGE, isFidesKey } from '../../common/fides-key.js';
import { MAX_LENGTH, MAX_LENGTH_TYPE, maxLengthMessage } from '../../common/validation/fides-validators.js';

/**
 * A small pydantic-v1-alike for plain JSON: each reader checks one value, records an issue at its `loc` when it
 * fails and returns INVALID, so a whole document is checked in one pass and every problem is reported, in field
 * declaration order, with pydantic's messages and types. Unknown keys are never read, hence stripped.
 */
export type Loc = (string | number)[];

export const INVALID: unique symbol = Symbol('invalid');
export type Result<T> = T | typeof INVALID;

export type Parse<T> = (value: unknown, loc: Loc) => Result<T>;

export type Dict = Record<string, unknown>;

export class Reader {
  readonly issues: ValidationIssue[] = [];

  fail(loc: Loc, msg: string, type = 'value_error'): typeof INVALID {
    this.issues.push({ loc, msg, type });
    return INVALID;
  }

  /** A required, non-nullable key. */
  required<T>(object: Dict, key: string, parent: Loc, parse: Parse<T>): Result<T> {
    const loc = [...parent, key];
    if (object[key] === undefined) return this.fail(loc, 'field required', 'value_error.missing');
    return this.notNull(parse)(object[key], loc);
  }

  /** A non-nullable key with a default (`x: T = default` in pydantic: null is refused). */
  withDefault<T>(object: Dict, key: string, parent: Loc, fallback: T, parse: Parse<T>): Result<T> {
    const value = object[key];
    return value === undefined ? fallback : this.notNull(parse)(value, [...parent, key]);
  }

  /** An `Optional[T]` key: absent gives the default (null unless told), null stays null. */
  optional<T>(object: Dict, key: string, parent: Loc, parse: Parse<T>, fallback: T | null = null): Result<T | null> {
    const value = object[key];
    if (value === undefined) return fallback;
    return value === null ? null : parse(value, [...parent, key]);
  }

  notNull<T>(parse: Parse<T>): Parse<T> {
    return (value, loc) => (value === null ? this.fail(loc, 'none is not an allowed value', 'type_error.none.not_allowed') : parse(value, loc));
  }

  readonly str: Parse<string> = (value, loc) => (typeof value === 'string' ? value : this.fail(loc, 'str type expected', 'type_error.str'));

  /** A string of at most `max` characters (pydantic's `constr(max_length=...)`). */
  text(max: number): Parse<string> {
    return (value, loc) => {
      const text = this.str(value, loc);
      return text === INVALID || text.length <= max ? text : this.fail(loc, maxLengthMessage(max), MAX_LENGTH_TYPE);
    };
  }

  private readonly key = this.text(MAX_LENGTH.key);

  readonly fidesKey: Parse<string> = (value, loc) => {
    const text = this.key(value, loc);
    return text === INVALID || isFidesKey(text) ? text : this.fail(loc, FIDES_KEY_MESSAGE);
  };

  /** pydantic v1's bool: true/false, 0/1 and its yes/no words. */
  readonly bool: Parse<boolean> = (value, loc) => {
    if (typeof value === 'boolean') return value;
    const word = typeof value === 'string' ? value.toLowerCase() : typeof value === 'number' ? String(value) : undefined;
    if (word !== undefined && TRUE_WORDS.has(word)) return true;
    if (word !== undefined && FALSE_WORDS.has(word)) return false;
    return this.fail(loc, 'value could not be parsed to a boolean', 'type_error.bool');
  };

  /** Integers and integer strings; unlike pydantic v1, a fractional number is refused rather than truncated. */
  readonly int: Parse<number> = (value, loc) => {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
    return this.fail(loc, 'value is not a valid integer', 'type_error.integer');
  };

  dict(value: unknown, loc: Loc): Result<Dict> {
    return isDict(value) ? value : this.fail(loc, 'value is not a valid dict', 'type_error.dict');
  }

  /** Every item is checked (and reported) even after a bad one. */
  list<T>(item: Parse<T>): Parse<T[]> {
    return (value, loc) => {
      if (!Array.isArray(value)) return this.fail(loc, 'value is not a valid list', 'type_error.list');
      const items = value.map((v, i) => this.notNull(item)(v, [...loc, i]));
      return items.some((v) => v === INVALID) ? INVALID : (items as T[]);
    };
  }

  /** `Dict[str, T]`. */
  mapping<T>(item: Parse<T>): Parse<Record<string, T>> {
    return (value, loc) => {
      const object = this.dict(value, loc);
      if (object === INVALID) return INVALID;
      const entries = Object.entries(object).map(([k, v]) => [k, this.notNull(item)(v, [...loc, k])] as const);
      return entries.some(([, v]) => v === INVALID) ? INVALID : (Object.fromEntries(entries) as Record<string, T>);
    };
  }

  oneOf<T extends string>(values: readonly T[]): Parse<T> {
    const permitted = values.map((v) => `'${v}'`).join(', ');
    return (value, loc) =>
      (values as readonly unknown[]).includes(value)
        ? (value as T)
        : this.fail(loc, `value is not a valid enumeration member; permitted: ${permitted}`, 'type_error.enum');
  }

  /** A nested model: a dict whose keys `read` checks. */
  model<T>(read: (object: Dict, loc: Loc) => Result<T>): Parse<T> {
    return (value, loc) => {
      const object = this.dict(value, loc);
      return object === INVALID ? INVALID : read(object, loc);
    };
  }
}

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Valid<T> = { [K in keyof T]: Exclude<T[K], typeof INVALID> };

/** The model when every one of its values checked out, else INVALID (the issues are already recorded). */
export function complete<const T extends object>(values: T): Result<Valid<T>> {
  return Object.values(values).some((v) => v === INVALID) ? INVALID : (values as Valid<T>);
}

/** fideslang's `sort_list_objects_by_name`: stable (UTF-16 order; Python's code-point order differs only past U+FFFF). */
export function sortByName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
