import { jest } from '@jest/globals';
import pg from 'pg';
import { parseTimestamptz } from './timestamptz-parser.js';

// pg's own parser (postgres-date): the reference every answer must equal.
const reference = pg.types.getTypeParser(1184, 'text') as (text: string) => unknown;

describe('parseTimestamptz', () => {
  it.each([
    '2026-11-26 08:05:23.123456+00',
    '2026-11-26 08:05:23.1+00',
    '2026-11-26 08:05:23.12+00',
    '2026-11-26 08:05:23.999999+00',
    '2026-11-26 08:05:23.000001+00',
    '2026-11-26 08:05:23+00',
    '2026-02-28 23:59:59.5-03',
    '2024-02-29 00:00:00.25+05:30',
    '2024-12-31 23:30:00+05:45',
    '2025-01-01 00:15:00.007-09:30',
    '1970-01-01 00:00:00+00',
    '1000-01-01 00:00:00+00',
    '9999-12-31 23:59:59.999999+14',
  ])('reads %s as pg does', (text) => {
    const fallback = jest.fn(reference);
    expect(parseTimestamptz(text, fallback)).toEqual(reference(text));
    expect(fallback).not.toHaveBeenCalled();
  });

  it.each(['infinity', '-infinity', '0099-01-01 00:00:00+00', '2000-01-01 00:00:00+00 BC', '1850-01-01 00:00:00+00:19:32', '12345-01-01 00:00:00+00'])(
    'leaves %s to the general parser',
    (text) => {
      const fallback = jest.fn(reference);
      expect(parseTimestamptz(text, fallback)).toEqual(reference(text));
      expect(fallback).toHaveBeenCalledWith(text);
    },
  );

  it('agrees with pg on a spread of instants and offsets', () => {
    for (let i = 0; i < 2000; i++) {
      const date = new Date(Date.UTC(1900, 0, 1) + i * 7_654_321_987);
      const micros = String((i * 7919) % 1_000_000).padStart(6, '0');
      const offset = [0, 60, -180, 330, 345, -570][i % 6];
      const local = new Date(date.getTime() + offset * 60_000).toISOString();
      const zone = `${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}${Math.abs(offset) % 60 ? `:${String(Math.abs(offset) % 60).padStart(2, '0')}` : ''}`;
      const text = `${local.slice(0, 10)} ${local.slice(11, 19)}.${micros}${zone}`;
      expect(parseTimestamptz(text, reference)).toEqual(reference(text));
    }
  });
});
