import { humanizeDuration } from './humanize-duration.js';

describe('humanizeDuration', () => {
  it.each([
    [432000, '5 days'], // Fides' default download link TTL
    [86400, '24 hours'], // the lifetime Fides' texts claim
    [600, '10 minutes'], // the default verification code TTL
    [1, '1 second'],
    [59, '59 seconds'],
    [60, '1 minute'],
    [90, '1 minute and 30 seconds'],
    [3600, '1 hour'],
    [3661, '1 hour, 1 minute and 1 second'],
    [7200, '2 hours'],
    [90000, '25 hours'],
    [129600, '36 hours'],
    [172799, '47 hours, 59 minutes and 59 seconds'],
    [172800, '2 days'],
    [180000, '2 days and 2 hours'],
    [604800, '7 days'],
    [694861, '8 days, 1 hour, 1 minute and 1 second'],
  ])('says %j seconds as %j', (seconds, words) => {
    expect(humanizeDuration(seconds)).toBe(words);
  });

  it('says zero as "0 seconds" and drops fractions of a second', () => {
    expect(humanizeDuration(0)).toBe('0 seconds');
    expect(humanizeDuration(0.9)).toBe('0 seconds');
    expect(humanizeDuration(600.5)).toBe('10 minutes');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects %p', (seconds) => {
    expect(() => humanizeDuration(seconds)).toThrow(RangeError);
  });
});

describe('humanizeDuration in the built-in languages', () => {
  it.each([
    ['es', 432000, '5 días'],
    ['es', 86400, '24 horas'],
    ['es', 3661, '1 hora, 1 minuto y 1 segundo'],
    ['fr', 432000, '5 jours'],
    ['fr', 5400, '1 heure et 30 minutes'],
    ['fr', 0, '0 seconde'],
    ['de', 432000, '5 Tage'],
    ['de', 3661, '1 Stunde, 1 Minute und 1 Sekunde'],
    ['de', 7260, '2 Stunden und 1 Minute'],
  ] as const)('%s: says %j seconds as %j', (language, seconds, words) => {
    expect(humanizeDuration(seconds, language)).toBe(words);
  });
});
