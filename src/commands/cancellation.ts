// Stopping a command from outside (a signal, the `timeout` input): one AbortSignal that every
// transfer listens to, and a way for the few steps that must not stop half-way to finish first.

/**
 * A command's cancellation. `cancel` aborts `signal`, with the reason given, unless an
 * uninterruptible step is running: then the abort waits until the last such step ends. A push
 * writes its manifest that way: once the manifest is sent the registry may have applied it, so
 * the push either tags nothing or finishes the manifest (and its referrers index) and says so.
 */
export class Cancellation {
  private readonly controller = new AbortController();
  private held = 0;
  private pending: { reason: unknown } | undefined;

  /** Aborted once cancelled (and no uninterruptible step runs), with the reason as given. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Cancelled, or asked to be and waiting for an uninterruptible step. */
  get requested(): boolean {
    return this.pending !== undefined || this.signal.aborted;
  }

  cancel(reason: unknown): void {
    if (this.requested) return;
    if (this.held > 0) this.pending = { reason };
    else this.controller.abort(reason);
  }

  /** Throws the reason when cancellation was asked for, even while it waits. */
  throwIfRequested(): void {
    if (this.signal.aborted) throw this.signal.reason;
    if (this.pending !== undefined) throw this.pending.reason;
  }

  /** Runs `step` with the abort held back; a cancel asked meanwhile takes effect after it. */
  async uninterruptible<T>(step: () => Promise<T>): Promise<T> {
    this.held++;
    try {
      return await step();
    } finally {
      this.held--;
      if (this.held === 0 && this.pending !== undefined) {
        const { reason } = this.pending;
        this.pending = undefined;
        this.controller.abort(reason);
      }
    }
  }
}

/**
 * The process's cancellation: the action cancels it on SIGINT, SIGTERM or its `timeout`, and
 * hands its signal to every registry client it opens. One per process, as signals are.
 */
export const processCancellation = new Cancellation();
