import { isFidesKey } from '../../common/fides-key.js';
import { DATA_CATEGORY_KEYS, DATA_CATEGORY_TAXONOMY_VERSION, isSupportedDataCategory } from './data-category-taxonomy.js';

describe('data-category taxonomy (fideslang 1.3.1 defaults)', () => {
  it('records the fideslang version it comes from', () => expect(DATA_CATEGORY_TAXONOMY_VERSION).toBe('fideslang 1.3.1'));

  it('holds the 56 distinct default keys, each a FidesKey', () => {
    expect(DATA_CATEGORY_KEYS).toHaveLength(56);
    expect(new Set(DATA_CATEGORY_KEYS).size).toBe(56);
    expect(DATA_CATEGORY_KEYS.every(isFidesKey)).toBe(true);
    expect(DATA_CATEGORY_KEYS.slice(0, 4)).toEqual(['system', 'system.authentication', 'system.operations', 'user']);
    expect(DATA_CATEGORY_KEYS.at(-1)).toBe('user.workplace');
  });

  it.each(['user', 'user.childrens', 'system.operations', 'user.contact.address.postal_code', 'user.government_id.passport_number'])('accepts %j', (key) =>
    expect(isSupportedDataCategory(key)).toBe(true),
  );

  // Keys of later fideslang taxonomies, custom keys and near-misses are refused.
  it.each(['user.provided.identifiable.contact.email', 'customer', 'User', 'user.', 'user contact', '', null, 3])('refuses %j', (key) =>
    expect(isSupportedDataCategory(key)).toBe(false),
  );
});
