import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, type BinaryToTextEncoding } from 'node:crypto';

/** What a sub-key is for: each purpose has its own HKDF `info`, so no two uses share key material. */
export type KeyPurpose = 'envelope' | 'identity-hash' | 'verification-code' | 'download-link' | 'rate-limit' | 'suppression-hash';

const INFO: Record<KeyPurpose | 'key-id', string> = {
  'key-id': 'herald/key-id',
  envelope: 'herald/envelope/aes-256-gcm',
  'identity-hash': 'herald/identity-hash/hmac-sha256',
  'verification-code': 'herald/verification-code/hmac-sha256',
  'download-link': 'herald/download-link/hs256',
  'rate-limit': 'herald/rate-limit/hmac-sha256',
  'suppression-hash': 'herald/suppression-hash/hmac-sha256',
};

/**
 * The sub-keys of the releases before the key ring (ad hoc, without HKDF), kept only to read what they wrote:
 * v1 envelopes, lookup hashes and verification codes of rows not yet rotated, download links already sent. Purposes
 * that came with or after the key ring have none.
 */
const LEGACY: Partial<Record<KeyPurpose, (raw: Buffer) => Buffer>> = {
  envelope: (raw) => raw,
  'identity-hash': (raw) => sha256(Buffer.concat([Buffer.from('herald:identity-hash:'), raw])),
  'verification-code': (raw) => Buffer.concat([Buffer.from('herald:verification-code:'), raw]),
  'download-link': (raw) => sha256(Buffer.concat([Buffer.from('herald:download-link:'), raw])),
  'rate-limit': (raw) => sha256(Buffer.concat([Buffer.from('herald:rate-limit:'), raw])),
};

/** The current envelope format: `v2.<key id>.<nonce>.<ciphertext>.<tag>`. v1 (`v1.<nonce>.<ciphertext>.<tag>`) has no key id. */
export const ENVELOPE_VERSION = 2;

interface Key {
  id: string;
  raw: Buffer;
  sub: Map<KeyPurpose, Buffer>;
}

/** What `KeyRing.open` found: the plaintext, and whether the envelope is already in the current format and key. */
export interface Opened {
  plaintext: string;
  /** The key id in the envelope's header, or null for a v1 envelope. */
  keyId: string | null;
  current: boolean;
}

/**
 * Every key Herald derives from FIDES__SECURITY__APP_ENCRYPTION_KEY, and the previous keys it still reads
 * (HERALD_PREVIOUS_ENCRYPTION_KEYS). Sub-keys are HKDF-SHA256 of the key with one `info` per purpose. A key's id is
 * 4 bytes of HKDF (8 hex characters), written into every envelope's header and every download link, so whatever was
 * sealed or signed names the key that reads it. New data always uses the current key; `npm run rotate-keys` re-seals
 * the rest, after which the previous keys can be dropped.
 */
export class KeyRing {
  private readonly keys: Key[];
  private readonly byId = new Map<string, Key>();

  /** `current` and each previous key are 32 bytes (UTF-8), as the settings check. */
  constructor(current: string, previous: readonly string[] = []) {
    const distinct = [...new Set([current, ...previous])];
    this.keys = distinct.map((key) => {
      const raw = Buffer.from(key, 'utf8');
      if (raw.length !== 32) throw new Error('every encryption key must be 32 bytes');
      return { id: hkdf(raw, INFO['key-id'], 4).toString('hex'), raw, sub: new Map() };
    });
    for (const key of this.keys) {
      // 1 in 4 billion for two keys; refused rather than reading with the wrong one.
      if (this.byId.has(key.id)) throw new Error(`two encryption keys share the key id ${key.id}: choose another new key`);
      this.byId.set(key.id, key);
    }
  }

  /** The ring of `security.appEncryptionKey` and `security.previousEncryptionKeys` (settings, or a test's copy of them). */
  static of(security: { appEncryptionKey: string; previousEncryptionKeys?: readonly string[] }): KeyRing {
    return new KeyRing(security.appEncryptionKey, security.previousEncryptionKeys ?? []);
  }

  get currentKeyId(): string {
    return this.keys[0].id;
  }

  /** Every key id, the current first. */
  get keyIds(): string[] {
    return this.keys.map((k) => k.id);
  }

  /** How every envelope sealed under the current key begins (what rotation skips). */
  get currentPrefix(): string {
    return `v${ENVELOPE_VERSION}.${this.currentKeyId}.`;
  }

  /** The current key's sub-key for a purpose (to sign with, or HMAC under). */
  subKey(purpose: KeyPurpose): Buffer {
    return this.derive(this.keys[0], purpose);
  }

  /**
   * The keys that may have signed something for `purpose`: the one named by `keyId`, or none when it is unknown; with
   * no key id (made before the key ring), the legacy sub-keys of the current and the previous keys.
   */
  verifyingKeys(purpose: KeyPurpose, keyId: string | undefined): Buffer[] {
    if (keyId !== undefined) {
      const key = this.byId.get(keyId);
      return key ? [this.derive(key, purpose)] : [];
    }
    const legacy = LEGACY[purpose];
    return legacy ? this.keys.map((k) => legacy(k.raw)) : [];
  }

  /** HMAC-SHA256 of `data` under the current key's sub-key: what new rows store and limits count. */
  mac(purpose: KeyPurpose, data: string, encoding: BinaryToTextEncoding = 'hex'): string {
    return createHmac('sha256', this.subKey(purpose)).update(data, 'utf8').digest(encoding);
  }

  /**
   * Every HMAC a stored value may have been made with, the current first: each key's HKDF sub-key, then each key's
   * legacy one. A lookup that matches any finds rows written before a rotation (or before the key ring).
   */
  macs(purpose: KeyPurpose, data: string, encoding: BinaryToTextEncoding = 'hex'): string[] {
    const legacy = LEGACY[purpose];
    const keys = [...this.keys.map((k) => this.derive(k, purpose)), ...(legacy ? this.keys.map((k) => legacy(k.raw)) : [])];
    return keys.map((key) => createHmac('sha256', key).update(data, 'utf8').digest(encoding));
  }

  /**
   * The raw current key, for Fides' access tokens (compact JWE, `dir` + A256GCM directly under the app key). Not
   * derived and not rotated: a token made under an earlier key no longer decrypts, and clients ask for a new one.
   */
  tokenKey(): Uint8Array {
    return new Uint8Array(this.keys[0].raw);
  }

  /**
   * AES-256-GCM under the current key's envelope sub-key with a random 96-bit nonce. The header (version, key id)
   * and `context` are bound as additional data, so an envelope copied to another owner does not open.
   */
  seal(plaintext: string, context: string): string {
    const key = this.keys[0];
    const header = `v${ENVELOPE_VERSION}.${key.id}`;
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.derive(key, 'envelope'), nonce);
    cipher.setAAD(aad(header, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [header, ...[nonce, ciphertext, cipher.getAuthTag()].map((p) => p.toString('base64url'))].join('.');
  }

  /** The plaintext of an envelope; throws (saying nothing secret) when no known key and context open it. */
  open(envelope: string, context: string): string {
    return this.openWithKeyId(envelope, context).plaintext;
  }

  /** `open`, saying which key opened it and whether it is already sealed the way `seal` would seal it now. */
  openWithKeyId(envelope: string, context: string): Opened {
    const parts = envelope.split('.');
    if (parts[0] === `v${ENVELOPE_VERSION}` && parts.length === 5) {
      const [version, keyId, nonce, ciphertext, tag] = parts;
      const key = this.byId.get(keyId);
      if (!key) {
        throw new Error(
          `the envelope was sealed under key id ${keyId}, which is neither FIDES__SECURITY__APP_ENCRYPTION_KEY nor in HERALD_PREVIOUS_ENCRYPTION_KEYS`,
        );
      }
      const plaintext = decrypt(this.derive(key, 'envelope'), `${version}.${keyId}`, context, nonce, ciphertext, tag);
      if (plaintext === undefined) throw new Error('the envelope does not open: altered, or sealed for another owner');
      return { plaintext, keyId, current: key === this.keys[0] };
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      // No key id: the raw key was the AES key, and the context the only additional data. Any of the keys may fit.
      const [, nonce, ciphertext, tag] = parts;
      for (const key of this.keys) {
        const plaintext = decrypt(key.raw, undefined, context, nonce, ciphertext, tag);
        if (plaintext !== undefined) return { plaintext, keyId: null, current: false };
      }
      throw new Error('the v1 envelope does not open with the current or a previous encryption key (or was sealed for another owner)');
    }
    throw new Error('not an envelope');
  }

  private derive(key: Key, purpose: KeyPurpose): Buffer {
    let sub = key.sub.get(purpose);
    if (!sub) {
      sub = hkdf(key.raw, INFO[purpose], 32);
      key.sub.set(purpose, sub);
    }
    return sub;
  }
}

function hkdf(raw: Buffer, info: string, length: number): Buffer {
  // No salt: the key is already uniformly chosen (or at least a fixed secret); `info` separates the purposes.
  return Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), info, length));
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function aad(header: string | undefined, context: string): Buffer {
  return Buffer.from(header === undefined ? context : `${header}\n${context}`, 'utf8');
}

function decrypt(key: Buffer, header: string | undefined, context: string, nonce: string, ciphertext: string, tag: string): string | undefined {
  try {
    // A full 16-byte tag only: GCM would otherwise accept a truncated one, which is far easier to forge.
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'), { authTagLength: 16 });
    decipher.setAAD(aad(header, context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
