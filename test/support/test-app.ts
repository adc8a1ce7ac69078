import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { loadSettings, type Env, type Settings } from '../../src/config/settings.js';
import { OpenApiConformance, type OpenApiDocument } from './openapi-conformance.js';

export type TestAgent = ReturnType<typeof request>;

export const ROOT_CLIENT_ID = 'herald-root';
export const ROOT_CLIENT_SECRET = 'root-secret-for-tests-only';
export const ENCRYPTION_KEY = 'test-encryption-key-32-bytes-ok!';

export interface TestApp {
  app: NestFastifyApplication;
  settings: Settings;
  databaseUrl: string;
  /** A supertest agent over a real HTTP server. */
  http: () => TestAgent;
  /** A client on this app's own database, for checking what was stored. */
  db: pg.Pool;
  rootToken: () => Promise<string>;
  close: () => Promise<void>;
}

function adminUrl(): string {
  const url = process.env.HERALD_TEST_ADMIN_URL;
  if (!url) throw new Error('HERALD_TEST_ADMIN_URL is not set: run the tests through jest (globalSetup)');
  return url;
}

/** A fresh, empty database on the test server; returns its URL and a function that drops it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `herald_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export function testEnv(databaseUrl: string, overrides: Env = {}): Env {
  return {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    // Suites drive many public requests from one address; test/e2e/rate-limits.e2e-spec.ts turns the limits on.
    HERALD_RATE_LIMITS: 'off',
    FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: ROOT_CLIENT_ID,
    FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: ROOT_CLIENT_SECRET,
    FIDES__SECURITY__APP_ENCRYPTION_KEY: ENCRYPTION_KEY,
    ...overrides,
  };
}

/** The whole Herald app on its own fresh database, served over HTTP on a loopback port. */
export async function createTestApp(
  overrides: Env = {},
  logDestination?: DestinationStream,
  /** Another app's database, to run several Herald processes on one database (it is dropped by its creator). */
  sharedDatabaseUrl?: string,
): Promise<TestApp> {
  const database = sharedDatabaseUrl ? { url: sharedDatabaseUrl, drop: async () => {} } : await createTestDatabase();
  const settings = loadSettings(testEnv(database.url, overrides));
  const app = await createApp(settings, { logDestination });
  const server = app.getHttpServer();
  const http = () => request(server);
  const conformance = new OpenApiConformance(app, async () => (await http().get('/openapi.json').expect(200)).body as OpenApiDocument);
  await app.getHttpAdapter().getInstance().ready();
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  let token: string | undefined;
  return {
    app,
    settings,
    databaseUrl: database.url,
    http,
    db,
    rootToken: async () => (token ??= await obtainToken(http(), ROOT_CLIENT_ID, ROOT_CLIENT_SECRET)),
    close: async () => {
      const problems = await conformance.check();
      await db.end();
      await app.close();
      await database.drop();
      if (problems.length > 0) throw new Error(`answers that differ from the OpenAPI document:\n${problems.join('\n')}`);
    },
  };
}

export async function obtainToken(agent: TestAgent, clientId: string, clientSecret: string): Promise<string> {
  const response = await agent.post('/api/v1/oauth/token').type('form').send({ client_id: clientId, client_secret: clientSecret });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { access_token: string }).access_token;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** POST /graphql with an optional token; returns the parsed body. */
export async function graphql(
  t: TestApp,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<{ data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const req = t.http().post('/graphql').set('content-type', 'application/json');
  if (token) req.set(bearer(token));
  const response = await req.send({ query, variables });
  return response.body as never;
}

/** A log destination that keeps every line, for tests that check what was (not) logged. */
export function captureLogs(): DestinationStream & { lines: string[]; text: () => string } {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line), text: () => lines.join('') };
}
