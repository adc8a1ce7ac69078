import { dateTime, enumOf, integer, model, object } from '../../common/openapi.js';

/** What one purge run did (Herald's own route, so snake_case as the rest of the wire). */
export const RETENTION_PURGE_RUN = model(
  'RetentionPurgeRun',
  object({
    trigger: enumOf(['schedule', 'manual'] as const),
    started_at: dateTime,
    finished_at: dateTime,
    messages: integer,
    attempts: integer,
    events: integer,
    request_identities: integer,
  }),
);
