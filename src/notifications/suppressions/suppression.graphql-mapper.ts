import type { SuppressionObject } from './dto/suppression.graphql.js';
import type { SuppressionEntity } from './suppression.entity.js';

/** A suppression as GraphQL shows it: the masked hint; the hash and the sealed address never leave. */
export const toSuppressionObject = (s: SuppressionEntity): SuppressionObject => ({
  id: s.id,
  recipientHint: s.recipientHint,
  channel: s.channel,
  cause: s.cause,
  messageId: s.messageId,
  createdAt: s.createdAt,
});
