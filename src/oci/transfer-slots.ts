// The scheduler of transfers: at most `ceiling` at once, of which at most
// largeTransferLimit(ceiling) large. Small transfers are latency-bound and take any free slot;
// large ones are bandwidth-bound and keep to their share, so a queue of big blobs never holds the
// small ones back, nor do many small ones split the link among too many big ones.
import { isSmallBlob, largeTransferLimit } from './transfer-policy.js';

interface Waiter {
  order: number;
  go: () => void;
}

export class TransferSlots {
  readonly ceiling: number;
  readonly largeLimit: number;
  private running = 0;
  private runningLarge = 0;
  private arrivals = 0;
  private readonly waitingSmall: Waiter[] = [];
  private readonly waitingLarge: Waiter[] = [];

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
      this.running--;
      if (large) this.runningLarge--;
      this.handOver();
    }
  }

  private fits(large: boolean): boolean {
    return this.running < this.ceiling && (!large || this.runningLarge < this.largeLimit);
  }

  private take(large: boolean): void {
    this.running++;
    if (large) this.runningLarge++;
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
}
