import type { DeliveryEventType } from '../providers/provider-webhook.js';

export { DELIVERY_EVENT_TYPES, type DeliveryEventType } from '../providers/provider-webhook.js';

/**
 * Decision D27: what the providers said became of a message after they took it. The status only climbs this ladder,
 * whatever order the events arrive in: a later event lower on it (or level with it) joins the timeline and leaves the
 * status alone. So `deferred` after `delivered` changes nothing, a bounce reported after `delivered` (an asynchronous
 * bounce) shows `bounced`, and a complaint, which only a delivered message can draw, tops everything.
 *   unknown < deferred < delivered < undelivered < bounced < complained
 * Because the status is the highest event seen, it is the same for every arrival order of the same events.
 */
export const DELIVERY_STATUSES = ['unknown', 'deferred', 'delivered', 'undelivered', 'bounced', 'complained'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The status after `event`: the higher of the two on the ladder. */
export function nextDeliveryStatus(current: DeliveryStatus, event: DeliveryEventType): DeliveryStatus {
  return DELIVERY_STATUSES.indexOf(event) > DELIVERY_STATUSES.indexOf(current) ? event : current;
}

/** The same ladder in SQL: a status's rank (1-based), for the statement that records events. */
export const rankSql = (expression: string) => `array_position('{${DELIVERY_STATUSES.join(',')}}'::varchar[], ${expression})`;

/** Events a feature may have to act on (decision D27: a bounced erasure email shows in its request's log). */
export const ADVERSE_EVENTS: ReadonlySet<DeliveryEventType> = new Set(['undelivered', 'bounced', 'complained']);
