import './compile-cache.js';
import 'reflect-metadata';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { assertCanListen, listenFailure } from './common/http/port-check.js';
import { LOG_FORMAT_RULE, chooseLogFormat, startupBanner, type BannerFacts, type LogFormat } from './common/startup-output.js';
import { HERALD_VERSION } from './common/version.js';
import { SettingsError, loadSettings, requireSecrets, type Settings } from './config/settings.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './database/embedded-database.js';
import { waitForDatabase } from './database/wait-for-database.js';

/**
 * Herald's entry point: settings → database (the external one, or the embedded server) → app → listen → one banner
 * saying where it answers. A bad setting ends the process with one line naming it; SIGINT/SIGTERM close the app, then
 * the database. Logs go to stdout (JSON, or pretty on a terminal: `LOG_FORMAT`); Herald's own lines to stderr.
 */
async function main(): Promise<void> {
  let settings: Settings;
  let logFormat: LogFormat;
  try {
    settings = loadSettings(process.env);
    const chosen = chooseLogFormat(process.env.LOG_FORMAT, process.stdout.isTTY === true);
    if (chosen === undefined) throw new SettingsError('LOG_FORMAT', LOG_FORMAT_RULE);
    logFormat = chosen;
  } catch (error) {
    return fail(error);
  }

  try {
    // Before the database: a port in use is said at once, and no PostgreSQL is started for nothing.
    await assertCanListen(settings.host, settings.port);
  } catch (error) {
    return fail(error);
  }

  // Loaded only now, so that a bad setting is reported without first loading the whole framework.
  let loadingApp: Promise<typeof import('./app.factory.js')> | undefined;
  const loadApp = () => (loadingApp ??= import('./app.factory.js'));

  // The root client secret comes from the environment, or else from the embedded data dir's secrets file.
  const secretFromEnvironment = settings.security.oauthRootClientSecret !== '';
  let embedded: EmbeddedDatabase | undefined;
  let firstStart: BannerFacts['firstStart'];
  if (settings.databaseUrl === undefined) {
    // The embedded server starts in its own process: the framework loads meanwhile. Loading blocks the event loop for
    // most of a second, so it begins once initdb or the server runs (`whileWaiting`), not before the steps that spawn
    // them (begun first, they waited for the whole load: a restart's server started after it). An error is reported
    // where it is awaited. (Waiting for an external database, which counts time, is not overlapped.)
    const given = settings.security;
    try {
      embedded = await startEmbeddedDatabase(
        settings.dataDir,
        (line) => {
          if (settings.logLevel === 'debug' || settings.logLevel === 'trace') process.stderr.write(`[postgres] ${line}\n`);
        },
        { appEncryptionKey: given.appEncryptionKey },
        { whileWaiting: () => void loadApp().catch(() => undefined) },
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
    // Shown in the banner, once Herald listens: printed now, a hundred lines of start-up would scroll it away.
    if (embedded.created) {
      firstStart = {
        secretsFile: shown(join(settings.dataDir, 'herald-secrets.json')),
        rootClientSecret: secretFromEnvironment ? undefined : settings.security.oauthRootClientSecret,
        appEncryptionKeyGenerated: !given.appEncryptionKey,
      };
    }
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
    const { createApp } = await loadApp();
    // JSON goes to stdout through pino's own destination (the default); pretty lines through pino-pretty.
    const logDestination = logFormat === 'pretty' ? (await import('./common/pretty-log.js')).prettyDestination() : undefined;
    app = await createApp(settings, { logDestination });
    await app.listen({ port: settings.port, host: settings.host });
    const address = app.getHttpServer().address();
    const bound = typeof address === 'object' && address ? address : { address: settings.host, port: settings.port };
    const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
    const banner = startupBanner(
      {
        listening: `http://${host}:${bound.port}`,
        version: HERALD_VERSION,
        dataDir: embedded ? shown(settings.dataDir) : undefined,
        rootClientId: settings.security.oauthRootClientId,
        secretsFile: embedded && !secretFromEnvironment ? shown(join(settings.dataDir, 'herald-secrets.json')) : undefined,
        // The default public URL is the loopback one: said only when the operator chose another.
        publicUrl: settings.publicUrl === `http://127.0.0.1:${settings.port}` ? undefined : settings.publicUrl,
        firstStart,
      },
      process.stderr.isTTY === true ? TERMINAL : undefined,
    );
    process.stderr.write(`\n${banner}\n`);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await embedded?.stop();
    // The port may have been taken since the check: the same one line.
    return fail(listenFailure(error, settings.host, settings.port) ?? error);
  }
}

/** A path as the banner shows it: relative to the working directory when it lies inside it, else absolute. */
function shown(path: string): string {
  const inside = relative(process.cwd(), resolve(path));
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : resolve(path);
}

const TERMINAL = { bold: (s: string) => `\x1b[1m${s}\x1b[22m`, cyan: (s: string) => `\x1b[36m${s}\x1b[39m` };

function fail(error: unknown): void {
  if (error instanceof SettingsError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Herald could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
}

await main();
