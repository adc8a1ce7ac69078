import { PassThrough } from 'node:stream';
import type { LoggerService } from '@nestjs/common';
import { pino } from 'pino';
import { FrameworkQuietingLogger, isFrameworkNarration, loggedUrl, scrub } from './logging.js';
import { prettyDestination } from './pretty-log.js';

describe('scrub (log redaction of sensitive keys at any depth)', () => {
  it('censors credentials, tokens, secrets and identities, keeping the rest', () => {
    const logged = {
      msg: 'x',
      client_secret: 's1',
      nested: { access_token: 't', config: { secrets: { mailgun_api_key: 'k' }, name: 'kept' } },
      list: [{ email: 'a@example.com', phone_number: '+1555', other: 1 }],
      Authorization: 'Bearer abc',
    };
    expect(scrub(logged)).toEqual({
      msg: 'x',
      client_secret: '[redacted]',
      nested: { access_token: '[redacted]', config: { secrets: '[redacted]', name: 'kept' } },
      list: [{ email: '[redacted]', phone_number: '[redacted]', other: 1 }],
      Authorization: '[redacted]',
    });
    expect(JSON.stringify(scrub(logged))).not.toMatch(/s1|"t"|"k"|a@example|\+1555|abc/);
  });

  it('leaves errors, dates and primitives alone', () => {
    const error = new Error('e');
    const date = new Date(0);
    expect(scrub({ err: error, at: date, n: 1 })).toEqual({ err: error, at: date, n: 1 });
    expect(scrub('text')).toBe('text');
  });
});

describe('loggedUrl (query values never logged)', () => {
  it('keeps the path and the parameter names, censoring every value', () => {
    expect(loggedUrl('/api/v1/privacy-request/pri_1/access-package?token=eyJ.abc.def')).toBe('/api/v1/privacy-request/pri_1/access-package?token=[redacted]');
    expect(loggedUrl('/api/v1/privacy-request?identity=a%40b.c&status=complete&status=error')).toBe(
      '/api/v1/privacy-request?identity=[redacted]&status=[redacted]&status=[redacted]',
    );
    expect(loggedUrl('/x?flag&&y=')).toBe('/x?flag=[redacted]&y=[redacted]');
  });

  it('leaves a URL without a query alone', () => {
    expect(loggedUrl('/api/v1/messaging/config')).toBe('/api/v1/messaging/config');
    expect(loggedUrl(undefined)).toBeUndefined();
  });
});

describe('prettyDestination (human log lines)', () => {
  async function prettyLines(write: (logger: pino.Logger) => void): Promise<string> {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const logger = pino({ level: 'debug' }, prettyDestination({ colorize: false, destination: out }));
    write(logger);
    await new Promise((resolve) => setImmediate(resolve));
    return text;
  }

  it('writes one readable line per entry: time, level, [context] and the message', async () => {
    const text = await prettyLines((logger) => logger.info({ context: 'MigrationsRunner' }, 'applied migrations: A, B'));
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[MigrationsRunner\] applied migrations: A, B\n$/);
    expect(text).not.toContain('{');
  });

  it('shows a request as method, path, status and time, with its id', async () => {
    const text = await prettyLines((logger) =>
      logger.info({ reqId: 'r-1', req: { method: 'GET', url: '/api/v1/oauth/scope' }, res: { statusCode: 200 }, responseTime: 3 }, 'request completed'),
    );
    expect(text).toMatch(/INFO: GET \/api\/v1\/oauth\/scope 200 3 ms r-1\n$/);
  });
});

describe('FrameworkQuietingLogger (Nest start-up narration at debug)', () => {
  function recording(): LoggerService & { calls: string[] } {
    const calls: string[] = [];
    const note =
      (level: string) =>
      (message: unknown, ...rest: unknown[]) =>
        calls.push(`${level} ${String(message)} ${rest.map(String).join(' ')}`.trim());
    return { calls, log: note('info'), debug: note('debug'), warn: note('warn'), error: note('error'), verbose: note('verbose'), fatal: note('fatal') };
  }

  it('logs route mapping and module loading at debug, and everything else as asked', () => {
    const inner = recording();
    const logger = new FrameworkQuietingLogger(inner);
    logger.log('Mapped {/api/v1/oauth/token, POST} route', 'RouterExplorer');
    logger.log('OauthController {/api/v1/oauth}:', 'RoutesResolver');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/graphql, POST} route', 'GraphQLModule');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('applied migrations: A', 'MigrationsRunner');
    logger.warn('slow', 'Worker');
    logger.error('broken', 'stack', 'Worker');
    expect(inner.calls).toEqual([
      'debug Mapped {/api/v1/oauth/token, POST} route RouterExplorer',
      'debug OauthController {/api/v1/oauth}: RoutesResolver',
      'debug AppModule dependencies initialized InstanceLoader',
      'debug Mapped {/graphql, POST} route GraphQLModule',
      'debug Nest application successfully started NestApplication',
      'info applied migrations: A MigrationsRunner',
      'warn slow Worker',
      'error broken stack Worker',
    ]);
    expect(isFrameworkNarration('anything', undefined)).toBe(false);
  });
});
