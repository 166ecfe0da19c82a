// The concurrency limiters of the commands: mapLimit for work of one kind, and mapTransfers for
// work whose weight differs by item (push packs and uploads, pull downloads), scheduled by size
// (see src/oci/transfer-slots.ts). A real cap: an item's work starts only once it has a slot,
// unlike Promise.all over work that was already started.
import type { ConnectionBudget } from '../oci/target.js';
import { TransferSlots } from '../oci/transfer-slots.js';

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

/** What each item's work receives from mapTransfers. */
export interface TransferContext extends WorkContext {
  /**
   * The slots every item runs in, for a download in ranged parts to take more of: its parts beyond
   * the first run on slots no waiting item could use (see src/oci/transfer-slots.ts).
   */
  connections: ConnectionBudget;
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

/**
 * mapLimit for transfers: at most `ceiling` items at once, of which only a share may be large
 * (`sizeOf` SMALL_BLOB_BYTES and up), so small ones keep moving beside big ones; an item's extra
 * connections (the parts of a ranged download, through `connections`) count within the same
 * ceiling and share. The same order of results and the same failure rules as mapLimit: after the
 * first failure nothing new starts, the shared signal is aborted, and the failure is thrown once
 * every running item has settled.
 */
export async function mapTransfers<T, R>(
  items: readonly T[],
  ceiling: number,
  sizeOf: (item: T) => number,
  work: (item: T, context: TransferContext) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const controller = new AbortController();
  const slots = new TransferSlots(ceiling);
  let failure: { error: unknown } | undefined;
  // Every item queues for a slot at once; its work starts only when it gets one.
  await Promise.all(
    items.map((item, index) =>
      slots.run(sizeOf(item), async () => {
        if (failure !== undefined) return;
        try {
          results[index] = await work(item, {
            index,
            signal: controller.signal,
            connections: slots,
          });
        } catch (error) {
          if (failure === undefined) {
            failure = { error };
            controller.abort(error);
          }
        }
      }),
    ),
  );
  if (failure !== undefined) throw failure.error;
  return results;
}
