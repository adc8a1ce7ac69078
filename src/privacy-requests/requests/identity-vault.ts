import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac } from 'node:crypto';
import { open, seal } from '../../common/crypto-envelope.js';
import { SETTINGS, type Settings } from '../../config/settings.js';

/** A data subject's identity, as Fides takes it. */
export interface Identity {
  email?: string | null;
  phone_number?: string | null;
}

/**
 * Keeps identities encrypted at rest (sealed to their request) and makes keyed hashes to find a request by identity
 * without storing the value: an HMAC under a key derived from the app encryption key, so a leaked table cannot be
 * matched against a list of addresses.
 */
@Injectable()
export class IdentityVault {
  private readonly key: string;
  private readonly hashKey: Buffer;

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.key = settings.security.appEncryptionKey;
    this.hashKey = createHash('sha256').update(`herald:identity-hash:${this.key}`).digest();
  }

  seal(requestId: string, identity: Identity): string {
    return seal(JSON.stringify({ email: identity.email ?? null, phone_number: identity.phone_number ?? null }), this.key, context(requestId));
  }

  open(requestId: string, sealed: string): Identity {
    return JSON.parse(open(sealed, this.key, context(requestId))) as Identity;
  }

  /** The lookup hash of one identity value (emails compared without case). */
  hash(field: 'email' | 'phone_number', value: string): string {
    const normalised = field === 'email' ? value.trim().toLowerCase() : value.trim();
    return createHmac('sha256', this.hashKey).update(`${field}:${normalised}`).digest('hex');
  }
}

const context = (requestId: string) => `privacy_request:${requestId}`;
