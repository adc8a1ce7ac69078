import { ENVELOPE_VERSION, KeyRing } from './crypto/index.js';

export { ENVELOPE_VERSION };

/**
 * Envelopes (see KeyRing.seal): AES-256-GCM under a sub-key of the app encryption key, with the key id in the header
 * and `context` bound as additional data. Pass the injected KeyRing, which also reads what previous keys sealed; a
 * bare key string stands for a ring of that one key (kept for callers not yet given the ring, and for tests).
 */
export function seal(plaintext: string, key: string | KeyRing, context: string): string {
  return ring(key).seal(plaintext, context);
}

/** The plaintext of an envelope (v2, or v1 from before the key ring); throws when no key and context open it. */
export function open(envelope: string, key: string | KeyRing, context: string): string {
  return ring(key).open(envelope, context);
}

// Rings made for bare key strings, so that one per message does not derive its sub-keys again. Few keys ever pass.
const rings = new Map<string, KeyRing>();

function ring(key: string | KeyRing): KeyRing {
  if (key instanceof KeyRing) return key;
  let found = rings.get(key);
  if (!found) {
    if (rings.size >= 16) rings.delete(rings.keys().next().value as string);
    found = new KeyRing(key);
    rings.set(key, found);
  }
  return found;
}
