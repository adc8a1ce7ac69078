/** The pg-boss queue of message deliveries; one job per message, its id the message's id. */
export const DELIVERY_QUEUE = 'message-delivery';

export interface DeliveryJob {
  messageId: string;
}
