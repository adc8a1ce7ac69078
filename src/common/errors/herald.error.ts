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

/** One pydantic-style validation problem: where (`loc`), what (`msg`) and its class (`type`). */
export interface ValidationIssue {
  loc: (string | number)[];
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
    return new RequestValidationError(this.issues.map((i) => ({ ...i, loc: [location, ...i.loc] })));
  }
}

/** One issue at a single location, for checks made by hand. */
export function invalid(loc: (string | number)[], msg: string, type = 'value_error'): RequestValidationError {
  return new RequestValidationError([{ loc, msg, type }]);
}
