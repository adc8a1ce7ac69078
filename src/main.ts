import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { assertCanListen, listenFailure } from './common/http/port-check.js';
import { SettingsError, loadSettings, requireSecrets, type Settings } from './config/settings.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './database/embedded-database.js';
import { waitForDatabase } from './database/wait-for-database.js';

/**
 * Herald's entry point: settings → database (the external one, or the embedded server) → app → listen.
 * A bad setting ends the process with one line naming it; SIGINT/SIGTERM close the app, then the database.
 */
async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = loadSettings(process.env);
  } catch (error) {
    return fail(error);
  }

  try {
    // Before the database: a port in use is said at once, and no PostgreSQL is started for nothing.
    await assertCanListen(settings.host, settings.port);
  } catch (error) {
    return fail(error);
  }

  let embedded: EmbeddedDatabase | undefined;
  if (settings.databaseUrl === undefined) {
    const given = settings.security;
    try {
      embedded = await startEmbeddedDatabase(
        settings.dataDir,
        (line) => {
          if (settings.logLevel === 'debug' || settings.logLevel === 'trace') process.stderr.write(`[postgres] ${line}\n`);
        },
        { appEncryptionKey: given.appEncryptionKey },
      );
    } catch (error) {
      // A data dir that cannot be used, or one another Herald holds: one line, like a bad setting.
      return fail(error);
    }
    settings = {
      ...settings,
      databaseUrl: embedded.url,
      security: {
        ...settings.security,
        oauthRootClientSecret: settings.security.oauthRootClientSecret || embedded.secrets.oauthRootClientSecret,
        appEncryptionKey: settings.security.appEncryptionKey || embedded.secrets.appEncryptionKey,
      },
    };
    if (embedded.created) announceGeneratedSecrets(settings, { secretGiven: Boolean(given.oauthRootClientSecret), keyGiven: Boolean(given.appEncryptionKey) });
  }

  let app: NestFastifyApplication | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal} received: stopping Herald\n`);
    let clean = true;
    // The app first (workers finish their messages while the database is there), then the embedded server.
    for (const [part, close] of [
      ['app', () => app?.close()],
      ['embedded PostgreSQL', () => embedded?.stop()],
    ] as const) {
      try {
        await close();
      } catch (error) {
        clean = false;
        process.stderr.write(`Stopping the ${part} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    process.exit(clean ? 0 : 1);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    requireSecrets(settings);
    if (!embedded) await waitForDatabase(settings.databaseUrl!, settings.databaseWaitSeconds, (line) => process.stderr.write(`${line}\n`));
    // Loaded only now, so that a bad setting is reported without first loading the whole framework.
    const { createApp } = await import('./app.factory.js');
    app = await createApp(settings);
    await app.listen({ port: settings.port, host: settings.host });
    const address = app.getHttpServer().address();
    const bound = typeof address === 'object' && address ? address : { address: settings.host, port: settings.port };
    const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
    process.stderr.write(`Herald listening on http://${host}:${bound.port} (REST /api/v1, GraphQL /graphql, docs /docs)\n`);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await embedded?.stop();
    // The port may have been taken since the check: the same one line.
    return fail(listenFailure(error, settings.host, settings.port) ?? error);
  }
}

function announceGeneratedSecrets(settings: Settings, given: { secretGiven: boolean; keyGiven: boolean }): void {
  // Printed once, on the terminal of whoever started Herald for the first time; never logged afterwards. A value
  // the environment supplied is the operator's already, and is not echoed.
  process.stderr.write(
    [
      '',
      `First start: created an embedded PostgreSQL in ${settings.dataDir}/postgres.`,
      `Credentials generated for settings left unset are kept in ${settings.dataDir}/herald-secrets.json (mode 0600):`,
      `  root client id:      ${settings.security.oauthRootClientId}`,
      `  root client secret:  ${given.secretGiven ? '(from FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET)' : settings.security.oauthRootClientSecret}`,
      `  app encryption key:  ${given.keyGiven ? '(from FIDES__SECURITY__APP_ENCRYPTION_KEY)' : '(in the file)'}`,
      '',
    ].join('\n') + '\n',
  );
}

function fail(error: unknown): void {
  if (error instanceof SettingsError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Herald could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
}

await main();
