import type { MessagingActionType } from '../templates/messaging-action-type.js';
import type { ServiceTypeRule } from './message.entity.js';

/** The pg-boss queue of message deliveries: one job per attempt, the first one's id the message's id. */
export const DELIVERY_QUEUE = 'message-delivery';

export interface DeliveryJob {
  messageId: string;
  /** An earlier attempt timed out: this one waits the longer timeout (`HERALD_PROVIDER_TIMEOUT_MAX_MS`). */
  afterTimeout?: boolean;
}

/** A message a delivery job has claimed for its attempt (`attempts` counts this one), as the claim returns it. */
export interface ClaimedMessage {
  id: string;
  idempotency_key: string;
  action_type: MessagingActionType;
  service_type_rule: ServiceTypeRule;
  payload: string;
  privacy_request_id: string | null;
  attempts: number;
  /** Attempts made before its last retryMessage: the attempts of this round are `attempts - attempts_before_retry`. */
  attempts_before_retry: number;
  /** The provider of the last attempt before this one (null before the first): decision D29 turns to the next. */
  service_type: string | null;
  /** Decision D32: the locale asked for (the message's `requested_locale`); null renders the base text. */
  locale: string | null;
}
