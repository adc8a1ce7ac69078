import { MAX_JSON_DEPTH, findHostile, nestedDeeperThan, stringProblem } from './hostile-input.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('nestedDeeperThan (the JSON depth pre-scan)', () => {
  it('counts objects and arrays, up to the limit and past it', () => {
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(nestedDeeperThan('{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1))).toBe(true);
    // Siblings do not add up: depth is nesting, not the number of brackets.
    expect(nestedDeeperThan(`[${Array.from({ length: 500 }, () => '[{}]').join(',')}]`)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestedDeeperThan(JSON.stringify(['['.repeat(500)]))).toBe(false);
    expect(nestedDeeperThan(JSON.stringify([`"${'{'.repeat(500)}`, '\\', '\\"[[[['.repeat(100)]))).toBe(false);
    expect(nestedDeeperThan(`["\\\\"${nested(MAX_JSON_DEPTH + 1)}]`)).toBe(true);
  });
});

describe('findHostile', () => {
  it('finds a NUL or a lone surrogate in values and keys, located at the field (a bad key at its parent)', () => {
    expect(findHostile({ a: [{ b: 'x\u0000' }] }, ['body'])).toEqual({
      loc: ['body', 'a', 0, 'b'],
      msg: 'NUL characters are not allowed',
      type: 'value_error.str.nul',
    });
    expect(findHostile(['ok', '\ud800'], ['body'])?.loc).toEqual(['body', 1]);
    expect(findHostile({ a: { 'k\udc00': 1 } }, ['body'])).toMatchObject({ loc: ['body', 'a'], type: 'value_error.str.surrogate' });
    expect(findHostile('\u0000', ['body'])?.loc).toEqual(['body']);
  });

  it('accepts well-formed text, surrogate pairs included, and non-string values', () => {
    expect(findHostile({ emoji: '\ud83d\ude00', n: 1, b: true, z: null, list: ['é', 'ü'] }, ['body'])).toBeUndefined();
    expect(stringProblem('\ud83d\ude00')).toBeUndefined();
    expect(stringProblem('\ude00\ud83d')).toMatchObject({ type: 'value_error.str.surrogate' });
  });

  it('refuses a value nested past the limit without recursing (no stack to exhaust)', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findHostile(deep, ['variables'])).toMatchObject({ loc: ['variables'], type: 'value_error.json.max_depth' });
  });
});
