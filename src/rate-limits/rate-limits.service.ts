import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { KeyRing } from '../common/crypto/index.js';
import { TooManyRequestsError } from '../common/errors/herald.error.js';
import { SETTINGS, type RateLimitSettings, type Settings } from '../config/index.js';
import { preparedQuery } from '../database/index.js';

/** A limit of `settings.rateLimits`, also the bucket's name in the table. */
export type LimitName = Exclude<keyof RateLimitSettings, 'enabled' | 'windowSeconds'>;

/** `cost` points (default 1) against the bucket of `limit` for `subject` (an address, a client id, an identity hash). */
export interface Charge {
  limit: LimitName;
  subject: string;
  cost?: number;
}

/** What a successful charge took, to give back. */
export interface Held {
  keys: string[];
  costs: number[];
  windows: string[];
}

const NOTHING: Held = { keys: [], costs: [], windows: [] };
const CLEANUP_EVERY_MS = 10 * 60_000;

// One statement for every bucket of a call: a fixed window per bucket that starts with its first point, on the
// database's clock so that every instance agrees. Keys come sorted, so concurrent calls lock rows in the same order.
const CHARGE = `
  INSERT INTO rate_limit_bucket AS b (key, points, expires_at)
  SELECT i.key, i.cost, now() + $3 * interval '1 second' FROM unnest($1::varchar[], $2::int[]) AS i(key, cost)
  ON CONFLICT (key) DO UPDATE SET
    points = CASE WHEN b.expires_at <= now() THEN excluded.points ELSE b.points + excluded.points END,
    expires_at = CASE WHEN b.expires_at <= now() THEN excluded.expires_at ELSE b.expires_at END
  RETURNING b.key, b.points, b.expires_at::text AS window_end, greatest(1, ceil(extract(epoch FROM b.expires_at - now())))::int AS retry_after`;

// Only within the window that was charged: a window that ended meanwhile starts again from nothing.
const RELEASE = `
  UPDATE rate_limit_bucket AS b SET points = greatest(b.points - i.cost, 0)
  FROM unnest($1::varchar[], $2::int[], $3::timestamptz[]) AS i(key, cost, window_end)
  WHERE b.key = i.key AND b.expires_at = i.window_end`;

/**
 * Decision D18: rate limits kept in PostgreSQL (table `rate_limit_bucket`), so every Herald process on the database
 * counts in the same buckets. A call's buckets are charged all at once or not at all; a refused call leaves them as
 * they were and is answered 429 with the seconds until the last refusing bucket's window ends. Subjects are stored
 * only as a keyed hash.
 */
@Injectable()
export class RateLimitsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RateLimitsService.name);
  private readonly limits: RateLimitSettings;
  private cleanupTimer?: NodeJS.Timeout;
  private cleanup?: Promise<unknown>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SETTINGS) settings: Settings,
    // Buckets live one window: a key change just starts them again, so only the current key hashes subjects.
    private readonly keys: KeyRing,
  ) {
    this.limits = settings.rateLimits;
  }

  /** Charges every bucket, or throws TooManyRequestsError having charged none. Limits set to 0 are skipped. */
  async charge(charges: Charge[]): Promise<Held> {
    const wanted = new Map<string, { cost: number; limit: number }>();
    for (const { limit, subject, cost = 1 } of charges) {
      const max = this.limits[limit];
      if (!this.limits.enabled || max === 0 || cost <= 0) continue;
      const key = `${limit}:${this.keys.mac('rate-limit', `${limit}:${subject}`, 'base64url')}`;
      const seen = wanted.get(key);
      // One row per key per statement (PostgreSQL refuses to update a row twice in one INSERT ... ON CONFLICT).
      wanted.set(key, { cost: (seen?.cost ?? 0) + cost, limit: max });
    }
    if (wanted.size === 0) return NOTHING;
    const keys = [...wanted.keys()].sort();
    const rows = await preparedQuery<{ key: string; points: number; window_end: string; retry_after: number }>(
      this.dataSource,
      undefined,
      'rate-limit-charge',
      CHARGE,
      [keys, keys.map((k) => wanted.get(k)!.cost), this.limits.windowSeconds],
    );
    const held: Held = { keys: rows.map((r) => r.key), costs: rows.map((r) => wanted.get(r.key)!.cost), windows: rows.map((r) => r.window_end) };
    const over = rows.filter((r) => r.points > wanted.get(r.key)!.limit);
    if (over.length > 0) {
      await this.release(held);
      throw new TooManyRequestsError(Math.max(...over.map((r) => r.retry_after)));
    }
    return held;
  }

  /** Gives a charge back (what was charged, in the window it was charged in). */
  async release(held: Held): Promise<void> {
    if (held.keys.length === 0) return;
    await preparedQuery(this.dataSource, undefined, 'rate-limit-release', RELEASE, [held.keys, held.costs, held.windows]);
  }

  /**
   * Runs `attempt` with the buckets charged first, so that a caller over the limit is refused before anything is
   * checked (a right secret included), and concurrent attempts cannot all slip under it. Only attempts that end in
   * an error `counts` keep their charge.
   */
  async countFailures<T>(charges: Charge[], attempt: () => Promise<T>, counts: (error: unknown) => boolean): Promise<T> {
    const held = await this.charge(charges);
    let result: T;
    try {
      result = await attempt();
    } catch (error) {
      if (!counts(error)) await this.release(held);
      throw error;
    }
    await this.release(held);
    return result;
  }

  /** Deletes the buckets whose window has ended (the next charge would start them again anyway). */
  async deleteExpired(): Promise<number> {
    const [, count] = await this.dataSource.query<[unknown, number]>('DELETE FROM rate_limit_bucket WHERE expires_at <= now()');
    return count;
  }

  onApplicationBootstrap(): void {
    if (!this.limits.enabled) return;
    // Each instance sweeps; the delete is idempotent and cheap with the index on expires_at.
    this.cleanupTimer = setInterval(() => {
      this.cleanup = this.deleteExpired().catch((error: unknown) =>
        this.logger.warn(`expired rate-limit buckets could not be deleted: ${(error as Error).message}`),
      );
    }, CLEANUP_EVERY_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.cleanupTimer);
    await this.cleanup;
  }
}
