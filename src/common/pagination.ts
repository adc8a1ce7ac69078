import { ArgsType, Field, Int } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IntBetween, Optional } from './validation/fides-validators.js';

/** Fides' pagination bounds (fastapi-pagination 0.10): page >= 1, size 1..100, default 50. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @Optional()
  @IntBetween(1, Number.MAX_SAFE_INTEGER)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @Optional()
  @IntBetween(1, MAX_PAGE_SIZE)
  size: number = DEFAULT_PAGE_SIZE;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
}

export const pageOffset = (q: { page: number; size: number }): number => (q.page - 1) * q.size;

export function toPage<T>(items: T[], total: number, q: { page: number; size: number }): Page<T> {
  return { items, total, page: q.page, size: q.size };
}

/** The same bounds for GraphQL list queries. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 1 })
  @IntBetween(1, Number.MAX_SAFE_INTEGER)
  page: number = 1;

  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE })
  @IntBetween(1, MAX_PAGE_SIZE)
  size: number = DEFAULT_PAGE_SIZE;
}
