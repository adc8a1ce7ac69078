import { DELIVERY_EVENT_TYPES, DELIVERY_STATUSES, nextDeliveryStatus, type DeliveryEventType, type DeliveryStatus } from './delivery-status.js';

/** Every order of `items`. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('the delivery status ladder (decision D27)', () => {
  it('climbs only: an event lower or level leaves the status', () => {
    expect(nextDeliveryStatus('unknown', 'deferred')).toBe('deferred');
    expect(nextDeliveryStatus('delivered', 'deferred')).toBe('delivered');
    expect(nextDeliveryStatus('delivered', 'bounced')).toBe('bounced');
    expect(nextDeliveryStatus('bounced', 'delivered')).toBe('bounced');
    expect(nextDeliveryStatus('bounced', 'undelivered')).toBe('bounced');
    expect(nextDeliveryStatus('undelivered', 'bounced')).toBe('bounced');
    expect(nextDeliveryStatus('bounced', 'complained')).toBe('complained');
    expect(nextDeliveryStatus('complained', 'delivered')).toBe('complained');
  });

  it('ends the same for every arrival order of the same events', () => {
    const events: DeliveryEventType[] = [...DELIVERY_EVENT_TYPES];
    for (const size of [2, 3, 4, 5]) {
      const chosen = events.slice(0, size);
      const ends = new Set(permutations(chosen).map((order) => order.reduce<DeliveryStatus>(nextDeliveryStatus, 'unknown')));
      expect([...ends]).toEqual([chosen.reduce<DeliveryStatus>((a, b) => (DELIVERY_STATUSES.indexOf(b) > DELIVERY_STATUSES.indexOf(a) ? b : a), 'unknown')]);
    }
  });
});
