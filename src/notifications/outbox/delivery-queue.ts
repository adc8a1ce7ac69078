/** The pg-boss queue of message deliveries: one job per attempt, the first one's id the message's id. */
export const DELIVERY_QUEUE = 'message-delivery';

export interface DeliveryJob {
  messageId: string;
  /** An earlier attempt timed out: this one waits the longer timeout (`HERALD_PROVIDER_TIMEOUT_MAX_MS`). */
  afterTimeout?: boolean;
}
