// The connections of a pull: `concurrency` of them, shared by every layer. Each layer holds one
// while it downloads; a layer split in parts (download-parts) takes more for its other parts
// when some are free, now or as they come free, and gives them back between two parts as soon as
// a layer waits for one. So however the blobs are split, a pull never has more than
// `concurrency` blob downloads on the wire at once.
import type { ConnectionBudget } from '../../oci/target.js';

export class TransferSlots implements ConnectionBudget {
  private free: number;
  private readonly waiting: ((release: () => void) => void)[] = [];
  private listeners = new Set<() => void>();
  private notifying = false;

  constructor(capacity: number) {
    this.free = Math.max(1, Math.floor(capacity));
  }

  /** A slot for a layer: at once when one is free, else as soon as one is given back. */
  take(): Promise<() => void> {
    const release = this.tryTake();
    if (release !== undefined) return Promise.resolve(release);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  tryTake(): (() => void) | undefined {
    if (this.free === 0 || this.waiting.length > 0) return undefined;
    this.free--;
    return this.releaser();
  }

  onFree(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get contended(): boolean {
    return this.waiting.length > 0;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next !== undefined) {
        next(this.releaser());
        return;
      }
      this.free++;
      this.notify();
    };
  }

  /**
   * Tells the parts waiting for a connection, after the current turn: a layer that finished
   * lets the pull start its next layer first, which takes the slot it needs before any extra
   * part can.
   */
  private notify(): void {
    if (this.notifying || this.listeners.size === 0) return;
    this.notifying = true;
    setImmediate(() => {
      this.notifying = false;
      const listeners = [...this.listeners];
      this.listeners.clear();
      for (const listener of listeners) {
        if (this.free === 0) {
          this.listeners.add(listener);
          continue;
        }
        listener();
      }
    });
  }
}
