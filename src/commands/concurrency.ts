// The one concurrency limiter of the commands (push packs and uploads, pull downloads with it).
// A real cap: each worker starts its next item only once its last one has settled, unlike
// Promise.all over work that was already started.

/** What each item's work receives. */
export interface WorkContext {
  /** The item's position in the input. */
  index: number;
  /**
   * Aborted at the first failure of any item, with that failure as its reason, so the work still
   * running can stop early (an upload or download in flight) instead of running to its end.
   */
  signal: AbortSignal;
}

/**
 * Runs `work` on every item with at most `limit` (at least 1) running at once; the results keep
 * the order of the items. After the first failure no new item starts and the shared signal is
 * aborted; that failure is thrown once every running item has settled, so nothing is still
 * writing when the caller cleans up.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, context: WorkContext) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const controller = new AbortController();
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, { index, signal: controller.signal });
      } catch (error) {
        if (failure === undefined) {
          failure = { error };
          controller.abort(error);
        }
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
