/**
 * Suppression checks several at a time: one lookup at once, and the checks asked for while it runs go together in the
 * next (up to `maxBatch`), as BatchWriter does for writes. A batch of deliveries prepared together is then one
 * statement instead of one per message; a check alone runs at once. Each check's lookup starts after it was asked
 * for, so it sees every suppression committed before.
 */
export class SuppressionChecks<Cause> {
  private pending: { hashes: string[]; resolve: (cause: Cause | null) => void; reject: (error: unknown) => void }[] = [];
  private running = false;

  /** `lookUp` answers the cause of each hash that is suppressed, among those given. */
  constructor(
    private readonly lookUp: (hashes: string[]) => Promise<Map<string, Cause>>,
    private readonly maxBatch = 100,
  ) {}

  /** The cause of the first of `hashes` (one recipient's lookup hashes) that is suppressed, or null. */
  check(hashes: string[]): Promise<Cause | null> {
    return new Promise((resolve, reject) => {
      this.pending.push({ hashes, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const causes = await this.lookUp([...new Set(batch.flatMap((entry) => entry.hashes))]);
        for (const entry of batch) {
          const hit = entry.hashes.find((hash) => causes.has(hash));
          entry.resolve(hit === undefined ? null : causes.get(hit)!);
        }
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.running = false;
  }
}
