import { fidesDateTime } from '../../common/datetime.js';
import type { Static } from '../../common/openapi.js';
import type { PurgeRun } from './retention-purge.js';
import type { RETENTION_PURGE_RUN } from './retention.openapi.js';

export type PurgeRunResponse = Static<typeof RETENTION_PURGE_RUN>;

export const toPurgeRunResponse = (run: PurgeRun): PurgeRunResponse => ({
  trigger: run.trigger,
  started_at: fidesDateTime(run.startedAt),
  finished_at: fidesDateTime(run.finishedAt),
  messages: run.messages,
  attempts: run.attempts,
  events: run.events,
  request_identities: run.requestIdentities,
});
