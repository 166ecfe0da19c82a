// The clock of one request: a connection must be up (TCP and TLS) within its wait, the body must
// keep moving while it is sent, the answer must come within its wait once the request is sent,
// and the answer's body must keep moving while it is received. "Moving" is two checks, as curl's: no byte at all for
// `stallMs` is a stall; fewer than `lowSpeedBytesPerSecond` on average over a whole window of
// `lowSpeedWindowMs` is too slow. Time during which *we* hold the download back (the reader is
// busy writing to disk) does not count: only time the network could have moved bytes does.
import { TransferTimeoutError, type Direction } from './timeout-error.js';

export interface WatchLimits {
  /** From the request handed to the pool to its connection being ready (0 when reused). */
  readonly connectMs: number;
  /** The wait for the answer once the request is sent (may grow with an upload's size). */
  readonly answerMs: number;
  readonly stallMs: number;
  readonly lowSpeedBytesPerSecond: number;
  readonly lowSpeedWindowMs: number;
}

/** Time and a repeating tick; injectable so the checks can be tested without waiting. */
export interface WatchClock {
  now(): number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const realClock: WatchClock = {
  now: () => performance.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    // The request's socket keeps the process alive while it matters; the tick never should.
    timer.unref();
    return () => clearInterval(timer);
  },
};

type Phase = 'idle' | 'connecting' | 'sending' | 'waiting' | 'receiving' | 'done';

export class TransferWatchdog {
  private phase: Phase = 'idle';
  /** Milliseconds in the current phase during which bytes could move (pauses left out). */
  private active = 0;
  private accountedAt = 0;
  private paused = false;
  private lastMoveAt = 0;
  private windowStart = 0;
  private windowBytes = 0;
  /** When the current wait (connecting, or waiting for the answer) began. */
  private waitingSince = 0;
  private stopTicking: (() => void) | undefined;

  constructor(
    private readonly limits: WatchLimits,
    /** `host:port`, for the error. */
    private readonly host: string,
    private readonly onTimeout: (error: TransferTimeoutError) => void,
    private readonly clock: WatchClock = realClock,
  ) {}

  /** The request is handed over: a connection is being made (or a kept one taken). */
  connecting(): void {
    if (this.phase !== 'idle') return;
    this.enter('connecting');
    this.waitingSince = this.clock.now();
    this.startTicking();
  }

  /** The connection is up and the request is being written. */
  sending(): void {
    if (this.phase === 'done') return;
    this.enter('sending');
    this.startTicking();
  }

  /** Bytes went out (request body) or came in (response body). */
  moved(bytes: number): void {
    this.account();
    this.lastMoveAt = this.active;
    this.windowBytes += bytes;
  }

  /** The whole request is written: the wait for the answer starts. */
  sent(): void {
    if (this.phase !== 'sending') return;
    this.enter('waiting');
    this.waitingSince = this.clock.now();
  }

  /** The answer's headers arrived: its body follows. */
  receiving(): void {
    this.enter('receiving');
  }

  /** The reader holds the download back: the clocks stop. */
  pause(): void {
    this.account();
    this.paused = true;
  }

  resume(): void {
    this.account();
    this.paused = false;
  }

  private startTicking(): void {
    const { connectMs, answerMs, stallMs, lowSpeedWindowMs } = this.limits;
    const shortest = Math.min(connectMs, answerMs, stallMs, lowSpeedWindowMs);
    // A tenth of the shortest limit: a deadline is seen at most 10 % late.
    this.stopTicking ??= this.clock.every(Math.min(1000, Math.max(5, shortest / 10)), () =>
      this.check(),
    );
  }

  stop(): void {
    this.phase = 'done';
    this.stopTicking?.();
    this.stopTicking = undefined;
  }

  /** Runs on every tick; public so tests can drive it with their own clock. */
  check(): void {
    this.account();
    if (this.phase === 'connecting') {
      if (this.clock.now() - this.waitingSince >= this.limits.connectMs) {
        this.fire({ kind: 'connect', afterMs: this.limits.connectMs });
      }
      return;
    }
    if (this.phase === 'waiting') {
      const waited = this.clock.now() - this.waitingSince;
      if (waited >= this.limits.answerMs) {
        this.fire({ kind: 'answer', afterMs: this.limits.answerMs });
      }
      return;
    }
    if ((this.phase !== 'sending' && this.phase !== 'receiving') || this.paused) return;
    const direction: Direction = this.phase === 'sending' ? 'upload' : 'download';
    const still = this.active - this.lastMoveAt;
    // Errors say the limit that was passed (the tick may see it a little late).
    if (still >= this.limits.stallMs) {
      this.fire({ kind: 'stall', direction, afterMs: this.limits.stallMs });
      return;
    }
    const span = this.active - this.windowStart;
    if (span < this.limits.lowSpeedWindowMs) return;
    const minimum = (this.limits.lowSpeedBytesPerSecond * span) / 1000;
    if (this.windowBytes < minimum) {
      this.fire({
        kind: 'low-speed',
        direction,
        afterMs: this.limits.lowSpeedWindowMs,
        moved: this.windowBytes,
        minimumBytesPerSecond: this.limits.lowSpeedBytesPerSecond,
      });
      return;
    }
    this.windowStart = this.active;
    this.windowBytes = 0;
  }

  private fire(detail: ConstructorParameters<typeof TransferTimeoutError>[1]): void {
    this.stop();
    this.onTimeout(new TransferTimeoutError(this.host, detail));
  }

  private account(): void {
    const now = this.clock.now();
    if (!this.paused && (this.phase === 'sending' || this.phase === 'receiving')) {
      this.active += now - this.accountedAt;
    }
    this.accountedAt = now;
  }

  private enter(phase: Phase): void {
    if (this.phase === 'done') return;
    this.account();
    this.phase = phase;
    this.active = 0;
    this.lastMoveAt = 0;
    this.windowStart = 0;
    this.windowBytes = 0;
    this.paused = false;
  }
}
