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
