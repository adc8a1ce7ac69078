/** When a failed write is tried again rather than failed at once. */
export interface WriteRetry {
  /** Whether the failure may pass (the database was unreachable), as opposed to a fault of the write itself. */
  retryable(error: unknown): boolean;
  /** How long a batch is tried for, from its first failure. */
  budgetMs: number;
  /** The pause before the `n`th retry (1, 2, ...). */
  delayMs(n: number): number;
}

/**
 * Hands items to `write` several at a time: one write at once, and the items added while it runs go together in the
 * next (up to `maxBatch`). Under load that is one statement (and one commit) for many items; alone, an item is written
 * at once. Each `add` settles when its own batch is written, or fails with its batch's error. With `retry`, a batch
 * whose write failed in a way that may pass is written again (the items added meanwhile join it) until it works or
 * the budget is spent: `write` must then be safe to repeat for items it may already have written.
 */
export class BatchWriter<T> {
  private pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 100,
    private readonly retry?: WriteRetry,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      let failingSince: number | undefined;
      for (let retries = 1; ; retries++) {
        try {
          await this.write(batch.map((entry) => entry.item));
          for (const entry of batch) entry.resolve();
          break;
        } catch (error) {
          failingSince ??= Date.now();
          if (!this.retry?.retryable(error) || Date.now() - failingSince >= this.retry.budgetMs) {
            for (const entry of batch) entry.reject(error);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, this.retry!.delayMs(retries)));
          // One statement for all once the database is back.
          batch.push(...this.pending.splice(0, this.maxBatch - batch.length));
        }
      }
    }
    this.writing = false;
  }
}
