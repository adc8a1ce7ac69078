import unidecode from 'unidecode';

/** Decision D3: one rule for every key, on create and update alike. */
export const FIDES_KEY_PATTERN = /^[a-zA-Z0-9_.-]+$/;
export const FIDES_KEY_MESSAGE = "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.";

export function isFidesKey(value: unknown): value is string {
  return typeof value === 'string' && FIDES_KEY_PATTERN.test(value);
}

/**
 * Fides' key-from-name (fideslib `to_snake_case`): transliterate to ASCII, lower-case, trim, drop everything that
 * is not a word character, whitespace or `-`, turn runs of whitespace/`-` into `_`, strip outer `-`.
 * Returns undefined when nothing usable is left (the caller answers 422, decision D3).
 */
export function keyFromName(name: string): string | undefined {
  const key = unidecode(name)
    .toLowerCase()
    .trim()
    .replace(/[^\w\s-]/g, '')
    .replace(/[\s-]+/g, '_')
    .replace(/^-+|-+$/g, '');
  return isFidesKey(key) ? key : undefined;
}
