import crypto, { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 32;

/** `crypto.scrypt` is looked up at each call rather than bound at load, so a test can watch which hash is checked. */
function scryptAsync(password: string, salt: string, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => crypto.scrypt(password, salt, keylen, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashSecret(secret: string): Promise<{ hash: string; salt: string }> {
  const salt = randomBytes(16).toString('hex');
  return { hash: (await scryptAsync(secret, salt, KEY_LENGTH)).toString('hex'), salt };
}

/**
 * A hash no secret matches, for requests whose client is unknown (or is the root client, compared in constant time
 * afterwards): checking a secret against it costs the same scrypt as a real client's, so the time of a refusal says
 * nothing about whether the client exists. (Same salt and key lengths as `hashSecret`.)
 */
export const DUMMY_SALT = '6865726c642d64756d6d792d73616c74';
const DUMMY_HASH = '0'.repeat(KEY_LENGTH * 2);

export async function spendVerifyWork(secret: string): Promise<void> {
  await verifySecret(secret, DUMMY_HASH, DUMMY_SALT);
}

export async function verifySecret(secret: string, hash: string, salt: string): Promise<boolean> {
  const expected = Buffer.from(hash, 'hex');
  const actual = await scryptAsync(secret, salt, KEY_LENGTH);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Constant-time equality of two strings of any lengths (compares their digests). */
export function safeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
