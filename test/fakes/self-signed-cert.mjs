// A self-signed certificate made at start with node:crypto alone (no package): an EC P-256 key (default) or an RSA 2048
// key, and a minimal X.509 v3 certificate, DER-encoded by hand, for `localhost` and 127.0.0.1 unless told otherwise.
// For the SMTP fake's STARTTLS and TLS (EC), and for the SNS signing certificate the SES fake serves (RSA, like SNS's).
import { X509Certificate, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

function length(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag, ...content) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...c) => tlv(0x30, ...c);
const set = (...c) => tlv(0x31, ...c);
function oid(dotted) {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const groups = [];
    for (let v = n; ; v = Math.floor(v / 128)) {
      groups.unshift((v % 128) | (groups.length ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}
const utcTime = (date) => tlv(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`));
const name = (cn) => seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn)))));

/** DER of a certificate → PEM. */
const pem = (der) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;

// AlgorithmIdentifiers of the certificate's signature: ecdsa-with-SHA256 has no parameters (RFC 5758);
// sha256WithRSAEncryption has a NULL one (RFC 4055).
const SIGNATURE_ALGORITHMS = {
  ec: () => seq(oid('1.2.840.10045.4.3.2')),
  rsa: () => seq(oid('1.2.840.113549.1.1.11'), tlv(0x05)),
};

/**
 * `{ key, cert, privateKey }` (key and cert as PEM), valid from a day ago for `days` days, for the given DNS names and
 * IPv4 addresses. `keyType`: `ec` (P-256, ecdsa-with-SHA256; the default) or `rsa` (2048 bits, sha256WithRSAEncryption).
 * `commonName`: the subject's (and issuer's) CN; by default a name of its own, `herald fake <12 hex>`.
 */
export function selfSignedCertificate({ dnsNames = ['localhost'], ips = ['127.0.0.1'], days = 30, keyType = 'ec', commonName } = {}) {
  if (!Object.hasOwn(SIGNATURE_ALGORITHMS, keyType)) throw new Error(`keyType must be ec or rsa, got ${JSON.stringify(keyType)}`);
  const { privateKey, publicKey } =
    keyType === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const algorithm = SIGNATURE_ALGORITHMS[keyType]();
  const serial = randomBytes(16);
  // A name of its own: two fakes' certificates trusted together must not be taken for one another (OpenSSL finds an
  // issuer by name). Clients check the host against the alternative names.
  const subject = commonName ?? `herald fake ${serial.toString('hex').slice(0, 12)}`;
  serial[0] = (serial[0] & 0x7f) | 0x40; // a positive INTEGER, minimally encoded (no leading zero byte for DER to refuse)
  const now = Date.now();
  const altNames = [...dnsNames.map((d) => tlv(0x82, Buffer.from(d))), ...ips.map((ip) => tlv(0x87, Buffer.from(ip.split('.').map(Number))))];
  const extensions = tlv(
    0xa3,
    seq(
      seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq(tlv(0x01, Buffer.from([0xff]))))), // basicConstraints: CA (its own anchor)
      // subjectAltName, when there is a name for it (the extension may not be empty).
      ...(altNames.length > 0 ? [seq(oid('2.5.29.17'), tlv(0x04, seq(...altNames)))] : []),
    ),
  );
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    algorithm,
    name(subject),
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + days * 86_400_000))),
    name(subject),
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  // PKCS #1 v1.5 for RSA (node's default padding), DER ECDSA-Sig-Value for EC.
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, algorithm, tlv(0x03, Buffer.from([0]), signature));
  const cert = pem(der);
  if (!new X509Certificate(cert).verify(publicKey)) throw new Error('the self-signed certificate does not verify');
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert, privateKey };
}
