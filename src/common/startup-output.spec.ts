import { chooseLogFormat, startupBanner } from './startup-output.js';

describe('chooseLogFormat (LOG_FORMAT)', () => {
  it('is pretty on a terminal and JSON otherwise when unset', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat(' ', false)).toBe('json');
  });

  it('follows LOG_FORMAT in any case, and refuses anything else', () => {
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('Pretty', false)).toBe('pretty');
    expect(chooseLogFormat('xml', true)).toBeUndefined();
  });
});

describe('startupBanner', () => {
  const facts = {
    listening: 'http://127.0.0.1:8080',
    version: '1.2.3',
    dataDir: '.data',
    rootClientId: 'fidesadmin',
    secretsFile: '.data/herald-secrets.json',
  };

  it('says where Herald answers, where its data is and where the root secret lives, without the secret', () => {
    const banner = startupBanner(facts);
    expect(banner.split('\n')).toEqual([
      'Herald listening on http://127.0.0.1:8080 (version 1.2.3)',
      '  REST API     http://127.0.0.1:8080/api/v1',
      '  API docs     http://127.0.0.1:8080/docs',
      '  GraphQL      http://127.0.0.1:8080/graphql',
      '  health       http://127.0.0.1:8080/health',
      '  database     embedded PostgreSQL, data dir .data',
      '  root client  fidesadmin, secret in .data/herald-secrets.json',
      '',
    ]);
  });

  it('shows a generated secret once, at the first start, and never one from the environment', () => {
    const firstStart = { secretsFile: '.data/herald-secrets.json', rootClientSecret: 'generated-secret', appEncryptionKeyGenerated: true };
    const first = startupBanner({ ...facts, firstStart });
    expect(first).toContain('First start: created the embedded PostgreSQL in .data.');
    expect(first).toContain('  root client secret:  generated-secret\n');
    expect(first).toContain('  app encryption key:  (in the file)\n');
    expect(first).toContain('kept in .data/herald-secrets.json (mode 0600)');
    expect(first.split('generated-secret')).toHaveLength(2);
    const given = startupBanner({
      ...facts,
      secretsFile: undefined,
      firstStart: { ...firstStart, rootClientSecret: undefined, appEncryptionKeyGenerated: false },
    });
    expect(given).toContain('root client  fidesadmin, secret from FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET');
    expect(given).toContain('  root client secret:  (from FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET)');
    expect(given).toContain('  app encryption key:  (from FIDES__SECURITY__APP_ENCRYPTION_KEY)');
  });

  it('names an external database, links through loopback when bound to every interface, and a chosen public URL', () => {
    const banner = startupBanner({
      ...facts,
      listening: 'http://0.0.0.0:8080',
      dataDir: undefined,
      secretsFile: undefined,
      publicUrl: 'https://herald.example',
    });
    expect(banner).toContain('Herald listening on http://0.0.0.0:8080 ');
    expect(banner).toContain('  health       http://127.0.0.1:8080/health');
    expect(banner).toContain('  public URL   https://herald.example (HERALD_PUBLIC_URL)');
    expect(banner).toContain('  database     external PostgreSQL (DATABASE_URL)');
  });
});
