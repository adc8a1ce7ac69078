import type { EmbeddedState } from './supervisor.js';

/** What the health check reads of the embedded server behind a database URL. */
export interface EmbeddedDatabaseStatus {
  state(): EmbeddedState;
}

/** The embedded servers this process runs, by the URL the app connects with (main.ts starts at most one). */
const running = new Map<string, EmbeddedDatabaseStatus>();

export function registerEmbeddedDatabase(url: string, status: EmbeddedDatabaseStatus): () => void {
  running.set(url, status);
  return () => {
    if (running.get(url) === status) running.delete(url);
  };
}

/** The embedded server the app at `databaseUrl` runs on, when this process started it. */
export function embeddedDatabaseAt(databaseUrl: string | undefined): EmbeddedDatabaseStatus | undefined {
  return databaseUrl === undefined ? undefined : running.get(databaseUrl);
}
