import pg from 'pg';

/**
 * Waits until the PostgreSQL at `url` accepts a connection, for at most `seconds`, saying so once a second on
 * `report` (without the URL: it may hold a password). Throws one plain error when the time is up, so that start-up
 * ends with one line instead of TypeORM's retries and their stack traces.
 */
export async function waitForDatabase(url: string, seconds: number, report: (line: string) => void): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      if (Date.now() >= deadline) throw new Error(`PostgreSQL at DATABASE_URL did not answer: ${reason}`);
      if (attempt === 1) report(`Waiting up to ${seconds} s for PostgreSQL at DATABASE_URL (${reason})`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
