import type { Static } from '../../common/openapi.js';
import type { SuppressionEntity } from './suppression.entity.js';
import type { SUPPRESSION } from './suppressions.openapi.js';

// A suppression over REST: the masked hint; the hash and the sealed address never leave.

export type SuppressionResponse = Static<typeof SUPPRESSION>;

export const toSuppressionResponse = (s: SuppressionEntity): SuppressionResponse => ({
  id: s.id,
  recipient_hint: s.recipientHint,
  channel: s.channel,
  cause: s.cause,
  message_id: s.messageId,
  created_at: s.createdAt.toISOString(),
});
