// The transfers of one command (push's packing and uploads, pull's downloads, copy's blobs): a
// TaskGroup whose tasks wait for a slot of the scheduler (transfer-slots.ts: at most `ceiling` at
// once, few of them large), fail together, and run once per key. A download in ranged parts takes
// its extra connections from the same slots (`connections`), so nothing widens a command beyond
// its concurrency.
import type { ConnectionBudget } from './target.js';
import { TaskGroup } from './task-group.js';
import { TransferSlots } from './transfer-slots.js';

/** What a transfer's work receives. */
export interface TransferContext {
  /** Aborted at the first failure of any transfer of the group, so the others stop early. */
  signal: AbortSignal;
  /** Slots for the parts of a ranged download beyond its first (see TransferSlots). */
  connections: ConnectionBudget;
}

export class Transfers extends TaskGroup {
  private readonly slots: TransferSlots;

  /** At most `ceiling` (at least 1) transfers at once; `signal` stops them all from outside. */
  constructor(ceiling: number, signal?: AbortSignal) {
    super(signal);
    this.slots = new TransferSlots(ceiling);
  }

  get connections(): ConnectionBudget {
    return this.slots;
  }

  /**
   * Runs `work` once a slot for a transfer of `size` bytes is free (or returns the promise of the
   * transfer started before with the same `key`). A transfer still queued when the group fails
   * never starts.
   */
  transfer<T>(size: number, work: (context: TransferContext) => Promise<T>, key?: string) {
    return this.start(
      () =>
        this.slots.run(size, async () => {
          this.signal.throwIfAborted();
          try {
            return await work({ signal: this.signal, connections: this.slots });
          } catch (error) {
            // Failed before its slot goes to the next in the queue, which then does not start.
            this.fail(error);
            throw error;
          }
        }),
      key,
    );
  }
}

/**
 * `work` on every item as a transfer of `sizeOf(item)` bytes, at most `ceiling` at once; the
 * results keep the order of the items. The first failure stops the others and is thrown once
 * nothing runs any more.
 */
export async function mapTransfers<T, R>(
  items: readonly T[],
  ceiling: number,
  sizeOf: (item: T) => number,
  work: (item: T, context: TransferContext & { index: number }) => Promise<R>,
): Promise<R[]> {
  const transfers = new Transfers(ceiling);
  const results = items.map((item, index) =>
    transfers.transfer(sizeOf(item), (context) => work(item, { ...context, index })),
  );
  await transfers.settle();
  return Promise.all(results);
}
