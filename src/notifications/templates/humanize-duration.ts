const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The languages Herald's built-in texts are written in (decision D32); '' is the English base. */
export type BuiltInLanguage = '' | 'es' | 'fr' | 'de';

type Unit = 'day' | 'hour' | 'minute' | 'second';

/** Singular and plural of each unit, and the word before the last part of a list. German is in the accusative ("5 Tage lang"). */
const WORDS: Record<BuiltInLanguage, { units: Record<Unit, [string, string]>; and: string; plural: (n: number) => boolean }> = {
  '': {
    units: { day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'], second: ['second', 'seconds'] },
    and: 'and',
    plural: (n) => n !== 1,
  },
  es: {
    units: { day: ['día', 'días'], hour: ['hora', 'horas'], minute: ['minuto', 'minutos'], second: ['segundo', 'segundos'] },
    and: 'y',
    plural: (n) => n !== 1,
  },
  fr: {
    units: { day: ['jour', 'jours'], hour: ['heure', 'heures'], minute: ['minute', 'minutes'], second: ['seconde', 'secondes'] },
    and: 'et',
    // French counts 0 and 1 as singular.
    plural: (n) => n >= 2,
  },
  de: {
    units: { day: ['Tag', 'Tage'], hour: ['Stunde', 'Stunden'], minute: ['Minute', 'Minuten'], second: ['Sekunde', 'Sekunden'] },
    and: 'und',
    plural: (n) => n !== 1,
  },
};

/** "1 minute", "10 minutos", "0 seconde": a count with its unit in the language. */
export function durationUnit(count: number, unit: Unit, language: BuiltInLanguage = ''): string {
  const words = WORDS[language];
  return `${count} ${words.units[unit][words.plural(count) ? 1 : 0]}`;
}

/**
 * A lifetime in words, exact to the second, for the completion texts (decision D8: they state the real link
 * lifetime instead of Fides' hard-coded "24 hours"), in English or one of the built-in languages.
 *
 * Days are used from two days on, so a lifetime of one day reads "24 hours" (Fides' own wording) and 36 hours reads
 * "36 hours". The non-zero parts are joined as in prose: 432000 → "5 days", 600 → "10 minutes",
 * 3661 → "1 hour, 1 minute and 1 second" ("1 hora, 1 minuto y 1 segundo"). Fractions of a second are dropped; 0 gives
 * "0 seconds".
 */
export function humanizeDuration(totalSeconds: number, language: BuiltInLanguage = ''): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) {
    throw new RangeError(`A duration must be a finite number of seconds >= 0, got ${totalSeconds}`);
  }
  let rest = Math.floor(totalSeconds);
  if (rest === 0) return durationUnit(0, 'second', language);

  const parts: string[] = [];
  if (rest >= 2 * DAY) {
    parts.push(durationUnit(Math.floor(rest / DAY), 'day', language));
    rest %= DAY;
  }
  const hours = Math.floor(rest / HOUR);
  const minutes = Math.floor((rest % HOUR) / MINUTE);
  const seconds = rest % MINUTE;
  if (hours > 0) parts.push(durationUnit(hours, 'hour', language));
  if (minutes > 0) parts.push(durationUnit(minutes, 'minute', language));
  if (seconds > 0) parts.push(durationUnit(seconds, 'second', language));

  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} ${WORDS[language].and} ${parts[parts.length - 1]}`;
}
