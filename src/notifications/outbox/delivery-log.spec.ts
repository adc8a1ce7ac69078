import { Writable } from 'node:stream';
import { pino } from 'pino';
import { FAILURE_LINE, RETRY_LINE, logDeliveryOutcome, type DeliveryLogger } from './delivery-log.js';

function recorder(): DeliveryLogger & { calls: { level: 'warn' | 'error'; args: unknown[] }[] } {
  const calls: { level: 'warn' | 'error'; args: unknown[] }[] = [];
  return {
    calls,
    warn: (...args: unknown[]) => calls.push({ level: 'warn', args }),
    error: (...args: unknown[]) => calls.push({ level: 'error', args }),
  };
}

const NOW = Date.parse('2026-01-02T03:04:05.000Z');

describe('logDeliveryOutcome (one line per failed delivery attempt)', () => {
  it('warns when a retry is scheduled, naming the message, action, service type, attempt, reason and next attempt', () => {
    const logger = recorder();
    logDeliveryOutcome(logger, {
      messageId: 'msg_1',
      actionType: 'subject_identity_verification',
      serviceType: 'MAILGUN',
      attempt: 2,
      failure: { reason: 'Mailgun answered 503', status: 503 },
      retryInSeconds: 8,
      now: () => NOW,
    });
    expect(logger.calls).toEqual([
      {
        level: 'warn',
        args: [
          {
            messageId: 'msg_1',
            actionType: 'subject_identity_verification',
            serviceType: 'MAILGUN',
            attempt: 2,
            status: 503,
            reason: 'Mailgun answered 503',
            nextAttemptAt: '2026-01-02T03:04:13.000Z',
          },
          RETRY_LINE,
        ],
      },
    ]);
  });

  it('logs an error when the message has failed for good, with no next attempt', () => {
    const logger = recorder();
    logDeliveryOutcome(logger, {
      messageId: 'msg_2',
      actionType: 'privacy_request_complete_access',
      serviceType: 'TWILIO_TEXT',
      attempt: 10,
      failure: { reason: 'timed out after 10000 ms (may have been delivered)', timedOut: true },
      now: () => NOW,
    });
    expect(logger.calls).toEqual([
      {
        level: 'error',
        args: [
          {
            messageId: 'msg_2',
            actionType: 'privacy_request_complete_access',
            serviceType: 'TWILIO_TEXT',
            attempt: 10,
            status: null,
            reason: 'timed out after 10000 ms (may have been delivered)',
            timedOut: true,
            nextAttemptAt: null,
          },
          FAILURE_LINE,
        ],
      },
    ]);
  });

  it('writes one pino line at the right level, with no field that could hold a recipient', () => {
    let written = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const logger = pino({ base: undefined }, sink);
    const failure = { messageId: 'msg_3', actionType: 'test_message', serviceType: null, attempt: 1, failure: { reason: 'No messaging config' } };
    logDeliveryOutcome({ warn: (o, m) => logger.warn(o as object, m as string), error: (o, m) => logger.error(o as object, m as string) }, failure);
    const lines = written.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 50, msg: FAILURE_LINE, messageId: 'msg_3', actionType: 'test_message', serviceType: null, attempt: 1 });
    expect(Object.keys(line).sort()).toEqual([
      'actionType',
      'attempt',
      'level',
      'messageId',
      'msg',
      'nextAttemptAt',
      'reason',
      'serviceType',
      'status',
      'time',
    ]);
  });
});
