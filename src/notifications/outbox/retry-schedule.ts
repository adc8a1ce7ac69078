import type { Settings } from '../../config/index.js';

/** Statuses whose `Retry-After` says when to come back (RFC 9110 §10.2.3, RFC 6585 §4). */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/**
 * Seconds to wait before attempt `attempt + 1` after attempt `attempt` failed: retryDelay × 2^(attempt-1), jittered
 * down by up to a fifth so that messages failing together do not come back together; at least the provider's
 * `Retry-After` (for 429 and 503); never more than retryDelayMax, which also caps a `Retry-After`.
 */
export function retryDelaySeconds(
  attempt: number,
  delivery: Pick<Settings['delivery'], 'retryDelaySeconds' | 'retryDelayMaxSeconds'>,
  provider: { status?: number; retryAfterSeconds?: number } = {},
  random: () => number = Math.random,
): number {
  const max = delivery.retryDelayMaxSeconds;
  const backoff = Math.min(max, delivery.retryDelaySeconds * 2 ** Math.min(attempt - 1, 30)) * (0.8 + 0.2 * random());
  const asked = provider.status !== undefined && RETRY_AFTER_STATUSES.has(provider.status) ? (provider.retryAfterSeconds ?? 0) : 0;
  return Math.min(max, Math.max(backoff, asked));
}

/**
 * How long an attempt waits for the provider. After an attempt that timed out, the provider may have taken that
 * message: the next ones wait the longer timeout, so that a provider slower than the timeout makes one extra copy,
 * not one per attempt.
 */
export function attemptTimeoutMs(providers: Pick<Settings['providers'], 'timeoutMs' | 'timeoutMaxMs'>, afterTimeout: boolean): number {
  return afterTimeout ? providers.timeoutMaxMs : providers.timeoutMs;
}
