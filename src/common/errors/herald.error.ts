/**
 * What went wrong, independent of the transport. REST and GraphQL each map a kind once
 * (see `kindToHttpStatus` and `kindToGraphqlCode`).
 */
export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'unprocessable'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'unavailable';

/** Where a validation problem is: keys and list indices from the outside in (pydantic's `loc`). */
export type Loc = (string | number)[];

/** One pydantic-style validation problem: where (`loc`), what (`msg`) and its class (`type`). */
export interface ValidationIssue {
  loc: Loc;
  msg: string;
  type: string;
}

/**
 * Services throw these, never HTTP exceptions. `detail` is what the client sees in `{"detail": ...}`: a message,
 * or a list (Fides answers lists for validation problems), so it must never hold a secret or an identity.
 */
export class HeraldError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly detail: string | string[] | ValidationIssue[],
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
    this.name = 'HeraldError';
  }
}

/** Over a rate limit (decision D18): answered 429 with `Retry-After`, or `TOO_MANY_REQUESTS` over GraphQL. */
export class TooManyRequestsError extends HeraldError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_requests', 'Too many requests');
  }
}

export const notFound = (detail: string) => new HeraldError('not_found', detail);
export const conflict = (detail: string) => new HeraldError('conflict', detail);
export const badRequest = (detail: string | string[]) => new HeraldError('bad_request', detail);

/** A 422 with Fides' list shape. */
export class RequestValidationError extends HeraldError {
  constructor(readonly issues: ValidationIssue[]) {
    super('unprocessable', issues);
  }

  /** The same problems, `loc` starting with where they came from (`body`, `query`, `path`). */
  locatedAt(location: string): RequestValidationError {
    return this.prefixedWith([location]);
  }

  /** The same problems, each `loc` first passed through `rename` (e.g. into GraphQL's names), then put after `prefix`. */
  prefixedWith(prefix: Loc, rename: (loc: Loc) => Loc = (loc) => loc): RequestValidationError {
    return new RequestValidationError(this.issues.map((i) => ({ ...i, loc: [...prefix, ...rename(i.loc)] })));
  }

  /**
   * Runs `work` (sync or async) and returns what it returns; a RequestValidationError it throws comes out with its
   * `loc`s renamed and prefixed as `prefixedWith` does. Services report `loc`s relative to their command
   * (`[3, 'name']`); the transport says where the command sat: `RequestValidationError.prefixed(['body'], () =>
   * service.upsertMany(commands))` over REST, `(['inputs'], ..., camelCaseLoc)` over GraphQL.
   */
  static prefixed<T>(prefix: Loc, work: () => T, rename?: (loc: Loc) => Loc): T {
    const relocated = (error: unknown): unknown => (error instanceof RequestValidationError ? error.prefixedWith(prefix, rename) : error);
    try {
      const result = work();
      if (!(result instanceof Promise)) return result;
      return result.catch((error: unknown) => {
        throw relocated(error);
      }) as T;
    } catch (error) {
      throw relocated(error);
    }
  }
}

/** One issue at a single location, for checks made by hand. */
export function invalid(loc: Loc, msg: string, type = 'value_error'): RequestValidationError {
  return new RequestValidationError([{ loc, msg, type }]);
}

/** A `loc` in GraphQL's field names: snake_case keys in camelCase (`to_email` → `toEmail`); indices and `__root__` kept. */
export const camelCaseLoc = (loc: Loc): Loc =>
  loc.map((part) => (typeof part === 'string' ? part.replace(/(?<=[a-zA-Z\d])_([a-z])/g, (_, c: string) => c.toUpperCase()) : part));

/** A command's `loc` in a REST body's or query's names (`phoneNumber` → `phone_number`); indices are left alone. */
export const snakeCaseLoc = (loc: Loc): Loc => loc.map((part) => (typeof part === 'string' ? part.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : part));
