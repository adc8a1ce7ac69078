import { createServer } from 'node:net';
import pg from 'pg';
import { databaseUnreachable } from '../../database/index.js';
import { BatchWriter, type WriteRetry } from './batch-writer.js';

/** The error of a real connection attempt to a port nobody listens on: a database that is not there. */
async function refusedConnection(): Promise<unknown> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'nobody', database: 'nothing' });
  return client.connect().then(
    () => new Error('connected to a closed port'),
    (error: unknown) => error,
  );
}

const quickRetry = (budgetMs = 60_000): WriteRetry => ({ retryable: databaseUnreachable, budgetMs, delayMs: () => 1 });

describe('BatchWriter', () => {
  it('writes alone an item that finds it idle, and together the items that came during a write', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const writer = new BatchWriter<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = writer.add(1);
    const rest = [writer.add(2), writer.add(3), writer.add(4)];
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps batches within the limit', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const writer = new BatchWriter<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    }, 2);
    const all = [1, 2, 3, 4, 5].map((n) => writer.add(n));
    release();
    await Promise.all(all);
    expect(writes).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('fails only the items of the batch whose write failed', async () => {
    let calls = 0;
    let release!: () => void;
    const writer = new BatchWriter<string>(async () => {
      calls++;
      if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
      if (calls === 2) throw new Error('database gone');
    });
    const first = writer.add('a');
    const failing = [writer.add('b'), writer.add('c')];
    release();
    await first;
    for (const item of failing) await expect(item).rejects.toThrow('database gone');
    await expect(writer.add('d')).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });

  it('writes again a batch the database was not there for, with the items that came meanwhile, until it is back', async () => {
    const refused = await refusedConnection();
    const writes: number[][] = [];
    let down = true;
    let added!: () => void;
    const laterAdded = new Promise<void>((resolve) => (added = resolve));
    const writer = new BatchWriter<number>(
      async (items) => {
        writes.push(items);
        if (writes.length === 1) {
          // The database goes while the first batch is written; an item comes during the outage.
          await laterAdded;
          throw refused;
        }
        if (down) {
          down = false;
          throw refused;
        }
      },
      100,
      quickRetry(),
    );
    const first = writer.add(1);
    const later = writer.add(2);
    added();
    await Promise.all([first, later]);
    expect(writes).toEqual([[1], [1, 2], [1, 2]]);
  });

  it('fails at once a write that failed for another reason than the database being unreachable', async () => {
    let calls = 0;
    const writer = new BatchWriter<string>(
      async () => {
        calls++;
        throw Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
      },
      100,
      quickRetry(),
    );
    await expect(writer.add('a')).rejects.toThrow('duplicate key');
    expect(calls).toBe(1);
  });

  it('gives a batch up once its retries have used the budget, and goes on with the next', async () => {
    const refused = await refusedConnection();
    let failing = true;
    const written: string[][] = [];
    const writer = new BatchWriter<string>(
      async (items) => {
        if (failing) throw refused;
        written.push(items);
      },
      100,
      quickRetry(20),
    );
    await expect(writer.add('lost')).rejects.toBe(refused);
    failing = false;
    await writer.add('next');
    expect(written).toEqual([['next']]);
  });

  it('takes a refused or broken connection for an unreachable database, and nothing else', async () => {
    expect(databaseUnreachable(await refusedConnection())).toBe(true);
    expect(databaseUnreachable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(databaseUnreachable(Object.assign(new Error('terminating connection due to unexpected postmaster exit'), { code: '57P01' }))).toBe(true);
    expect(
      databaseUnreachable({ message: 'query failed', driverError: Object.assign(new Error('the database system is starting up'), { code: '57P03' }) }),
    ).toBe(true);
    expect(databaseUnreachable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(databaseUnreachable(new Error('The message could not be rendered.'))).toBe(false);
  });
});
