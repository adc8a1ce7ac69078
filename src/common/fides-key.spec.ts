import { FIDES_KEY_PATTERN, isFidesKey, keyFromName } from './fides-key.js';

describe('keyFromName (Fides to_snake_case)', () => {
  it.each([
    ['My Mongo DB', 'my_mongo_db'],
    ['my main database', 'my_main_database'],
    ['Third Party Email Connector', 'third_party_email_connector'],
    ['  Padded   name  ', 'padded_name'],
    ['Café Münster', 'cafe_munster'],
    ['Ærøskøbing Shop', 'aeroskobing_shop'],
    ['Привет мир', 'privet_mir'],
    ['北京 DB', 'bei_jing_db'],
    ['v1.2 release', 'v12_release'],
    ['a - b -- c', 'a_b_c'],
    ['-leading-and-trailing-', '_leading_and_trailing_'],
    ["O'Brien & Sons!", 'obrien_sons'],
    ['emoji 😀 inside', 'emoji_inside'],
    ['under_score_kept', 'under_score_kept'],
  ])('%j → %j', (name, key) => {
    expect(keyFromName(name)).toBe(key);
    expect(FIDES_KEY_PATTERN.test(key)).toBe(true);
  });

  it.each(['', '   ', '😀', '!!!', '...', '😀🎉'])('%j yields no key', (name) => {
    expect(keyFromName(name)).toBeUndefined();
  });
});

describe('isFidesKey (decision D3: one rule everywhere)', () => {
  it.each(['a', 'my_key', 'my.key', 'my-key', 'A1_b.c-d', '...'])('accepts %j', (key) => expect(isFidesKey(key)).toBe(true));
  it.each(['', 'has space', 'slash/key', 'émoji', 'semi;colon', 'a+b', 42, null, undefined])('refuses %j', (key) => expect(isFidesKey(key)).toBe(false));
});
