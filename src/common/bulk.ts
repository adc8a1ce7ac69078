/** A per-item failure of a bulk route whose message is for the client (Fides' `{"succeeded": [...], "failed": [...]}`). */
export class BulkItemError extends Error {}

export interface BulkOutcome<T, I> {
  succeeded: T[];
  failed: { message: string; input: I }[];
}

/**
 * Fides' bulk routes: each item on its own, in order, so one item's failure is reported with its message and the next
 * item goes on. `failureMessage` turns whatever an item threw into the client's text.
 */
export async function eachItem<T, I>(
  inputs: I[],
  work: (input: I) => Promise<T>,
  failureMessage: (error: unknown, input: I) => string,
): Promise<BulkOutcome<T, I>> {
  const outcome: BulkOutcome<T, I> = { succeeded: [], failed: [] };
  for (const input of inputs) {
    try {
      outcome.succeeded.push(await work(input));
    } catch (error) {
      outcome.failed.push({ message: failureMessage(error, input), input });
    }
  }
  return outcome;
}
