import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// The deployment files are checked here because no Docker engine runs them in CI: docker-compose.yml's shape, the
// Dockerfile's base image against the Node version the project requires, and the settings, which live in three places
// (src/config/settings.ts reads them, README's "Settings" table and .env.example document them) that must not drift.
const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  restart?: string;
  ports?: string[];
  env_file?: string | (string | { path: string })[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: unknown; start_period?: string };
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { postgres, herald } = compose.services;

/** Every environment variable Herald's code reads: through `loadSettings` (settings.ts), or `process.env` anywhere. */
function settingsRead(): string[] {
  const names = new Set<string>();
  const settings = read('src/config/settings.ts');
  for (const [, name] of settings.matchAll(/\(env, '([A-Z][A-Z0-9_]*)'/g)) names.add(name);
  for (const [, name] of settings.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) names.add(name);
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
    );
  for (const file of walk('src')) for (const [, name] of read(file).matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) names.add(name);
  return [...names];
}

/** README's settings table: each row's names (a row may hold several) with the row's default cell. */
function readmeSettings(): { name: string; defaultCell: string }[] {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('\n## Settings\n'), readme.indexOf('\n## ', readme.indexOf('\n## Settings\n') + 1));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => {
      const [names, defaultCell] = line.split('|').slice(1, 3);
      return [...names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map(([, name]) => ({ name, defaultCell: defaultCell.trim() }));
    });
}

/** .env.example's settings in order: `NAME=value`, or `# NAME=value` for one left at its default. */
function exampleSettings(): { name: string; value: string; commented: boolean }[] {
  return [...read('.env.example').matchAll(/^(# )?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, comment, name, value]) => ({
    name,
    value,
    commented: comment !== undefined,
  }));
}

/** Read by no code of Herald's, yet a setting of its start scripts and image (glibc reads it). */
const READ_OUTSIDE_THE_CODE = ['MALLOC_ARENA_MAX'];
/** In .env.example for docker compose, not read by Herald. */
const COMPOSE_ONLY = ['POSTGRES_PASSWORD'];

describe('docker-compose.yml', () => {
  it('runs PostgreSQL and Herald, restarting them unless stopped, with a health check and a start period each', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['herald', 'postgres']);
    for (const service of [postgres, herald]) {
      expect(service.restart).toBe('unless-stopped');
      expect(service.healthcheck?.test).toBeDefined();
      expect(service.healthcheck?.start_period).toMatch(/^\d+s$/);
    }
    expect(herald.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('keeps data in named volumes: PostgreSQL data and Herald data dir', () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['herald-data', 'postgres-data']);
    expect(postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(herald.volumes).toEqual(['herald-data:/data']);
    expect(herald.environment?.HERALD_DATA_DIR).toBe('/data');
  });

  it('publishes Herald on the loopback interface only', () => {
    expect(herald.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(postgres.ports).toBeUndefined();
  });

  it('takes secrets from .env, requiring each, and hard-codes none', () => {
    expect(herald.env_file).toBe('.env');
    const required = (name: string) => new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`);
    expect(postgres.environment?.POSTGRES_PASSWORD).toMatch(required('POSTGRES_PASSWORD'));
    expect(herald.environment?.FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET).toMatch(required('FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET'));
    expect(herald.environment?.FIDES__SECURITY__APP_ENCRYPTION_KEY).toMatch(required('FIDES__SECURITY__APP_ENCRYPTION_KEY'));
    expect(herald.environment?.DATABASE_URL).toMatch(/^postgres:\/\/herald:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/herald$/);
    // Any value of a secret-looking variable is a reference, never a literal.
    for (const service of [postgres, herald]) {
      for (const [name, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|SECRET|_KEY$|_KEYS$/.test(name)) expect(value).toMatch(/^\$\{/);
      }
    }
  });

  it('passes HERALD_PUBLIC_URL and every delivery setting through', () => {
    expect(herald.environment?.HERALD_PUBLIC_URL).toMatch(/^\$\{HERALD_PUBLIC_URL:-/);
    const delivery = settingsRead().filter((name) => /^HERALD_(DELIVERY|PROVIDER)_/.test(name));
    expect(delivery.length).toBeGreaterThanOrEqual(6);
    for (const name of delivery) expect(herald.environment?.[name]).toBe(`\${${name}:-}`);
  });
});

describe('the Node version', () => {
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
  const major = Number(/^(?:>=|\^)(\d+)\./.exec(engines)?.[1]);

  it('is one major version in package.json, .nvmrc and both stages of the Dockerfile', () => {
    expect(major).toBeGreaterThanOrEqual(22);
    expect(read('.nvmrc').trim()).toBe(String(major));
    const bases = [...read('Dockerfile').matchAll(/^FROM (\S+)/gm)].map(([, image]) => image);
    expect(bases).toHaveLength(2);
    for (const image of bases) expect(image).toMatch(new RegExp(`^node:${major}(\\.[\\d.]+)?-`));
  });

  it('keeps a start period in the image health check', () => {
    expect(read('Dockerfile')).toMatch(/^HEALTHCHECK .*--start-period=\d+s/m);
  });
});

describe('the settings, in code, README and .env.example', () => {
  const readme = readmeSettings();
  const example = exampleSettings();

  it('every setting Herald reads is in README and .env.example', () => {
    const names = settingsRead();
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((name) => !readme.some((row) => row.name === name))).toEqual([]);
    expect(names.filter((name) => !example.some((line) => line.name === name))).toEqual([]);
  });

  it('README documents no setting that nothing reads', () => {
    const names = [...settingsRead(), ...READ_OUTSIDE_THE_CODE];
    expect(readme.map((row) => row.name).filter((name) => !names.includes(name))).toEqual([]);
  });

  it('.env.example has the README table in the same order, each once, with its default', () => {
    expect(example.map((line) => line.name).filter((name) => !COMPOSE_ONLY.includes(name))).toEqual(readme.map((row) => row.name));
    for (const { name, defaultCell } of readme) {
      const { value } = example.find((line) => line.name === name)!;
      // A default written as one value (`8080`, `2` (start scripts...)) is the example's value; "unset" is empty.
      const single = /^`([^`$]*)`(?!\S)/.exec(defaultCell);
      if (single) expect(`${name}=${value}`).toBe(`${name}=${single[1]}`);
      if (['unset', 'empty', 'none'].includes(defaultCell)) expect(`${name}=${value}`).toBe(`${name}=`);
    }
  });

  it('.env.example asks for the secrets docker compose requires, with no value filled in', () => {
    for (const name of ['POSTGRES_PASSWORD', 'FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET', 'FIDES__SECURITY__APP_ENCRYPTION_KEY']) {
      expect(example.find((line) => line.name === name)).toEqual({ name, value: '', commented: false });
    }
  });
});
