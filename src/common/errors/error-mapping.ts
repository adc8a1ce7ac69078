import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorKind, HeraldError, RequestValidationError, TooManyRequestsError } from './herald.error.js';

export function kindToHttpStatus(kind: ErrorKind): number {
  switch (kind) {
    case 'bad_request':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'gone':
      return 410;
    case 'payload_too_large':
      return 413;
    case 'unprocessable':
      return 422;
    case 'too_many_requests':
      return 429;
    case 'unavailable':
      return 503;
  }
}

export function kindToGraphqlCode(kind: ErrorKind): string {
  switch (kind) {
    case 'bad_request':
    case 'unprocessable':
      return 'BAD_USER_INPUT';
    case 'unauthenticated':
      return 'UNAUTHENTICATED';
    case 'forbidden':
      return 'FORBIDDEN';
    case 'not_found':
      return 'NOT_FOUND';
    case 'conflict':
      return 'CONFLICT';
    case 'gone':
      return 'GONE';
    case 'payload_too_large':
      return 'PAYLOAD_TOO_LARGE';
    case 'too_many_requests':
      return 'TOO_MANY_REQUESTS';
    case 'unavailable':
      return 'SERVICE_UNAVAILABLE';
  }
}

const STATUS_TO_KIND: Record<number, ErrorKind> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  422: 'unprocessable',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** The text Fides answers for a bare status (e.g. Starlette's `Not Found`). */
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Failed to authenticate',
  403: 'Not Authorized for this action',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request body is too large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export interface MappedError {
  status: number;
  /** GraphQL `extensions.code`. */
  code: string;
  detail: unknown;
  /** False for a 5xx we did not expect: logged with its stack, shown without internals. */
  expected: boolean;
  /** Seconds until a rate limit lets the caller in again (`Retry-After`, GraphQL `extensions.retryAfter`). */
  retryAfter?: number;
}

/** Anything thrown → what the client is told. Unknown errors become a bare 500. */
export function mapError(thrown: unknown): MappedError {
  // Nest wraps Fastify's own 4xx errors (body parsing, limits) in an HttpException; the original says more.
  const error = thrown instanceof HttpException && isFastifyError(thrown.cause) ? thrown.cause : thrown;
  if (error instanceof HeraldError) {
    const mapped = { status: kindToHttpStatus(error.kind), code: kindToGraphqlCode(error.kind), detail: error.detail, expected: true };
    return error instanceof TooManyRequestsError ? { ...mapped, retryAfter: error.retryAfterSeconds } : mapped;
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const kind = STATUS_TO_KIND[status];
    const response = error.getResponse();
    // Our guards raise Nest exceptions with a Fides text; Nest's own (routing, parsing) carry generic texts.
    const own = typeof response === 'object' && response !== null && 'detail' in response ? response.detail : undefined;
    return {
      status,
      code: kind ? kindToGraphqlCode(kind) : status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST',
      detail: own ?? STATUS_TEXT[status] ?? error.message,
      expected: status < 500,
    };
  }
  const status = httpStatusOf(error);
  if (isFastifyError(error) && error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    // A body that is not JSON: FastAPI's answer is a 422 of kind jsondecode, so is ours.
    const detail = [{ loc: ['body'], msg: 'Invalid JSON: the body could not be parsed', type: 'value_error.jsondecode' }];
    return { status: 422, code: 'BAD_USER_INPUT', detail, expected: true };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    // Errors raised by Fastify before a route runs (body parsing, limits) carry a status and a safe message.
    const kind = STATUS_TO_KIND[status];
    return { status, code: kind ? kindToGraphqlCode(kind) : 'BAD_REQUEST', detail: clientText(status, error), expected: true };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL_SERVER_ERROR', detail: 'Internal Server Error', expected: false };
}

function isFastifyError(error: unknown): error is Error & { code: string; statusCode: number } {
  const code: unknown = (error as { code?: unknown } | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('FST_');
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode ?? (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

function clientText(status: number, error: unknown): string {
  // Fastify's own messages are safe and useful ("Unsupported Media Type: text/xml"); anything else gets the status text.
  if (isFastifyError(error)) return error.message;
  return STATUS_TEXT[status] ?? 'Bad Request';
}

export { RequestValidationError };
