import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Settings } from '../config/settings.js';
import { requestIdFor } from './request-id.js';

/**
 * Paths pino replaces with `[redacted]` wherever they appear in a log object: credentials, tokens, anything under a
 * `secrets` key, and the identities of data subjects. Code should not log these at all; this is the second fence.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...['client_secret', 'access_token', 'token', 'password', 'secrets', 'identity', 'email', 'phone_number'].flatMap((key) => [
    key,
    `*.${key}`,
    `*.*.${key}`,
  ]),
];

/** `destination` defaults to stdout; tests pass a stream to read what was logged. */
export function loggerOptions(settings: Settings, destination?: DestinationStream): Params {
  const options: NonNullable<Exclude<Params['pinoHttp'], unknown[]>> = {
    level: settings.logLevel,
    genReqId: (req) => requestIdFor(req),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Health probes every few seconds would drown the log.
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
    quietReqLogger: true,
  };
  return { pinoHttp: destination ? [options, destination] : options };
}
