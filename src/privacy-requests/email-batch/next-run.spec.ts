import { isoInZone, nextRunAt } from './next-run.js';

// Fides' default schedule, Mondays at noon in US/Eastern, across the end of daylight saving time (1 November 2026):
// the expected instants are written out by hand (EDT is UTC-4, EST is UTC-5).
describe('the next batch run (D34)', () => {
  it('is noon on the next Monday in US/Eastern, daylight saving time or not', () => {
    expect(nextRunAt('0 12 * * mon', 'US/Eastern', new Date('2026-10-21T00:00:00Z')).toISOString()).toBe('2026-10-26T16:00:00.000Z');
    expect(nextRunAt('0 12 * * mon', 'US/Eastern', new Date('2026-10-27T00:00:00Z')).toISOString()).toBe('2026-11-02T17:00:00.000Z');
    // Monday 11:59 local: the same day; 12:00 exactly: the next week.
    expect(nextRunAt('0 12 * * mon', 'US/Eastern', new Date('2026-11-30T16:59:00Z')).toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(nextRunAt('0 12 * * mon', 'US/Eastern', new Date('2026-11-30T17:00:00Z')).toISOString()).toBe('2026-12-07T17:00:00.000Z');
  });

  it('reads day names and numbers alike, in any zone', () => {
    expect(nextRunAt('30 9 * * 1', 'Europe/Berlin', new Date('2026-03-25T00:00:00Z')).toISOString()).toBe('2026-03-30T07:30:00.000Z');
    expect(nextRunAt('0 12 * * *', 'Asia/Kathmandu', new Date('2026-11-26T06:14:00Z')).toISOString()).toBe('2026-11-26T06:15:00.000Z');
  });

  it("writes an instant with the zone's offset at that moment", () => {
    expect(isoInZone(new Date('2026-10-26T16:00:00Z'), 'US/Eastern')).toBe('2026-10-26T12:00:00-04:00');
    expect(isoInZone(new Date('2026-11-02T17:00:00Z'), 'US/Eastern')).toBe('2026-11-02T12:00:00-05:00');
    expect(isoInZone(new Date('2026-11-26T06:15:00Z'), 'Asia/Kathmandu')).toBe('2026-11-26T12:00:00+05:45');
    expect(isoInZone(new Date('2026-11-26T06:15:00Z'), 'UTC')).toBe('2026-11-26T06:15:00+00:00');
  });
});
