import { MessagingServiceType } from '../../common/messaging-service-type.js';
import type { MessagingConfigService } from '../../messaging-config/index.js';
import { DeliveryError } from '../providers/messaging-provider.js';
import { SendingContextCache } from './sending-context.cache.js';

/** The cache's one use of the config service: being told of changes. */
function configsWithChanges() {
  const listeners: (() => void)[] = [];
  const configs = { onChange: (listener: () => void) => listeners.push(listener) } as unknown as MessagingConfigService;
  return { configs, change: () => listeners.forEach((listener) => listener()) };
}

/** A lookup that resolves when released from outside, counting how often it was started. */
function countedLookup() {
  let started = 0;
  let release!: () => void;
  const lookUp = () => {
    started++;
    return new Promise<DeliveryError>((resolve) => (release = () => resolve(new DeliveryError(false, undefined, `lookup ${started}`))));
  };
  return { lookUp, started: () => started, release: () => release() };
}

describe('SendingContextCache', () => {
  it('gives callers that miss at once one shared lookup, and a new one once it has ended', async () => {
    const cache = new SendingContextCache(configsWithChanges().configs);
    const lookup = countedLookup();
    const first = cache.lookUpOnce(MessagingServiceType.MAILGUN, lookup.lookUp);
    const second = cache.lookUpOnce(MessagingServiceType.MAILGUN, lookup.lookUp);
    expect(lookup.started()).toBe(1);
    lookup.release();
    expect(await second).toBe(await first);
    await cache.lookUpOnce(MessagingServiceType.MAILGUN, async () => new DeliveryError(false, undefined, 'later'));
    expect(lookup.started()).toBe(1);
  });

  it('starts a new lookup after a change, so no caller gets what was read before it', async () => {
    const { configs, change } = configsWithChanges();
    const cache = new SendingContextCache(configs);
    const lookup = countedLookup();
    const before = cache.lookUpOnce(MessagingServiceType.MAILGUN, lookup.lookUp);
    change();
    const after = cache.lookUpChainOnce('notification', async () => [MessagingServiceType.MAILGUN]);
    const again = cache.lookUpOnce(MessagingServiceType.MAILGUN, lookup.lookUp);
    expect(lookup.started()).toBe(2);
    lookup.release();
    expect(await again).toHaveProperty('message', 'lookup 2');
    expect(await after).toEqual([MessagingServiceType.MAILGUN]);
    expect(before).not.toBe(again);
  });

  it('shares a failed lookup with the callers waiting on it, then forgets it', async () => {
    const cache = new SendingContextCache(configsWithChanges().configs);
    let fail!: (error: Error) => void;
    const failing = () => new Promise<never>((_, reject) => (fail = reject));
    const both = [cache.lookUpOnce(MessagingServiceType.MAILGUN, failing), cache.lookUpOnce(MessagingServiceType.MAILGUN, failing)];
    fail(new Error('database down'));
    await expect(Promise.all(both)).rejects.toThrow('database down');
    await expect(cache.lookUpOnce(MessagingServiceType.MAILGUN, async () => new DeliveryError(false, undefined, 'back'))).resolves.toHaveProperty(
      'message',
      'back',
    );
  });
});
