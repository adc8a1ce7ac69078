import { QueryFailedError } from 'typeorm';

/** The constraint a write broke when PostgreSQL refused it as a duplicate (SQLSTATE 23505), else undefined. */
export function uniqueViolation(error: unknown): { constraint: string; detail?: string } | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string; detail?: string };
  return driverError.code === '23505' ? { constraint: driverError.constraint ?? 'unique', detail: driverError.detail } : undefined;
}

/** True when PostgreSQL refused a delete because rows elsewhere still refer to it (SQLSTATE 23503). */
export function foreignKeyViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23503';
}

/** A value matched literally inside a LIKE pattern: its `\`, `%` and `_` escaped (PostgreSQL's default escape). */
export const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);
