import type { Pool, PoolClient } from 'pg';
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
  // Outside a transaction, straight on TypeORM's pool: a query runner per statement (create, connect, release) cost
  // more CPU than the statement's own round trip on the hottest reads.
  if (!inTransaction) return (await poolOf(dataSource).query<T & object>({ name, text, values })).rows;
  const client = (await inTransaction.connect()) as PoolClient;
  return (await client.query<T & object>({ name, text, values })).rows;
}

/** The pg pool under TypeORM's PostgreSQL driver (`master`: there are no replicas). */
function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
