import pg from 'pg';

/** PostgreSQL's type id of `timestamptz`. */
const TIMESTAMPTZ = 1184;

const digit = (text: string, at: number): number => {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};
const two = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1);

/**
 * `timestamptz` text as PostgreSQL prints it with the default DateStyle (`2026-11-26 08:05:23.123456+00`, the offset
 * possibly `+05:30`), read digit by digit: what pg's parser (postgres-date) returns, at a fraction of its cost (its
 * regular expressions were a tenth of a page of privacy requests). Anything else (BC, `infinity`, years outside
 * 1000..9999, other DateStyles) is left to `fallback`.
 */
export function parseTimestamptz(text: string, fallback: (text: string) => unknown): unknown {
  const length = text.length;
  if (length < 22 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32) return fallback(text);
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return fallback(text);
  const year = two(text, 0) * 100 + two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  const hour = two(text, 11);
  const minute = two(text, 14);
  const second = two(text, 17);
  let at = 19;
  let ms = 0;
  if (text.charCodeAt(at) === 46) {
    // Milliseconds, the further digits dropped (as Date.UTC drops them from postgres-date's fraction).
    at++;
    let scale = 100;
    for (; at < length && digit(text, at) >= 0; at++) {
      ms += digit(text, at) * scale;
      scale /= 10;
    }
    ms = Math.floor(ms);
  }
  const sign = text.charCodeAt(at);
  if (sign !== 43 && sign !== 45) return fallback(text);
  let offset = two(text, at + 1) * 60;
  at += 3;
  if (at < length && text.charCodeAt(at) === 58) {
    offset += two(text, at + 1);
    at += 3;
  }
  // Seconds in the offset (historic zones) and anything else unusual: the general parser.
  if (at !== length || year < 1000 || Number.isNaN(year + month + day + hour + minute + second + offset)) return fallback(text);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - (sign === 43 ? offset : -offset) * 60_000);
}

/** Makes every pg client of this process (TypeORM's pool, pg-boss's) read `timestamptz` with parseTimestamptz. */
export function useFastTimestamptzParser(): void {
  const fallback = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => unknown;
  if ((fallback as { fast?: boolean }).fast) return;
  const fast = Object.assign((text: string) => parseTimestamptz(text, fallback), { fast: true });
  pg.types.setTypeParser(TIMESTAMPTZ, 'text', fast);
}
