import { dateTime, enumOf, model, nullable, object, string } from '../../common/openapi.js';

/** A suppressed recipient (decision D28): the masked hint only, never the address. */
export const SUPPRESSION = model(
  'Suppression',
  object({
    id: string,
    recipient_hint: { ...string, description: 'Masked: enough to recognise, not to read' },
    channel: enumOf(['email', 'sms']),
    cause: enumOf(['bounce', 'complaint', 'manual']),
    message_id: nullable({ ...string, description: 'The message whose bounce or complaint suppressed the recipient' }),
    created_at: dateTime,
  }),
);
