import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { pageOffset } from '../pagination.js';

/** Up to this many rows a page's `total` is exact; above it, PostgreSQL's estimate (never below what is known). */
export const EXACT_TOTAL_CAP = 10_000;

/** What `total` means on a list that uses pageTotal (OpenAPI and GraphQL descriptions). */
export const ESTIMATED_TOTAL_DESCRIPTION =
  'The number of matching items: exact up to 10,000, above that an estimate from PostgreSQL statistics (never below 10,001 nor below the items up to this page).';

export interface PageTotal {
  total: number;
  /** True when `total` is the planner's estimate rather than a count. */
  estimated: boolean;
}

export interface PageTotalOptions {
  /**
   * Counts up to the cap in the order of `rows` (the list's own), for a list whose order an index serves: the planner
   * then reads that index, index-only when it also holds the filter's columns, where without an order it would scan
   * the table until it has `cap + 1` rows whenever many rows match (privacy requests by status: 6 ms against 1 ms at
   * 250k requests). Only for an order an index serves: otherwise every matching row would be sorted first.
   */
  countInOrder?: boolean;
}

/**
 * The `total` of a page of `rows` (a query builder with the list's filters; its offset and limit are ignored, and its
 * order too unless `countInOrder`) without counting a large table:
 * - a page that reaches the end of the list (fewer items than `size`) knows the total: `offset + items`, no query;
 * - otherwise the rows are counted up to `cap + 1` (`SELECT count(*) FROM (SELECT 1 … LIMIT cap + 1)`), exact up to `cap`;
 * - above `cap` (or when the page itself lies beyond it) the total is the planner's row estimate of the filtered query
 *   (`EXPLAIN (FORMAT JSON)`; unfiltered, that is `pg_class.reltuples` scaled to the table's current pages), raised to
 *   at least `cap + 1` and to the rows this page shows: never below what a count up to the cap would say.
 */
export async function pageTotal(
  rows: SelectQueryBuilder<ObjectLiteral>,
  page: { page: number; size: number },
  itemsOnPage: number,
  cap: number = EXACT_TOTAL_CAP,
  options: PageTotalOptions = {},
): Promise<PageTotal> {
  const offset = pageOffset(page);
  const seen = offset + itemsOnPage;
  if (itemsOnPage > 0 && itemsOnPage < page.size) return { total: seen, estimated: false };
  if (itemsOnPage === 0 && offset === 0) return { total: 0, estimated: false };
  const unpaged = rows.clone().select('1', 'one').offset(undefined).limit(undefined).skip(undefined).take(undefined);
  // Built when needed: TypeORM's SQL building is a good part of a page's CPU.
  const unordered = () => unpaged.clone().orderBy().getQueryAndParameters();
  // A full page past the cap already shows more than `cap` rows; an empty page past the end says only `total <= offset`.
  if (itemsOnPage === 0 || seen <= cap) {
    const [counted, countParams] = options.countInOrder ? unpaged.getQueryAndParameters() : unordered();
    const [{ n }] = await rows.connection.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM (${counted} LIMIT ${cap + 1}) capped`, countParams);
    if (n <= cap) return { total: n, estimated: false };
  }
  const [sql, params] = unordered();
  const [plan] = await rows.connection.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[]>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const estimate = Math.round(plan['QUERY PLAN'][0].Plan['Plan Rows']);
  return { total: Math.max(itemsOnPage === 0 ? Math.min(estimate, offset) : estimate, cap + 1, seen), estimated: true };
}
