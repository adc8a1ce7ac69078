import fc from 'fast-check';
import { hostileString, longString, NASTY_STRINGS } from './hostile.js';

/** A token the sender fills in at send time (generation stays pure: the same seed makes the same requests). */
export type Auth = { kind: 'none' } | { kind: 'root' } | { kind: 'garbage'; header: string };

/** One HTTP request of the fuzz. `path` is the request target as sent (only characters U+0021..U+00FF). */
export interface FuzzRequest {
  kind: 'rest' | 'graphql' | 'http';
  /** What the counts group by: `POST /api/v1/privacy-request`, `graphql mutation createPrivacyRequests`. */
  operation: string;
  method: string;
  path: string;
  headers: [string, string][];
  body?: Buffer;
  auth: Auth;
  /** The hostile parts, in words, for reports. */
  notes: string[];
}

/** Mostly the root token (to get past the guards), sometimes none, sometimes a malformed or forged one. */
export const authArb: fc.Arbitrary<Auth> = fc.oneof(
  { arbitrary: fc.constant<Auth>({ kind: 'root' }), weight: 12 },
  { arbitrary: fc.constant<Auth>({ kind: 'none' }), weight: 4 },
  {
    arbitrary: fc
      .oneof(
        fc.constantFrom(
          'Bearer ',
          'Bearer x',
          'Basic cm9vdDpyb290',
          'bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJoZXJhbGQtcm9vdCJ9.',
          'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjF9.c2ln',
          'Bearer eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAA.BBBB.CCCC',
          'Bearer \u00ff\u00fe',
          'Bearer a.b.c.d.e',
          'Bearer %00',
        ),
        fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => `Bearer ${s.replace(/[^\t\x20-\x7e]/g, '')}`),
        fc.integer({ min: 1_000, max: 20_000 }).map((n) => `Bearer ${'A'.repeat(n)}`),
      )
      .map((header): Auth => ({ kind: 'garbage', header })),
    weight: 2,
  },
);

/**
 * Headers a client controls that the app (or a library in front of it) reads: the request id it echoes, the proxy
 * headers behind rate limits, Origin for CORS, Accept, and garbage bytes (Latin-1, no NUL: HTTP itself refuses that).
 */
export const extraHeadersArb: fc.Arbitrary<[string, string][]> = fc.oneof(
  { arbitrary: fc.constant<[string, string][]>([]), weight: 8 },
  {
    arbitrary: fc.array(
      fc.oneof(
        fc.tuple(fc.constant('x-forwarded-for'), fc.constantFrom('1.2.3.4', '::1', 'garbage', '1.2.3.4, 5.6.7.8', '\u00ff', '999.999.999.999', '')),
        fc.tuple(fc.constant('x-request-id'), fc.constantFrom('abc', 'a'.repeat(129), '../x', '\u00e9\u00ff')),
        fc.tuple(fc.constant('origin'), fc.constantFrom('http://evil.example', 'null', 'http://127.0.0.1:3000', '\u00ff')),
        fc.tuple(fc.constant('accept'), fc.constantFrom('text/html', 'application/xml', '*/*;q=garbage', '')),
        fc.tuple(fc.constant('accept-encoding'), fc.constantFrom('gzip', 'br', 'identity;q=0', 'x')),
        fc.tuple(fc.constantFrom('x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'cookie', 'x-api-key'), hostileHeaderValue()),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    weight: 1,
  },
);

/** A header value: Latin-1 only (Node's client refuses more), long ones past the 16 KiB header limit now and then. */
export function hostileHeaderValue(): fc.Arbitrary<string> {
  return fc.oneof(hostileString(), fc.constantFrom(...NASTY_STRINGS), longString).map((s) =>
    Buffer.from(s, 'utf8')
      .toString('latin1')
      .replace(/[^\t\x20-\x7e\x80-\xff]/g, ''),
  );
}

/** The content types a body is sent under: the right one mostly, and the ones a confused or hostile client uses. */
export const JSON_TYPES = ['application/json', 'application/json; charset=utf-8'];
export const ODD_TYPES = [
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json, text/html',
  'application/vnd.api+json',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'application/octet-stream',
  'application/json; charset=utf-16',
  '',
  ';;;',
  '\u00ff/\u00fe',
];
