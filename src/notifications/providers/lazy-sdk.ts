/**
 * A provider SDK loaded on its first use (a send, a webhook's signature check) and kept: start-up, and a process that
 * never uses the provider, do not pay for loading it (issue 20: the SDKs were about 15% of start-up's CPU). A failed
 * load is tried again on the next use.
 */
export function lazySdk<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
