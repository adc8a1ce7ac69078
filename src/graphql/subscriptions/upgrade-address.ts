import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import { clientAddress } from '../../rate-limits/index.js';

type Trust = (address: string, hop: number) => boolean;

/**
 * How Fastify turns `trustProxy` into the test of each hop (fastify/lib/request.js, `getTrustProxyFn`), so an upgrade,
 * which never reaches Fastify, gets the same `request.ip`: `true` trusts every hop, a list its addresses/CIDRs; a hop
 * count fails closed there (the peer cannot be checked), and so it does here.
 */
export function trustOf(trustProxy: boolean | number | string[]): Trust {
  if (trustProxy === true) return () => true;
  if (trustProxy === false || typeof trustProxy === 'number') return () => false;
  return proxyAddr.compile(trustProxy);
}

/**
 * The address an upgrade request is counted under, exactly as the HTTP rate limits count a request: Fastify's
 * `request.ip` under `HERALD_TRUST_PROXY`, then `clientAddress` (IPv4-mapped as IPv4, other IPv6 by /64).
 */
export function upgradeAddress(request: IncomingMessage, trust: Trust): string {
  return clientAddress(proxyAddr(request, trust));
}
