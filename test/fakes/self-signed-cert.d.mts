/** `{ key, cert }` as PEM: an EC P-256 key and a self-signed certificate for the names and IPv4 addresses given. */
export function selfSignedCertificate(options?: { dnsNames?: string[]; ips?: string[]; days?: number }): { key: string; cert: string };
