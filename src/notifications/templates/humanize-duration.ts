const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function unit(count: number, singular: string): string {
  return `${count} ${singular}${count === 1 ? '' : 's'}`;
}

/**
 * A lifetime in words, exact to the second, for the completion texts (decision D8: they state the real link
 * lifetime instead of Fides' hard-coded "24 hours").
 *
 * Days are used from two days on, so a lifetime of one day reads "24 hours" (Fides' own wording) and 36 hours reads
 * "36 hours". The non-zero parts are joined as in English prose: 432000 → "5 days", 600 → "10 minutes",
 * 3661 → "1 hour, 1 minute and 1 second". Fractions of a second are dropped; 0 gives "0 seconds".
 */
export function humanizeDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) {
    throw new RangeError(`A duration must be a finite number of seconds >= 0, got ${totalSeconds}`);
  }
  let rest = Math.floor(totalSeconds);
  if (rest === 0) return unit(0, 'second');

  const parts: string[] = [];
  if (rest >= 2 * DAY) {
    parts.push(unit(Math.floor(rest / DAY), 'day'));
    rest %= DAY;
  }
  const hours = Math.floor(rest / HOUR);
  const minutes = Math.floor((rest % HOUR) / MINUTE);
  const seconds = rest % MINUTE;
  if (hours > 0) parts.push(unit(hours, 'hour'));
  if (minutes > 0) parts.push(unit(minutes, 'minute'));
  if (seconds > 0) parts.push(unit(seconds, 'second'));

  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
