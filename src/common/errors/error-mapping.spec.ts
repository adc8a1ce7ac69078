import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { HeraldError, RequestValidationError, TooManyRequestsError, invalid } from './herald.error.js';
import { kindToGraphqlCode, kindToHttpStatus, mapError } from './error-mapping.js';

function fastifyError(code: string, statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

describe('mapError', () => {
  it.each([
    ['bad_request', 400, 'BAD_USER_INPUT'],
    ['unauthenticated', 401, 'UNAUTHENTICATED'],
    ['forbidden', 403, 'FORBIDDEN'],
    ['not_found', 404, 'NOT_FOUND'],
    ['conflict', 409, 'CONFLICT'],
    ['payload_too_large', 413, 'PAYLOAD_TOO_LARGE'],
    ['unprocessable', 422, 'BAD_USER_INPUT'],
    ['too_many_requests', 429, 'TOO_MANY_REQUESTS'],
    ['unavailable', 503, 'SERVICE_UNAVAILABLE'],
  ] as const)('maps the domain kind %s to %i / %s', (kind, status, code) => {
    expect(kindToHttpStatus(kind)).toBe(status);
    expect(kindToGraphqlCode(kind)).toBe(code);
    expect(mapError(new HeraldError(kind, 'why'))).toEqual({ status, code, detail: 'why', expected: true });
  });

  it('carries the retry delay of a rate limit, in whole seconds', () => {
    expect(mapError(new TooManyRequestsError(42))).toEqual({
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      detail: 'Too many requests',
      expected: true,
      retryAfter: 42,
    });
    expect(mapError(new HttpException('slow down', 429))).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', detail: 'Too Many Requests' });
  });

  it('keeps the pydantic list of a validation error, located', () => {
    const error = invalid(['name'], 'field required', 'value_error.missing').locatedAt('body');
    expect(error).toBeInstanceOf(RequestValidationError);
    expect(mapError(error)).toMatchObject({ status: 422, detail: [{ loc: ['body', 'name'], msg: 'field required', type: 'value_error.missing' }] });
  });

  it('answers Nest HTTP exceptions with the status text Fides gives', () => {
    expect(mapError(new NotFoundException('Cannot GET /x'))).toMatchObject({ status: 404, detail: 'Not Found', code: 'NOT_FOUND' });
    expect(mapError(new HttpException({ detail: 'own text' }, 403))).toMatchObject({ status: 403, detail: 'own text' });
  });

  it('unwraps Fastify errors that Nest wrapped, keeping their safe message', () => {
    const tooLarge = new HttpException('Request body is too large', 413, {
      cause: fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large'),
    });
    expect(mapError(tooLarge)).toMatchObject({ status: 413, detail: 'Request body is too large', expected: true });
    const badJson = new BadRequestException('x', { cause: fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400, 'Body is not valid JSON') });
    expect(mapError(badJson)).toMatchObject({ status: 422, detail: [{ loc: ['body'], type: 'value_error.jsondecode' }] });
    const media = fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'Unsupported Media Type: text/xml');
    expect(mapError(media)).toMatchObject({ status: 415, detail: 'Unsupported Media Type: text/xml' });
  });

  it('hides everything about an unexpected error', () => {
    const mapped = mapError(new Error('connection to postgres://user:secret@db failed'));
    expect(mapped).toEqual({ status: 500, code: 'INTERNAL_SERVER_ERROR', detail: 'Internal Server Error', expected: false });
    expect(mapError(Object.assign(new Error('boom'), { statusCode: 502 }))).toMatchObject({ status: 500, expected: false });
    expect(mapError('a string')).toMatchObject({ status: 500 });
  });
});
