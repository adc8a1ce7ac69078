/** The logger methods a delivery outcome needs (Nest's `Logger`, nestjs-pino's `PinoLogger`, or a test double). */
export interface DeliveryLogger {
  warn(message: unknown, ...optionalParams: unknown[]): void;
  error(message: unknown, ...optionalParams: unknown[]): void;
}

/** A failed delivery attempt, as the worker knows it once the attempt has ended. */
export interface DeliveryFailure {
  messageId: string;
  actionType: string;
  /** The service type the attempt went to; null when it failed before one was chosen (no config, no secrets). */
  serviceType: string | null;
  /** The attempt's number, the first being 1. */
  attempt: number;
  /** Why it failed: the provider error as sanitised by the provider (never the recipient, never a secret). */
  failure: { reason: string; status?: number | null; timedOut?: boolean };
  /** When another attempt is scheduled: its delay. Undefined when the message is now `failed`. */
  retryInSeconds?: number;
  /** The clock, for tests. */
  now?: () => number;
}

export const RETRY_LINE = 'message delivery attempt failed; retrying';
export const FAILURE_LINE = 'message delivery failed';

/**
 * One line per failed delivery attempt: a warning when another attempt is scheduled, an error when the message has
 * failed for good. It names the message, its action type, the service type, the attempt and the reason (with the
 * provider's status, and whether it timed out), and when the next attempt is due. The recipient is not a parameter:
 * it cannot be logged from here.
 */
export function logDeliveryOutcome(logger: DeliveryLogger, outcome: DeliveryFailure): void {
  const { failure, retryInSeconds } = outcome;
  const retrying = retryInSeconds !== undefined;
  const line = {
    messageId: outcome.messageId,
    actionType: outcome.actionType,
    serviceType: outcome.serviceType,
    attempt: outcome.attempt,
    status: failure.status ?? null,
    reason: failure.reason,
    ...(failure.timedOut ? { timedOut: true } : {}),
    nextAttemptAt: retrying ? new Date((outcome.now ?? Date.now)() + retryInSeconds * 1000).toISOString() : null,
  };
  if (retrying) logger.warn(line, RETRY_LINE);
  else logger.error(line, FAILURE_LINE);
}
