import type { FastifyRequest } from 'fastify';
import { isIPv4, isIPv6 } from 'node:net';

/** Who is asking, as the rate limits see it. */
export interface Requester {
  /** The client address to count per address; undefined for a caller with a valid token (D18: not limited per address). */
  address: string | undefined;
}

/**
 * What `requesterOf` needs of auth (its `OauthClientsService` fits): whether a bearer token is valid. Owned here so
 * rate-limits does not import auth, which imports rate-limits.
 */
export interface TokenAuthenticator {
  /** Resolves to something for a valid token, undefined for an invalid one. */
  authenticate(token: string): Promise<unknown>;
}

/**
 * The address a client is counted under: `request.ip` (X-Forwarded-For only through the proxies `HERALD_TRUST_PROXY`
 * trusts), IPv4-mapped IPv6 as IPv4, and other IPv6 by /64, the smallest block a provider hands out: otherwise one
 * host could take a fresh address for every request.
 */
export function clientAddress(ip: string | undefined): string {
  const bare = (ip ?? '').replace(/%.*$/, '');
  if (!isIPv6(bare)) return bare;
  const groups = ipv6Groups(bare);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/**
 * The requester of a public route: a valid bearer token (a trusted backend calling for many subjects) lifts the
 * per-address limits; anything else, an invalid token included, counts by address.
 */
export async function requesterOf(request: FastifyRequest, clients: TokenAuthenticator): Promise<Requester> {
  const header = request.headers.authorization;
  const token = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (token !== undefined && (await clients.authenticate(token)) !== undefined) return { address: undefined };
  return { address: clientAddress(request.ip) };
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail as two groups). */
function ipv6Groups(ip: string): number[] {
  let text = ip;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted && isIPv4(dotted[0])) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const front = head === '' ? [] : head.split(':');
  const back = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - front.length - back.length).fill('0');
  return [...front, ...zeros, ...back].map((g) => parseInt(g, 16));
}
