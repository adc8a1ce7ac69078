import { integer, model, object } from '../../common/openapi.js';

/** What a webhook call came to. */
export const WEBHOOK_RECEIPT = model(
  'WebhookReceipt',
  object({
    received: { ...integer, description: 'Delivery events read from the call (opens, clicks and progress reports are left out)' },
    recorded: { ...integer, description: 'Of those, the ones new to a message Herald sent' },
  }),
);
