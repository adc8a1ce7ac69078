import { loadSettings } from '../config/index.js';
import { NOT_KNOWN } from './not-known.js';
import { TokenService } from './token.service.js';

const settings = loadSettings({
  DATABASE_URL: 'postgres://unused@127.0.0.1/unused',
  FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'unused',
  FIDES__SECURITY__APP_ENCRYPTION_KEY: 'token-spec-encryption-key-32-byt',
  FIDES__SECURITY__OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '10',
});

describe('TokenService.verifyKnown (the synchronous path of the scope guard)', () => {
  it('knows a token only once verify has decrypted it, and answers what verify answers', async () => {
    const tokens = new TokenService(settings);
    const issuedAt = new Date();
    const token = await tokens.issue('client-a', ['messaging:read'], issuedAt);
    expect(tokens.verifyKnown(token)).toBe(NOT_KNOWN);
    const claims = await tokens.verify(token);
    expect(claims).toMatchObject({ clientId: 'client-a', scopes: ['messaging:read'] });
    expect(tokens.verifyKnown(token)).toEqual(claims);
  });

  it('answers undefined for a remembered token once it has expired, as verify does', async () => {
    const tokens = new TokenService(settings);
    const issuedAt = new Date();
    const token = await tokens.issue('client-a', ['messaging:read'], issuedAt);
    await tokens.verify(token);
    const afterExpiry = issuedAt.getTime() + 10 * 60_000;
    expect(tokens.verifyKnown(token, afterExpiry)).toBeUndefined();
    expect(await tokens.verify(token, new Date(afterExpiry))).toBeUndefined();
  });

  it('never remembers garbage or an over-long token', async () => {
    const tokens = new TokenService(settings);
    expect(await tokens.verify('not-a-token')).toBeUndefined();
    expect(tokens.verifyKnown('not-a-token')).toBe(NOT_KNOWN);
    expect(tokens.verifyKnown('x'.repeat(9000))).toBeUndefined();
  });
});
