import { Injectable } from '@nestjs/common';
import { KeyRing } from '../../common/crypto/index.js';

/** A data subject's identity, as Fides takes it. */
export interface Identity {
  email?: string | null;
  phone_number?: string | null;
}

/**
 * Keeps identities encrypted at rest (sealed to their request) and makes keyed hashes to find a request by identity
 * without storing the value: an HMAC under the key ring's `identity-hash` sub-key, so a leaked table cannot be
 * matched against a list of addresses. New rows get the current key's hash; lookups try every hash a row may still
 * carry (previous keys, and the derivation from before the key ring) until `npm run rotate-keys` rewrites them.
 */
@Injectable()
export class IdentityVault {
  constructor(private readonly keys: KeyRing) {}

  seal(requestId: string, identity: Identity): string {
    return this.keys.seal(JSON.stringify({ email: identity.email ?? null, phone_number: identity.phone_number ?? null }), identityContext(requestId));
  }

  open(requestId: string, sealed: string): Identity {
    return JSON.parse(this.keys.open(sealed, identityContext(requestId))) as Identity;
  }

  /** The lookup hash of one identity value under the current key (emails compared without case). */
  hash(field: 'email' | 'phone_number', value: string): string {
    return this.keys.mac('identity-hash', hashInput(field, value));
  }

  /** Every hash a stored row may have for this value, the current first: what `?identity=` matches. */
  hashes(field: 'email' | 'phone_number', value: string): string[] {
    return this.keys.macs('identity-hash', hashInput(field, value));
  }
}

/** The additional data an identity is sealed with: its request's id. */
export const identityContext = (requestId: string) => `privacy_request:${requestId}`;

const hashInput = (field: 'email' | 'phone_number', value: string) => `${field}:${field === 'email' ? value.trim().toLowerCase() : value.trim()}`;
