/** What other modules may use of database (docs/architecture.md, "Module surfaces"). */
export { ChangeFeed } from './change-feed.js';
export type { ChangeHandler } from './change-feed.js';
export { ChangeFanout } from './change-fanout.js';
export type { LiveSubscription } from './change-fanout.js';
export { startEmbeddedDatabase } from './embedded-database.js';
export type { EmbeddedDatabase } from './embedded-database.js';
export { embeddedDatabaseAt } from './embedded/registry.js';
export type { EmbeddedDatabaseStatus } from './embedded/registry.js';
export { HEARTBEAT_SECONDS, JobQueueService, databaseUnreachable, transactionDb } from './job-queue.service.js';
export { preparedQuery } from './prepared-query.js';
export { waitForDatabase } from './wait-for-database.js';
