import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { observeResponses, parseRetryAfter, type ObservedResponse } from './provider-responses.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-11-25T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter(' 120 ', now)).toBe(120);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an HTTP date as the seconds until then', () => {
    expect(parseRetryAfter('Tue, 25 Nov 2025 12:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Tuesday, 25-Nov-25 12:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('Tue, 25 Nov 2025 11:00:00 GMT', now)).toBe(0);
  });

  it.each([undefined, '', '-5', '1.5', 'soon', 'Tue, 99 Foo 2025'])('ignores %p', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('observeResponses', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const retryAfter = new URL(req.url ?? '/', 'http://x').searchParams.get('retryAfter');
      res.writeHead(retryAfter ? 429 : 200, retryAfter ? { 'retry-after': retryAfter } : {});
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      request(`${url}${path}`, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });

  it('records the Retry-After of the answers to the requests made inside, each call its own', async () => {
    const first: ObservedResponse = {};
    const second: ObservedResponse = {};
    await Promise.all([observeResponses(first, () => get('/?retryAfter=7')), observeResponses(second, () => get('/?retryAfter=9'))]);
    expect(first.retryAfter).toBe('7');
    expect(second.retryAfter).toBe('9');

    // The last answer counts; requests outside are not observed.
    await observeResponses(first, () => get('/'));
    expect(first.retryAfter).toBeUndefined();
    await get('/?retryAfter=5');
    expect(second.retryAfter).toBe('9');
  });
});
