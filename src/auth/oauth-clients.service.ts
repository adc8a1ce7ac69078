import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { SETTINGS, type Settings } from '../config/index.js';
import { HeraldError } from '../common/errors/herald.error.js';
import { ClientScopesCache } from './client-scopes.cache.js';
import { NOT_KNOWN, type NotKnown } from './not-known.js';
import { OauthClientEntity } from './oauth-client.entity.js';
import { INVALID_SCOPE_MESSAGE, SCOPE_REGISTRY, isScope } from './scope-registry.js';
import { hashSecret, safeEqual, spendVerifyWork, verifySecret } from './secret-hash.js';
import { TokenClaims, TokenService } from './token.service.js';

export interface Caller {
  clientId: string;
  scopes: string[];
  root: boolean;
}

const AUTHENTICATION_FAILURE = 'Authentication Failure';

/** OAuth client-credentials as Fides has them: a root client from settings, others stored with hashed secrets. */
@Injectable()
export class OauthClientsService {
  constructor(
    @InjectRepository(OauthClientEntity) private readonly clients: Repository<OauthClientEntity>,
    private readonly tokens: TokenService,
    private readonly scopeCache: ClientScopesCache,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /**
   * Every request with credentials costs the same (D20): one lookup and one scrypt, whether the client is stored,
   * unknown, or the root client (whose secret is in settings), so timing tells nothing about which client ids exist.
   */
  async issueToken(clientId: string | undefined, clientSecret: string | undefined): Promise<string> {
    if (!clientId || !clientSecret) throw new HeraldError('unauthenticated', AUTHENTICATION_FAILURE);
    const { oauthRootClientId, oauthRootClientSecret } = this.settings.security;
    const root = clientId === oauthRootClientId;
    const client = await this.clients.findOneBy({ id: clientId });
    if (root || !client) {
      await spendVerifyWork(clientSecret);
      if (!root || !safeEqual(clientSecret, oauthRootClientSecret)) throw new HeraldError('unauthenticated', AUTHENTICATION_FAILURE);
      return this.tokens.issue(clientId, SCOPE_REGISTRY);
    }
    if (!(await verifySecret(clientSecret, client.hashedSecret, client.salt))) throw new HeraldError('unauthenticated', AUTHENTICATION_FAILURE);
    return this.tokens.issue(client.id, client.scopes);
  }

  /**
   * Who a bearer token speaks for, or undefined. As in Fides, the client's scopes are read at each request (decision
   * D25): a deleted client's tokens stop authenticating (401); a scope taken away stops authorising (403).
   */
  async authenticate(token: string): Promise<Caller | undefined> {
    const known = this.authenticateKnown(token);
    if (known !== NOT_KNOWN) return known;
    const claims: TokenClaims | undefined = await this.tokens.verify(token);
    if (!claims) return undefined;
    if (this.isRoot(claims)) return { clientId: claims.clientId, scopes: claims.scopes, root: true };
    const scopes = await this.scopeCache.scopesOf(claims.clientId);
    return scopes === null ? undefined : { clientId: claims.clientId, scopes, root: false };
  }

  /**
   * `authenticate` from its caches alone, synchronously: the same answer, checked at each request all the same, or
   * NOT_KNOWN when the token must be decrypted or the client's scopes read from the database.
   */
  authenticateKnown(token: string): Caller | undefined | NotKnown {
    const claims = this.tokens.verifyKnown(token);
    if (claims === NOT_KNOWN || claims === undefined) return claims;
    if (this.isRoot(claims)) return { clientId: claims.clientId, scopes: claims.scopes, root: true };
    const scopes = this.scopeCache.cachedScopesOf(claims.clientId);
    if (scopes === NOT_KNOWN) return NOT_KNOWN;
    return scopes === null ? undefined : { clientId: claims.clientId, scopes, root: false };
  }

  private isRoot(claims: TokenClaims): boolean {
    return claims.clientId === this.settings.security.oauthRootClientId;
  }

  async create(scopes: string[]): Promise<{ client_id: string; client_secret: string }> {
    assertScopes(scopes);
    const clientId = randomBytes(16).toString('hex');
    const clientSecret = randomBytes(16).toString('hex');
    const { hash, salt } = await hashSecret(clientSecret);
    await this.clients.insert({ id: clientId, hashedSecret: hash, salt, scopes: unique(scopes) });
    return { client_id: clientId, client_secret: clientSecret };
  }

  async delete(clientId: string): Promise<void> {
    await this.clients.delete({ id: clientId });
    await this.scopeCache.changed(clientId);
  }

  async scopesOf(clientId: string): Promise<string[]> {
    return (await this.clients.findOneBy({ id: clientId }))?.scopes ?? [];
  }

  /** Replaces the scopes; an unknown client is left alone, as in Fides. */
  async setScopes(clientId: string, scopes: string[]): Promise<void> {
    assertScopes(scopes);
    await this.clients.update({ id: clientId }, { scopes: unique(scopes) });
    await this.scopeCache.changed(clientId);
  }
}

function assertScopes(scopes: string[]): void {
  if (!scopes.every(isScope)) throw new HeraldError('unprocessable', INVALID_SCOPE_MESSAGE);
}

const unique = (values: string[]) => [...new Set(values)];
