import { Inject, Injectable } from '@nestjs/common';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { SETTINGS, type Settings } from '../config/settings.js';

const DECRYPTED_CACHE_SIZE = 10_000;

/** What a token says: Fides' payload keys (`client-id`, `scopes`, `iat`). */
export interface TokenClaims {
  clientId: string;
  scopes: string[];
  issuedAt: Date;
}

interface FidesTokenPayload {
  'client-id'?: unknown;
  scopes?: unknown;
  iat?: unknown;
}

/**
 * Access tokens as Fides makes them: a compact JWE (`dir`, `A256GCM`) under the app encryption key, so the payload
 * is both secret and tamper-proof, expiring `oauth_access_token_expire_minutes` after `iat`.
 */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  private readonly lifetimeMs: number;
  /** Decrypted claims by token: decryption is the costliest step of a request, and a client reuses its token. */
  private readonly decrypted = new Map<string, TokenClaims | null>();

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.key = new TextEncoder().encode(settings.security.appEncryptionKey);
    this.lifetimeMs = settings.security.oauthAccessTokenExpireMinutes * 60_000;
  }

  async issue(clientId: string, scopes: readonly string[], issuedAt: Date = new Date()): Promise<string> {
    const payload: FidesTokenPayload = { 'client-id': clientId, scopes: [...scopes], iat: issuedAt.toISOString() };
    return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(this.key);
  }

  /** The claims of a token that is ours and still valid; undefined for anything else. */
  async verify(token: string, now: Date = new Date()): Promise<TokenClaims | undefined> {
    let claims = this.decrypted.get(token);
    if (claims === undefined) {
      claims = (await this.decrypt(token)) ?? null;
      if (this.decrypted.size >= DECRYPTED_CACHE_SIZE) this.decrypted.delete(this.decrypted.keys().next().value as string);
      this.decrypted.set(token, claims);
    }
    if (claims === null || claims.issuedAt.getTime() + this.lifetimeMs <= now.getTime()) return undefined;
    return claims;
  }

  private async decrypt(token: string): Promise<TokenClaims | undefined> {
    let payload: FidesTokenPayload;
    try {
      const { plaintext } = await compactDecrypt(token, this.key);
      payload = JSON.parse(new TextDecoder().decode(plaintext)) as FidesTokenPayload;
    } catch {
      return undefined;
    }
    const { 'client-id': clientId, scopes, iat } = payload;
    if (typeof clientId !== 'string' || !Array.isArray(scopes) || typeof iat !== 'string') return undefined;
    if (!scopes.every((s): s is string => typeof s === 'string')) return undefined;
    const issuedAt = new Date(iat);
    if (Number.isNaN(issuedAt.getTime())) return undefined;
    return { clientId, scopes, issuedAt };
  }
}
