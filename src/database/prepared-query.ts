import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs one statement as a named prepared statement: PostgreSQL parses and plans it once per connection instead of on
 * every call, which counts for the statements run once or more per message. Inside `manager`'s transaction when it has
 * one, else on a connection of the pool. `name` must always go with the same `text`.
 */
export async function preparedQuery<T>(
  dataSource: DataSource,
  manager: EntityManager | undefined,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const inTransaction = manager?.queryRunner;
  const runner = inTransaction ?? dataSource.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<T & object>({ name, text, values })).rows;
  } finally {
    if (!inTransaction) await runner.release();
  }
}
