/** Fides' datetime form: ISO-8601 in UTC with microseconds and an explicit offset (`2021-08-30T16:09:37.359000+00:00`). */
export function fidesDateTime(date: Date): string;
export function fidesDateTime(date: Date | null): string | null;
export function fidesDateTime(date: Date | null): string | null {
  return date ? date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00') : null;
}
