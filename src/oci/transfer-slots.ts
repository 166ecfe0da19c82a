// The slots behind Transfers (transfers.ts), the scheduler of transfers: at most `ceiling` at
// once, of which at most largeTransferLimit(ceiling) large. Small transfers are latency-bound and
// take any free slot; large ones are bandwidth-bound and keep to their share, so a queue of big
// blobs never holds the small ones back, nor do many small ones split the link among too many big
// ones.
//
// A blob downloaded in ranged parts (download-parts) is the one transfer that wants more than one
// connection: its first part runs in the blob's own slot, and its other parts take extra slots
// through the ConnectionBudget side of this class. An extra part is a large transfer (a part is
// never smaller than a MiB), and it only takes a slot that no queued transfer could use, so the
// parts of a big blob fill what the other transfers leave free, and give it back between two parts
// as soon as a transfer waits.
import type { ConnectionBudget } from './target.js';
import { isSmallBlob, largeTransferLimit } from './transfer-policy.js';

interface Waiter {
  order: number;
  go: () => void;
}

export class TransferSlots implements ConnectionBudget {
  readonly ceiling: number;
  readonly largeLimit: number;
  private running = 0;
  private runningLarge = 0;
  private arrivals = 0;
  private readonly waitingSmall: Waiter[] = [];
  private readonly waitingLarge: Waiter[] = [];
  /** Downloads in parts waiting for a free slot for their next part. */
  private readonly listeners = new Set<() => void>();
  private notifying = false;

  constructor(ceiling: number) {
    this.ceiling = Math.max(1, Math.floor(ceiling) || 1);
    this.largeLimit = largeTransferLimit(this.ceiling);
  }

  /**
   * Runs `task` once a slot for a transfer of `size` bytes is free. Within each kind, tasks start
   * in the order they came.
   */
  async run<T>(size: number, task: () => Promise<T>): Promise<T> {
    const large = !isSmallBlob(size);
    const queue = large ? this.waitingLarge : this.waitingSmall;
    if (queue.length === 0 && this.fits(large)) this.take(large);
    // The slot is taken for the waiter when it is handed over, so the counts never overshoot.
    else await new Promise<void>((go) => queue.push({ order: this.arrivals++, go }));
    try {
      return await task();
    } finally {
      this.give(large);
    }
  }

  /**
   * A slot for one more part of a large blob, when one is free and no queued transfer could take
   * it; undefined otherwise. Call the function returned (once; more calls do nothing) to give it
   * back.
   */
  tryTake(): (() => void) | undefined {
    if (this.contended || !this.fits(true)) return undefined;
    this.take(true);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.give(true);
    };
  }

  /** Calls `listener` once, after the turn in which a slot for a part may have come free. */
  onFree(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Transfers wait for a slot: a part's extra slot goes back at the end of that part. */
  get contended(): boolean {
    return this.waitingSmall.length > 0 || this.waitingLarge.length > 0;
  }

  private fits(large: boolean): boolean {
    return this.running < this.ceiling && (!large || this.runningLarge < this.largeLimit);
  }

  private take(large: boolean): void {
    this.running++;
    if (large) this.runningLarge++;
  }

  private give(large: boolean): void {
    this.running--;
    if (large) this.runningLarge--;
    this.handOver();
    this.notify();
  }

  /** Starts waiters while slots are free: the one that came first among those that fit. */
  private handOver(): void {
    for (;;) {
      const small = this.fits(false) ? this.waitingSmall[0] : undefined;
      const large = this.fits(true) ? this.waitingLarge[0] : undefined;
      const pickLarge = large !== undefined && (small === undefined || large.order < small.order);
      const next = pickLarge ? large : small;
      if (next === undefined) return;
      (pickLarge ? this.waitingLarge : this.waitingSmall).shift();
      this.take(pickLarge);
      next.go();
    }
  }

  /**
   * Tells the downloads waiting for a slot for a part, after the current turn: a transfer that
   * finished lets its caller queue the next one first (a pull that stages its layers one after
   * another), which takes the slot before any extra part can. A listener finding no slot free
   * then stays registered for the next one.
   */
  private notify(): void {
    if (this.notifying || this.listeners.size === 0) return;
    this.notifying = true;
    setImmediate(() => {
      this.notifying = false;
      const listeners = [...this.listeners];
      this.listeners.clear();
      for (const listener of listeners) {
        if (this.contended || !this.fits(true)) {
          this.listeners.add(listener);
          continue;
        }
        listener();
      }
    });
  }
}
