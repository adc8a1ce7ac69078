import fc from 'fast-check';
import { Enum, Obj, Raw, hugeNumber, nested, toJson, type J } from './json-text.js';

/**
 * Building blocks of the fuzz: valid-looking values a real client would send, and hostile ones an attacker would
 * (D19's NUL and lone surrogates, deep nesting, huge numbers, wrong types, long strings, percent-encoding garbage).
 * Every generator is a fast-check arbitrary, so a failing request shrinks towards the smallest hostile part.
 */

/** Single strings an attacker tries first; several are valid-looking on purpose (they reach the database). */
export const NASTY_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\udbff\udbff',
  '\udc00\ud800',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%80',
  '%FF%FE',
  '\u202e',
  '\ufeff',
  '\uffff',
  '\ufffe',
  '\u0085',
  '\u2028',
  '\u0301',
  '🦄',
  '👨‍👩‍👧',
  'İ',
  'ß',
  'ǅ',
  'ﬃ',
  '١٢٣',
  '',
  ' ',
  '\t',
  '\r\n',
  '\n',
  '"',
  "'",
  '\\',
  '`',
  '/',
  '..',
  '../../etc/passwd',
  '?',
  '#',
  '&',
  '=',
  ';',
  '%2F',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '"; DROP TABLE policy; --',
  '{{7*7}}',
  '${7*7}',
  '%s%s%n',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '0x1F',
  '2147483648',
  '00000000-0000-0000-0000-000000000000',
  'pri_00000000-0000-0000-0000-000000000000',
  '+15558675309',
  'user@example.com',
  'a@b',
  '@',
  'x@127.0.0.1:18105/#',
  'mg.example.com',
  'user.contact.email',
  '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-00-00',
  '2024-02-30T25:61:61Z',
];

/** One UTF-16 code unit, lone surrogates included: what a JavaScript client can put in a string. */
const codeUnit = fc.nat(0xffff).map((c) => String.fromCharCode(c));
const LONG_UNITS = ['a', 'é', '🦄', '\u0000', '\ud800', '%', ' ', '[', '\\', '"'];

/** A string of `n` repeated units: long enough for column limits, the 1 MiB body limit, Node's 16 KiB header limit. */
export const longString = fc
  .record({
    unit: fc.constantFrom(...LONG_UNITS),
    n: fc.oneof({ arbitrary: fc.integer({ min: 100, max: 5_000 }), weight: 4 }, { arbitrary: fc.integer({ min: 5_000, max: 100_000 }), weight: 1 }),
  })
  .map(({ unit, n }) => unit.repeat(n));

/** A hostile string on its own or hidden inside a valid-looking one (`subject\u0000@example.com`). */
export function hostileString(valid: fc.Arbitrary<string> = word): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 5 },
    { arbitrary: fc.tuple(valid, fc.constantFrom(...NASTY_STRINGS), valid).map(([a, b, c]) => a + b + c), weight: 4 },
    { arbitrary: fc.string({ unit: codeUnit, maxLength: 12 }), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 1 },
    { arbitrary: longString, weight: 1 },
  );
}

/** Lower-case words with digits and underscores: FidesKey-shaped, mostly. */
export const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,14}$/);

/** Numbers past every boundary: negative, 2^31, 2^53+, 1e308, fractions, and texts JSON.parse rounds (2^53+1) or turns into Infinity. */
export const hostileNumber: fc.Arbitrary<J> = fc.oneof(
  fc.constantFrom<J>(-1, 0, -0.5, 0.5, 1.5, 2147483647, 2147483648, -2147483649, 1e21, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE),
  fc.integer().map((n): J => n),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n): J => n),
  fc.constantFrom('9007199254740993', '1e999', '-1e999', '123456789012345678901234567890', '1.0e-400', '-0', '0.0000000000000000000001').map(hugeNumber),
);

/** Nesting around D19's limit of 64, and far past it (the attack: 5,000 levels). */
export const deepNesting: fc.Arbitrary<Raw> = fc
  .record({
    depth: fc.oneof({ arbitrary: fc.integer({ min: 2, max: 100 }), weight: 2 }, { arbitrary: fc.integer({ min: 100, max: 5_000 }), weight: 1 }),
    shape: fc.constantFrom<'array' | 'object'>('array', 'object'),
  })
  .map(({ depth, shape }) => nested(depth, shape));

const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', '', '\u0000', '\ud800', 'a.b', '$where', 'toString'), word);

/** Any value of the wrong type, or a hostile one of any type. */
export const hostileValue: fc.Arbitrary<J> = fc.oneof(
  { arbitrary: hostileString().map((s): J => s), weight: 6 },
  { arbitrary: hostileNumber, weight: 3 },
  { arbitrary: fc.constantFrom<J>(null, true, false, [], new Obj([])), weight: 2 },
  { arbitrary: deepNesting.map((r): J => r), weight: 1 },
  {
    arbitrary: fc
      .array(
        hostileString().map((s): J => s),
        { maxLength: 4 },
      )
      .map((a): J => a),
    weight: 1,
  },
  {
    arbitrary: fc
      .array(
        fc.tuple(
          hostileKey,
          hostileString().map((s): J => s),
        ),
        { maxLength: 3 },
      )
      .map((entries): J => new Obj(entries)),
    weight: 1,
  },
);

/** A valid-looking value most of the time (so requests get past validation), a hostile one otherwise. */
export function mostly<T extends J>(valid: fc.Arbitrary<T>, hostileWeight = 1, validWeight = 5): fc.Arbitrary<J> {
  return fc.oneof({ arbitrary: valid.map((v): J => v), weight: validWeight }, { arbitrary: hostileValue, weight: hostileWeight });
}

/** A string leaf: valid-looking, or a hostile string (type kept), or any hostile value (type broken). */
export function stringLeaf(valid: fc.Arbitrary<string>): fc.Arbitrary<J> {
  return fc.oneof(
    { arbitrary: valid.map((v): J => v), weight: 20 },
    { arbitrary: hostileString(valid).map((v): J => v), weight: 3 },
    { arbitrary: hostileValue, weight: 1 },
  );
}

/** The enum's values, in any case as Fides accepts them, sometimes wrong. */
export function enumLeaf(values: readonly string[], graphql = false): fc.Arbitrary<J> {
  const valid: fc.Arbitrary<J> = graphql
    ? fc.constantFrom(...values).map((v): J => new Enum(v))
    : fc.oneof(
        { arbitrary: fc.constantFrom(...values).map((v): J => v), weight: 4 },
        { arbitrary: fc.constantFrom(...values).map((v): J => (v === v.toUpperCase() ? v.toLowerCase() : v.toUpperCase())), weight: 1 },
      );
  return fc.oneof(
    { arbitrary: valid, weight: 8 },
    { arbitrary: hostileValue, weight: 1 },
    { arbitrary: fc.constantFrom<J>('UNKNOWN', '', 'email\u0000'), weight: 1 },
  );
}

/** Bytes of a string as UTF-8, lone surrogates written as their 3-byte form (WTF-8), as a lax client would. */
export function wtf8(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Buffer.from(bytes);
}

/** Percent-encodes every byte but the unreserved ones: a NUL is `%00`, a lone surrogate `%ED%A0%80`. */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of wtf8(text)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The text as it stands, where HTTP lets it: `%zz` and `/` stay, characters U+0080..U+00FF go out as single (invalid
 * UTF-8) bytes, and only what no request line may carry (controls, space, `#`, anything past U+00FF) is encoded.
 */
export function rawUrlText(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += ch.length === 1 && c > 0x20 && c <= 0xff && c !== 0x7f && ch !== '#' ? ch : percentEncode(ch);
  }
  return out;
}

export type UrlEncoding = 'encoded' | 'raw';
export const urlEncoding = fc.oneof({ arbitrary: fc.constant<UrlEncoding>('encoded'), weight: 4 }, { arbitrary: fc.constant<UrlEncoding>('raw'), weight: 1 });
export const encodeUrlPart = (text: string, how: UrlEncoding): string => (how === 'encoded' ? percentEncode(text) : rawUrlText(text));

/** A value as a URL or form text: what a query string or a form field can carry of a JSON value. */
export function asText(value: J): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Raw) return value.json;
  if (value instanceof Enum) return value.name;
  return toJson(value);
}

/** `fc.oneof` over weighted arbitraries of one declared type (fc.oneof infers a union of the object literals). */
export function weighted<T>(...items: { arbitrary: fc.Arbitrary<T>; weight: number }[]): fc.Arbitrary<T> {
  return fc.oneof<{ arbitrary: fc.Arbitrary<T>; weight: number }[]>(...items);
}
