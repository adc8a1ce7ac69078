import http from 'node:http';
import Fastify from 'fastify';
import { clientAddress } from '../../rate-limits/index.js';
import { trustOf, upgradeAddress } from './upgrade-address.js';

const SETTINGS: (boolean | number | string[])[] = [false, true, 1, 2, ['127.0.0.1'], ['10.0.0.0/8'], ['loopback', '10.0.0.0/8'], ['::1']];
const FORWARDED = [undefined, '203.0.113.7', '198.51.100.1, 10.1.2.3', '10.1.2.3,  203.0.113.7 ', '2001:db8:1:2::5', '::ffff:198.51.100.4', 'not-an-address'];

/** A GET over real HTTP from 127.0.0.1 (Fastify's inject does not load under Jest), with this X-Forwarded-For. */
function get(port: number, forwarded: string | undefined): Promise<{ ip: string; upgrade: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve(JSON.parse(body) as { ip: string; upgrade: string }));
    });
    req.on('error', reject);
  });
}

describe('upgradeAddress', () => {
  // The address an upgrade is counted under must be the one the HTTP rate limits count: Fastify's own request.ip.
  it.each(SETTINGS.map((trustProxy) => [JSON.stringify(trustProxy), trustProxy]))(
    'is clientAddress(request.ip) of Fastify itself with trustProxy %s',
    async (_name, trustProxy) => {
      const app = Fastify({ trustProxy: trustProxy as boolean });
      const trust = trustOf(trustProxy);
      app.get('/', async (request) => ({ ip: clientAddress(request.ip), upgrade: upgradeAddress(request.raw, trust) }));
      try {
        await app.listen({ host: '127.0.0.1', port: 0 });
        const port = (app.server.address() as { port: number }).port;
        for (const forwarded of FORWARDED) {
          const { ip, upgrade } = await get(port, forwarded);
          expect({ forwarded, upgrade }).toEqual({ forwarded, upgrade: ip });
        }
      } finally {
        await app.close();
      }
    },
  );

  const request = (remoteAddress: string, forwarded?: string) =>
    ({ socket: { remoteAddress }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as never;

  it('ignores X-Forwarded-For without trust, and from a peer that is not trusted', () => {
    expect(upgradeAddress(request('127.0.0.1', '203.0.113.7'), trustOf(false))).toBe('127.0.0.1');
    expect(upgradeAddress(request('198.51.100.9', '203.0.113.7'), trustOf(['127.0.0.1']))).toBe('198.51.100.9');
    // A hop count cannot check the peer: Fastify fails closed, and so does this.
    expect(upgradeAddress(request('127.0.0.1', '203.0.113.7'), trustOf(1))).toBe('127.0.0.1');
  });

  it('takes the first untrusted hop from a trusted proxy, normalised as the rate limits count it', () => {
    expect(upgradeAddress(request('127.0.0.1', '203.0.113.7'), trustOf(['127.0.0.1']))).toBe('203.0.113.7');
    expect(upgradeAddress(request('127.0.0.1', '198.51.100.1, 10.1.2.3'), trustOf(['loopback', '10.0.0.0/8']))).toBe('198.51.100.1');
    expect(upgradeAddress(request('127.0.0.1', '198.51.100.1, 203.0.113.7'), trustOf(true))).toBe('198.51.100.1');
    expect(upgradeAddress(request('::ffff:127.0.0.1', '2001:db8:1:2::5'), trustOf(['127.0.0.1']))).toBe('2001:db8:1:2::/64');
    expect(upgradeAddress(request('::ffff:10.0.0.1'), trustOf(false))).toBe('10.0.0.1');
  });
});
