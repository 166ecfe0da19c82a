// A registry that answers 429 (too many requests) is slowed down as a whole: one gate per client
// holds every request to it, new ones and retries alike, until the wait is over. Backing off per
// request would let the other requests in flight keep hammering a registry that already said
// stop, and each would wait its own, shorter time.
import { backoffDelay, sleep, type RetryPolicy } from './retry.js';

/** Which closing of the gate a request went through after; a 429 to it escalates only once. */
export type GatePass = number;

/** Time as the gate sees it; tests give their own. */
export interface GateClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: GateClock = { now: () => Date.now(), sleep };

export class BackoffGate {
  private openAt = 0;
  /** Closings so far: requests let through after the last one carry this number. */
  private closings = 0;
  /** 429s in a row, each to a request sent after the gate had closed for the one before. */
  private strikes = 0;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly clock: GateClock = realClock,
  ) {}

  /** Waits while the gate is closed (or until the signal aborts); returns the pass to report back. */
  async pass(signal?: AbortSignal): Promise<GatePass> {
    for (let left = this.left(); left > 0; left = this.left()) {
      await this.clock.sleep(left, signal);
    }
    return this.closings;
  }

  /**
   * A 429 to a request that went through with `pass`. The first such answer since the last
   * closing closes the gate again, one step longer each time (exponential with jitter, or the
   * registry's `Retry-After`, never above the cap). An answer to a request that was already on
   * its way is covered by that closing; only a longer `Retry-After` of its own keeps the gate
   * closed longer. Returns the wait when this answer closed the gate or kept it closed longer.
   */
  refused(pass: GatePass, retryAfterMs: number | undefined): number | undefined {
    const now = this.clock.now();
    if (pass !== this.closings) {
      if (retryAfterMs === undefined) return undefined;
      const wait = Math.min(retryAfterMs, this.policy.maxDelayMs);
      if (now + wait <= this.openAt) return undefined;
      this.openAt = now + wait;
      return wait;
    }
    this.strikes++;
    this.closings++;
    const wait = backoffDelay(this.policy, this.strikes, retryAfterMs);
    this.openAt = Math.max(this.openAt, now + wait);
    return wait;
  }

  /** An answer other than 429 to a request sent after the last closing: the next 429 starts over. */
  accepted(pass: GatePass): void {
    if (pass === this.closings) this.strikes = 0;
  }

  private left(): number {
    return this.openAt - this.clock.now();
  }
}
