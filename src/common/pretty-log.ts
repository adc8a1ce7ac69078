import type { DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';

// Apart from logging.ts so that pino-pretty is loaded only when human lines are asked for (start-up, issue 20).

type PrettyColors = Parameters<pinoPretty.MessageFormatFunc>[3]['colors'];

/**
 * The message of a pretty line: `[context] message`, and for a request line its method, path, status and time. The
 * object is the one pino wrote, after `scrub` and the redaction paths: nothing is logged here that JSON would not show.
 */
export function prettyMessage(log: Record<string, unknown>, messageKey: string, colors: PrettyColors): string {
  const message = typeof log[messageKey] === 'string' ? log[messageKey] : '';
  const context = typeof log.context === 'string' ? `${colors.magenta(`[${log.context}]`)} ` : '';
  const reqId = typeof log.reqId === 'string' ? log.reqId : undefined;
  const req = log.req as { method?: string; url?: string } | undefined;
  const res = log.res as { statusCode?: number } | undefined;
  if (req?.method !== undefined && res?.statusCode !== undefined) {
    const took = typeof log.responseTime === 'number' ? ` ${colors.gray(`${log.responseTime} ms`)}` : '';
    const failed = message === 'request completed' ? '' : `${message}: `;
    return `${context}${failed}${req.method} ${req.url ?? ''} ${colors.bold(String(res.statusCode))}${took}${reqId ? colors.gray(` ${reqId}`) : ''}`;
  }
  return `${context}${message}${reqId ? colors.gray(` (request ${reqId})`) : ''}`;
}

/**
 * A pino destination writing coloured, human lines (pino-pretty, in process): time, level, `[context]` and the
 * message, other fields after it on the same line, an error's stack below. Synchronous, so the lines written just
 * before `process.exit` (stopping) are not lost.
 */
export function prettyDestination(options: { colorize?: boolean; destination?: number | NodeJS.WritableStream } = {}): DestinationStream {
  return pinoPretty({
    colorize: options.colorize ?? pinoPretty.isColorSupported,
    destination: options.destination ?? 1,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context,reqId,req,res,responseTime',
    singleLine: true,
    messageFormat: (log, messageKey, _levelLabel, { colors }) => prettyMessage(log, messageKey, colors),
  });
}
