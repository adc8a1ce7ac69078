import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { EXACT_TOTAL_CAP, pageTotal } from '../../src/common/database/page-total.js';
import { createTestDatabase } from '../support/test-app.js';

/** The page `total` helper on real PostgreSQL: exact up to the cap, free at the end of a list, an estimate above the cap. */
describe('pageTotal', () => {
  let database: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  // 24,000 'big' rows and 1,000 'small' ones (every 25th), in one table the planner has analyzed.
  const ALL = 25_000;
  const SMALL = 1_000;
  const rows = (kind?: string) => {
    const q = ds.createQueryBuilder().select('i.id').from('item', 'i');
    return kind ? q.where('i.kind = :kind', { kind }) : q;
  };
  const counts = () => {
    const query = jest.spyOn(ds, 'query');
    return { statements: () => query.mock.calls.map(([sql]) => sql), restore: () => query.mockRestore() };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    ds = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    await ds.query(`CREATE TABLE item (id integer PRIMARY KEY, kind text NOT NULL)`);
    await ds.query(`INSERT INTO item SELECT g, CASE WHEN g % 25 = 0 THEN 'small' ELSE 'big' END FROM generate_series(1, ${ALL}) g`);
    await ds.query('ANALYZE item');
  });

  afterAll(async () => {
    await ds?.destroy();
    await database?.drop();
  });

  it('counts exactly below the cap, and the filter filters', async () => {
    expect(await pageTotal(rows('small'), { page: 1, size: 50 }, 50)).toEqual({ total: SMALL, estimated: false });
    expect(await pageTotal(rows('none'), { page: 2, size: 50 }, 0)).toEqual({ total: 0, estimated: false });
  });

  it('knows the total without a count when the page reaches the end of the list', async () => {
    const spy = counts();
    try {
      expect(await pageTotal(rows('small'), { page: 34, size: 30 }, 10)).toEqual({ total: SMALL, estimated: false });
      expect(await pageTotal(rows('small'), { page: 1, size: 50 }, 0)).toEqual({ total: 0, estimated: false });
      expect(spy.statements()).toEqual([]);
    } finally {
      spy.restore();
    }
  });

  it('counts an empty page past the end exactly', async () => {
    expect(await pageTotal(rows('small'), { page: 1000, size: 50 }, 0)).toEqual({ total: SMALL, estimated: false });
  });

  it('estimates above the cap, never below it, unfiltered and filtered', async () => {
    const all = await pageTotal(rows(), { page: 1, size: 50 }, 50);
    expect(all.estimated).toBe(true);
    expect(all.total).toBeGreaterThan(EXACT_TOTAL_CAP);
    expect(Math.abs(all.total - ALL) / ALL).toBeLessThan(0.2);
    const big = await pageTotal(rows('big'), { page: 1, size: 50 }, 50);
    expect(big.estimated).toBe(true);
    expect(big.total).toBeGreaterThan(EXACT_TOTAL_CAP);
    expect(Math.abs(big.total - (ALL - SMALL)) / (ALL - SMALL)).toBeLessThan(0.2);
  });

  it('counts at most cap + 1 rows, and skips the count for a full page past the cap', async () => {
    const spy = counts();
    try {
      const capped = await pageTotal(rows('small'), { page: 1, size: 50 }, 50, 100);
      expect(capped.estimated).toBe(true);
      expect(capped.total).toBeGreaterThanOrEqual(101);
      expect(spy.statements()[0]).toMatch(/^SELECT count\(\*\)::int AS n FROM \(.* LIMIT 101\) capped$/);
      const deep = await pageTotal(rows('small'), { page: 5, size: 50 }, 50, 100);
      expect(deep.total).toBeGreaterThanOrEqual(250);
      expect(spy.statements()[2]).toMatch(/^EXPLAIN/);
      expect(spy.statements()).toHaveLength(3);
    } finally {
      spy.restore();
    }
  });
});
