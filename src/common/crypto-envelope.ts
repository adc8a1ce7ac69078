import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The envelope format version; a new key or algorithm gets a new one, and old envelopes stay readable. */
export const ENVELOPE_VERSION = 1;
const PREFIX = `v${ENVELOPE_VERSION}`;

/**
 * AES-256-GCM with a random 96-bit nonce: `v1.<nonce>.<ciphertext>.<tag>` (base64url). `context` is bound as
 * additional data, so an envelope copied to another owner does not decrypt.
 */
export function seal(plaintext: string, key: string, context: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyBytes(key), nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [PREFIX, nonce, ciphertext, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The plaintext of an envelope; throws when the key, the context or the envelope is not the one sealed. */
export function open(envelope: string, key: string, context: string): string {
  const [version, nonce, ciphertext, tag] = envelope.split('.');
  if (version !== PREFIX || nonce === undefined || ciphertext === undefined || tag === undefined) {
    throw new Error('not a v1 envelope');
  }
  const decipher = createDecipheriv('aes-256-gcm', keyBytes(key), Buffer.from(nonce, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

function keyBytes(key: string): Buffer {
  const bytes = Buffer.from(key, 'utf8');
  if (bytes.length !== 32) throw new Error('the encryption key must be 32 bytes');
  return bytes;
}
