import { loadSettings } from '../../config/index.js';
import { attemptTimeoutMs, retryDelaySeconds } from './retry-schedule.js';

describe('retryDelaySeconds', () => {
  const delivery = { retryDelaySeconds: 2, retryDelayMaxSeconds: 300 };
  const top = () => 1;
  const bottom = () => 0;

  it('doubles per attempt from the retry delay, jittered down by at most a fifth', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelaySeconds(n, delivery, {}, top))).toEqual([2, 4, 8, 16, 32]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelaySeconds(n, delivery, {}, bottom))).toEqual([1.6, 3.2, 6.4, 12.8, 25.6]);
  });

  it('never waits more than the maximum', () => {
    expect(retryDelaySeconds(9, delivery, {}, top)).toBe(300);
    expect(retryDelaySeconds(60, delivery, {}, top)).toBe(300);
  });

  it.each([429, 503])('waits at least the Retry-After of a %i', (status) => {
    expect(retryDelaySeconds(1, delivery, { status, retryAfterSeconds: 30 }, top)).toBe(30);
    // A shorter Retry-After does not shorten the backoff.
    expect(retryDelaySeconds(4, delivery, { status, retryAfterSeconds: 1 }, top)).toBe(16);
  });

  it('caps a Retry-After at the maximum', () => {
    expect(retryDelaySeconds(1, delivery, { status: 429, retryAfterSeconds: 86_400 }, top)).toBe(300);
  });

  it('ignores a Retry-After on other statuses', () => {
    expect(retryDelaySeconds(1, delivery, { status: 500, retryAfterSeconds: 30 }, top)).toBe(2);
    expect(retryDelaySeconds(1, delivery, { retryAfterSeconds: 30 }, top)).toBe(2);
  });
});

describe('attemptTimeoutMs', () => {
  it('waits the timeout, and the longer one after an attempt timed out', () => {
    const { providers } = loadSettings({ HERALD_PROVIDER_TIMEOUT_MS: '10000' });
    expect(attemptTimeoutMs(providers, false)).toBe(10_000);
    expect(attemptTimeoutMs(providers, true)).toBe(30_000);
  });

  it('takes HERALD_PROVIDER_TIMEOUT_MAX_MS, never below the timeout', () => {
    expect(loadSettings({ HERALD_PROVIDER_TIMEOUT_MAX_MS: '45000' }).providers.timeoutMaxMs).toBe(45_000);
    expect(loadSettings({ HERALD_PROVIDER_TIMEOUT_MS: '20000', HERALD_PROVIDER_TIMEOUT_MAX_MS: '5000' }).providers.timeoutMaxMs).toBe(20_000);
  });
});

describe('the default retry horizon', () => {
  it('loses no message of a thousand to 30% random failures (in expectation: 0.006)', () => {
    const { delivery } = loadSettings({});
    expect(delivery.maxAttempts).toBe(10);
    expect(1000 * 0.3 ** delivery.maxAttempts).toBeLessThan(0.01);
    // Spread over minutes, not seconds: a provider's short outage is outlived too.
    const horizon = Array.from({ length: delivery.maxAttempts - 1 }, (_, i) => retryDelaySeconds(i + 1, delivery, {}, () => 0)).reduce((a, b) => a + b, 0);
    expect(horizon).toBeGreaterThan(600);
  });
});
