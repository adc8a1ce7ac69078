/**
 * Locales of templates and privacy requests (decision D32): BCP 47 tags, canonicalised by the platform's own
 * `Intl.getCanonicalLocales` (no hand-written grammar), and the order a message tries its template variants in:
 * exact → language → base. The base variant is the empty string.
 */

/** The canonical form of a BCP 47 tag (`es-mx` → `es-MX`), or null when it is not one. At most 35 characters (RFC 5646's advice). */
export function canonicalLocale(tag: string): string | null {
  if (typeof tag !== 'string' || tag.length === 0 || tag.length > 35) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical ?? null;
  } catch {
    return null;
  }
}

/** The variants to try, most specific first, ending with the base (''): `es-MX` → `['es-MX', 'es', '']`. */
export function localeChain(locale: string | null | undefined): string[] {
  const canonical = locale ? canonicalLocale(locale) : null;
  if (!canonical) return [''];
  const chain: string[] = [];
  const subtags = canonical.split('-');
  for (let n = subtags.length; n >= 1; n--) chain.push(subtags.slice(0, n).join('-'));
  chain.push('');
  return chain;
}
