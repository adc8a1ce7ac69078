import { Inject, Injectable } from '@nestjs/common';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { KeyRing } from '../common/crypto/index.js';
import { SETTINGS, type Settings } from '../config/index.js';
import { NOT_KNOWN, type NotKnown } from './not-known.js';

const DECRYPTED_CACHE_SIZE = 10_000;
/** Herald's tokens are about 1 KB with every scope; anything much longer is not one of them. */
const MAX_TOKEN_LENGTH = 8 * 1024;

/** What a token says: Fides' payload keys (`client-id`, `scopes`, `iat`) and Herald's `exp`. */
export interface TokenClaims {
  clientId: string;
  scopes: string[];
  issuedAt: Date;
  expiresAt: Date;
}

export interface TokenPayload {
  'client-id'?: unknown;
  scopes?: unknown;
  /** ISO 8601, as Fides writes it. */
  iat?: unknown;
  /** ISO 8601 like `iat`; absent from tokens issued before decision D20. */
  exp?: unknown;
}

/**
 * Access tokens as Fides makes them: a compact JWE (`dir`, `A256GCM`) under the app encryption key, so the payload
 * is both secret and tamper-proof. The expiry is written into the token when it is issued (`iat` +
 * `oauth_access_token_expire_minutes` of the issuing instance), so every instance agrees on it whatever its own
 * setting (D20). A token without `exp` (issued before that) expires `oauth_access_token_expire_minutes` of the
 * verifying instance after its `iat`, as before.
 * Only the current key decrypts: once the key changes, tokens made under an earlier one are 401 and clients ask for
 * new ones (a previous key may be the one that leaked, and under `dir` it would let anyone mint tokens).
 */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  private readonly lifetimeMs: number;
  /** Decrypted claims by token: decryption is the costliest step of a request, and a client reuses its token. */
  private readonly decrypted = new Map<string, TokenClaims>();

  // The ring is injected in the app; tests that make tokens under another key pass settings alone.
  constructor(@Inject(SETTINGS) settings: Settings, keys?: KeyRing) {
    this.key = (keys ?? KeyRing.of(settings.security)).tokenKey();
    this.lifetimeMs = settings.security.oauthAccessTokenExpireMinutes * 60_000;
  }

  async issue(clientId: string, scopes: readonly string[], issuedAt: Date = new Date()): Promise<string> {
    const expiresAt = new Date(issuedAt.getTime() + this.lifetimeMs);
    const payload: TokenPayload = { 'client-id': clientId, scopes: [...scopes], iat: issuedAt.toISOString(), exp: expiresAt.toISOString() };
    return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(this.key);
  }

  /** The claims of a token that is ours and still valid; undefined for anything else. */
  async verify(token: string, now: Date = new Date()): Promise<TokenClaims | undefined> {
    const known = this.verifyKnown(token, now.getTime());
    if (known !== NOT_KNOWN) return known;
    const claims = await this.decrypt(token);
    if (!claims) return undefined;
    if (this.decrypted.size >= DECRYPTED_CACHE_SIZE) this.decrypted.delete(this.decrypted.keys().next().value as string);
    this.decrypted.set(token, claims);
    return claims.expiresAt.getTime() <= now.getTime() ? undefined : claims;
  }

  /**
   * `verify` without decrypting: the claims of a token decrypted before (undefined once it has expired), or NOT_KNOWN.
   */
  verifyKnown(token: string, nowMs: number = Date.now()): TokenClaims | undefined | NotKnown {
    // Only tokens of ours are remembered: anyone can send garbage, and 10,000 cached 15 KB strings were 145 MB.
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    const claims = this.decrypted.get(token);
    if (claims === undefined) return NOT_KNOWN;
    return claims.expiresAt.getTime() <= nowMs ? undefined : claims;
  }

  private async decrypt(token: string): Promise<TokenClaims | undefined> {
    let payload: TokenPayload;
    try {
      const { plaintext } = await compactDecrypt(token, this.key);
      payload = JSON.parse(new TextDecoder().decode(plaintext)) as TokenPayload;
    } catch {
      return undefined;
    }
    if (typeof payload !== 'object' || payload === null) return undefined;
    const { 'client-id': clientId, scopes, iat, exp } = payload;
    if (typeof clientId !== 'string' || !Array.isArray(scopes) || typeof iat !== 'string') return undefined;
    if (!scopes.every((s): s is string => typeof s === 'string')) return undefined;
    const issuedAt = new Date(iat);
    if (Number.isNaN(issuedAt.getTime())) return undefined;
    if (exp === undefined) return { clientId, scopes, issuedAt, expiresAt: new Date(issuedAt.getTime() + this.lifetimeMs) };
    const expiresAt = typeof exp === 'string' ? new Date(exp) : new Date(Number.NaN);
    // An `exp` that is there but unreadable makes the token unusable, never one without an end.
    if (Number.isNaN(expiresAt.getTime())) return undefined;
    return { clientId, scopes, issuedAt, expiresAt };
  }
}
