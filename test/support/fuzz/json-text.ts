/**
 * The values the fuzz generates for bodies, GraphQL variables and GraphQL literals. Plain JSON values, plus three
 * shapes JSON.stringify cannot make: an object whose keys may repeat (`Obj`), text written verbatim (`Raw`: `1e999`,
 * nesting thousands deep, a truncated document) and a GraphQL enum value (`Enum`, bare in a literal, a string in JSON).
 * Generators build these from small descriptors (a depth, a length), so fast-check shrinks them to short reproducers.
 */
export type J = null | boolean | number | string | J[] | Obj | Raw | Enum;

export class Obj {
  constructor(readonly entries: [string, J][]) {}
}
export class Raw {
  constructor(
    /** The text in a JSON document. */
    readonly json: string,
    /** The text in a GraphQL document. */
    readonly literal: string,
    /** A short name for reports. */
    readonly label: string,
  ) {}
}
export class Enum {
  constructor(readonly name: string) {}
}

/** JSON text, keys in order and repeated as given. */
export function toJson(value: J): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Raw) return value.json;
  if (value instanceof Enum) return JSON.stringify(value.name);
  if (value instanceof Obj) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  return `[${value.map(toJson).join(',')}]`;
}

/** A GraphQL literal: enum values bare, object keys as names (a key that is no name makes a syntax error, on purpose). */
export function toGraphqlLiteral(value: J): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '1e999';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Raw) return value.literal;
  if (value instanceof Enum) return value.name;
  if (value instanceof Obj) return `{${value.entries.map(([k, v]) => `${k}: ${toGraphqlLiteral(v)}`).join(', ')}}`;
  return `[${value.map(toGraphqlLiteral).join(', ')}]`;
}

/** Deep nesting: `[[[...]]]` or `{"a":{"a":...}}`; JSON.parse takes either, a recursive walker may not. */
export function nested(depth: number, shape: 'array' | 'object'): Raw {
  if (shape === 'array') return new Raw(`${'['.repeat(depth)}${']'.repeat(depth)}`, `${'['.repeat(depth)}${']'.repeat(depth)}`, `[] nested ${depth} deep`);
  return new Raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`, `{} nested ${depth} deep`);
}

/** A number JSON.parse reads as Infinity, or one past every integer type. */
export const hugeNumber = (text: string): Raw => new Raw(text, text, text);
