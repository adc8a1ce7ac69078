import { createCipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { KeyRing, type KeyPurpose } from './key-ring.js';

const A = 'key-a-for-the-key-ring-spec-32b!';
const B = 'key-b-for-the-key-ring-spec-32b!';
const C = 'key-c-for-the-key-ring-spec-32b!';
const PURPOSES: KeyPurpose[] = ['envelope', 'identity-hash', 'verification-code', 'download-link', 'rate-limit', 'suppression-hash'];

/** A v1 envelope exactly as Herald sealed them before the key ring: AES-256-GCM under the raw key, context as AAD. */
function legacySeal(plaintext: string, key: string, context: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', ...[nonce, ciphertext, cipher.getAuthTag()].map((p) => p.toString('base64url'))].join('.');
}

/** The message of what `f` throws. */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('did not throw');
}

describe('KeyRing', () => {
  it('derives every sub-key with HKDF-SHA256, one per purpose and per key, none equal to the key itself', () => {
    const a = new KeyRing(A);
    const b = new KeyRing(B);
    const subKeys = [...PURPOSES.map((p) => a.subKey(p)), ...PURPOSES.map((p) => b.subKey(p))].map((k) => k.toString('hex'));
    expect(new Set(subKeys).size).toBe(PURPOSES.length * 2);
    expect(subKeys).not.toContain(Buffer.from(A).toString('hex'));
    expect(a.subKey('envelope')).toEqual(Buffer.from(hkdfSync('sha256', Buffer.from(A), Buffer.alloc(0), 'herald/envelope/aes-256-gcm', 32)));
    // Deterministic: another process with the same key derives the same ones.
    expect(new KeyRing(A).subKey('identity-hash')).toEqual(a.subKey('identity-hash'));
  });

  it('names each key by an 8-hex-digit id, the current first', () => {
    const ring = new KeyRing(B, [A, C]);
    expect(ring.keyIds).toEqual([new KeyRing(B).currentKeyId, new KeyRing(A).currentKeyId, new KeyRing(C).currentKeyId]);
    expect(ring.currentKeyId).toMatch(/^[0-9a-f]{8}$/);
    expect(new Set(ring.keyIds).size).toBe(3);
    expect(ring.currentPrefix).toBe(`v2.${ring.currentKeyId}.`);
    // The current key listed again as a previous one, or a previous key twice, is the same key.
    expect(new KeyRing(B, [B, A, A]).keyIds).toEqual([ring.keyIds[0], ring.keyIds[1]]);
  });

  it('refuses a key that is not 32 bytes, without repeating it', () => {
    expect(thrown(() => new KeyRing('my-short-private-key'))).not.toContain('my-short-private-key');
    expect(() => new KeyRing(A, ['é'.repeat(32)])).toThrow('every encryption key must be 32 bytes');
  });

  it('seals with the key id in the header and opens what it sealed; the same plaintext seals differently each time', () => {
    const ring = new KeyRing(A);
    const envelope = ring.seal('{"secret":"value"}', 'owner:1');
    expect(envelope).toMatch(new RegExp(`^v2\\.${ring.currentKeyId}\\.[\\w-]{16}\\.[\\w-]+\\.[\\w-]{22}$`));
    expect(envelope).not.toContain('value');
    expect(ring.open(envelope, 'owner:1')).toBe('{"secret":"value"}');
    expect(ring.openWithKeyId(envelope, 'owner:1')).toEqual({ plaintext: '{"secret":"value"}', keyId: ring.currentKeyId, current: true });
    expect(ring.seal('{"secret":"value"}', 'owner:1')).not.toBe(envelope);
    expect(ring.open(ring.seal('', 'owner:1'), 'owner:1')).toBe('');
  });

  it('reads a v1 envelope (no key id) sealed under the current or a previous key, as not current', () => {
    const ring = new KeyRing(B, [A]);
    expect(ring.openWithKeyId(legacySeal('under b', B, 'ctx'), 'ctx')).toEqual({ plaintext: 'under b', keyId: null, current: false });
    expect(ring.openWithKeyId(legacySeal('under a', A, 'ctx'), 'ctx')).toEqual({ plaintext: 'under a', keyId: null, current: false });
  });

  it('reads a v2 envelope sealed under a previous key, and says it is not current', () => {
    const old = new KeyRing(A).seal('old data', 'ctx');
    const ring = new KeyRing(B, [A]);
    expect(ring.openWithKeyId(old, 'ctx')).toEqual({ plaintext: 'old data', keyId: new KeyRing(A).currentKeyId, current: false });
    const resealed = ring.seal(ring.open(old, 'ctx'), 'ctx');
    expect(resealed.startsWith(ring.currentPrefix)).toBe(true);
    // Once re-sealed, the new key alone reads it.
    expect(new KeyRing(B).open(resealed, 'ctx')).toBe('old data');
  });

  it('refuses a wrong key, another context, an altered or truncated envelope, never saying a key', () => {
    const a = new KeyRing(A);
    const envelope = a.seal('data', 'ctx');
    const b = new KeyRing(B);
    const unknown = thrown(() => b.open(envelope, 'ctx'));
    expect(unknown).toContain(`key id ${a.currentKeyId}`);
    expect(unknown).toContain('HERALD_PREVIOUS_ENCRYPTION_KEYS');
    expect(() => b.open(legacySeal('data', A, 'ctx'), 'ctx')).toThrow('does not open');
    expect(() => a.open(envelope, 'other-ctx')).toThrow('does not open');
    expect(() => a.open(legacySeal('data', A, 'ctx'), 'other-ctx')).toThrow('does not open');
    const [v, kid, nonce, ciphertext, tag] = envelope.split('.');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] ^= 1;
    expect(() => a.open([v, kid, nonce, flipped.toString('base64url'), tag].join('.'), 'ctx')).toThrow('does not open');
    // GCM accepts a 4-byte tag unless told otherwise; a truncated tag is refused.
    const short = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => a.open([v, kid, nonce, ciphertext, short].join('.'), 'ctx')).toThrow('does not open');
    // Relabelled as v1 (a downgrade), the body does not open either.
    expect(() => a.open(['v1', nonce, ciphertext, tag].join('.'), 'ctx')).toThrow('does not open');
    expect(() => a.open('plain text', 'ctx')).toThrow('not an envelope');
    for (const message of [unknown, thrown(() => a.open(envelope, 'x'))]) {
      expect(message).not.toContain(A);
      expect(message).not.toContain(B);
    }
  });

  it('hashes under the current key, and lists every hash a stored value may carry: each key, then each legacy derivation', () => {
    const ring = new KeyRing(B, [A]);
    const data = 'email:subject@example.com';
    const hmac = (key: Buffer | string) => createHmac('sha256', key).update(data).digest('hex');
    // The identity hash before the key ring: HMAC under SHA-256 of a label and the key.
    const legacy = (key: string) => hmac(createHash('sha256').update(`herald:identity-hash:${key}`).digest());
    expect(ring.mac('identity-hash', data)).toBe(hmac(ring.subKey('identity-hash')));
    expect(ring.macs('identity-hash', data)).toEqual([ring.mac('identity-hash', data), new KeyRing(A).mac('identity-hash', data), legacy(B), legacy(A)]);
    // The verification code key before the key ring was the label and the key themselves.
    expect(ring.macs('verification-code', 'pri_1:123456')).toContain(
      createHmac('sha256', `herald:verification-code:${A}`).update('pri_1:123456').digest('hex'),
    );
    expect(ring.mac('rate-limit', data, 'base64url')).toMatch(/^[\w-]{43}$/);
    expect(ring.mac('rate-limit', data)).not.toBe(ring.mac('identity-hash', data));
    // A purpose newer than the key ring has no legacy derivation: only each key's HKDF sub-key.
    expect(ring.macs('suppression-hash', data)).toEqual([ring.mac('suppression-hash', data), new KeyRing(A).mac('suppression-hash', data)]);
    expect(ring.verifyingKeys('suppression-hash', undefined)).toEqual([]);
  });

  it('gives the keys that may have signed a link: the one its key id names, none for an unknown id, the legacy ones without', () => {
    const ring = new KeyRing(B, [A]);
    const idOfA = new KeyRing(A).currentKeyId;
    expect(ring.verifyingKeys('download-link', ring.currentKeyId)).toEqual([ring.subKey('download-link')]);
    expect(ring.verifyingKeys('download-link', idOfA)).toEqual([new KeyRing(A).subKey('download-link')]);
    expect(ring.verifyingKeys('download-link', 'ffffffff')).toEqual([]);
    expect(ring.verifyingKeys('download-link', undefined)).toEqual([B, A].map((k) => createHash('sha256').update(`herald:download-link:${k}`).digest()));
  });

  it("gives the raw current key for access tokens (Fides' dir JWE), never a previous one", () => {
    expect(Buffer.from(new KeyRing(B, [A]).tokenKey()).toString('utf8')).toBe(B);
  });
});

describe('a ring of one key', () => {
  it('seals under it and opens its own and legacy envelopes only', () => {
    const envelope = new KeyRing(A).seal('data', 'ctx');
    expect(envelope.startsWith(new KeyRing(A).currentPrefix)).toBe(true);
    expect(new KeyRing(A).open(envelope, 'ctx')).toBe('data');
    expect(new KeyRing(A).open(legacySeal('old', A, 'ctx'), 'ctx')).toBe('old');
    expect(() => new KeyRing(B).open(envelope, 'ctx')).toThrow();
    expect(new KeyRing(B, [A]).open(envelope, 'ctx')).toBe('data');
  });
});
