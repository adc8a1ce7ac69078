import type { KeyObject } from 'node:crypto';

/**
 * `{ key, cert, privateKey }` (key and cert as PEM): an EC P-256 key (default) or an RSA 2048 key (`keyType: 'rsa'`,
 * signed sha256WithRSAEncryption) and a self-signed certificate for the names and IPv4 addresses given, its subject
 * `commonName` (default `herald fake <12 hex>`).
 */
export function selfSignedCertificate(options?: { dnsNames?: string[]; ips?: string[]; days?: number; keyType?: 'ec' | 'rsa'; commonName?: string }): {
  key: string;
  cert: string;
  privateKey: KeyObject;
};
