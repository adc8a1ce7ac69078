import { canonicalLocale, localeChain } from './locale-chain.js';

describe('locale chain', () => {
  it('canonicalises BCP 47 tags and refuses what is not one', () => {
    expect(canonicalLocale('es-mx')).toBe('es-MX');
    expect(canonicalLocale('zh-hant-tw')).toBe('zh-Hant-TW');
    expect(canonicalLocale('not a locale')).toBeNull();
    expect(canonicalLocale('')).toBeNull();
    expect(canonicalLocale('x'.repeat(40))).toBeNull();
  });

  it('goes exact → language → base', () => {
    expect(localeChain('es-MX')).toEqual(['es-MX', 'es', '']);
    expect(localeChain('zh-Hant-TW')).toEqual(['zh-Hant-TW', 'zh-Hant', 'zh', '']);
    expect(localeChain('fr')).toEqual(['fr', '']);
    expect(localeChain(null)).toEqual(['']);
    expect(localeChain('??')).toEqual(['']);
  });
});
