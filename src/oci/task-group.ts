// Tasks that run side by side and fail together: the one way this code holds concurrent work
// (transfers through Transfers, which adds the cap; the parts of one download; the file writes of
// an extraction). The first failure aborts the group's signal, with that failure as its reason,
// so the tasks still running can stop early, and no task starts after it. A task started with a
// key runs once in the group's life: a later start with the same key gets the same promise (the
// same blob is never moved twice). settle() waits until nothing runs, then throws the first
// failure, so nothing is still writing when the caller cleans up.

export class TaskGroup {
  /** Aborted at the first failure (or when the outer signal given to the group is). */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private readonly byKey = new Map<string, Promise<unknown>>();
  private failure: { error: unknown } | undefined;

  constructor(outer?: AbortSignal) {
    this.signal = outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal;
  }

  /** Whether a task (or fail()) has failed the group. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Tasks started and not yet settled. */
  get size(): number {
    return this.running.size;
  }

  /**
   * Runs `work` now, or returns the promise of the task started before with the same `key`. After
   * the group failed, `work` does not run: the promise rejects with the first failure. Ignoring
   * the promise is safe: its failure is the group's, thrown by settle().
   */
  start<T>(work: (signal: AbortSignal) => Promise<T>, key?: string): Promise<T> {
    const known = key === undefined ? undefined : this.byKey.get(key);
    if (known !== undefined) return known as Promise<T>;
    let task: Promise<T>;
    if (this.failure !== undefined) task = Promise.reject(this.failure.error);
    else {
      try {
        task = work(this.signal);
      } catch (error) {
        task = Promise.reject(error);
      }
    }
    const tracked: Promise<void> = task
      .then(
        () => undefined,
        (error: unknown) => this.fail(error),
      )
      .then(() => {
        this.running.delete(tracked);
      });
    this.running.add(tracked);
    if (key !== undefined) this.byKey.set(key, task);
    return task;
  }

  /** Fails the group from outside its tasks: the first failure wins, later ones are dropped. */
  fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { error };
    this.controller.abort(error);
  }

  /** Throws the first failure, if any. */
  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }

  /** Waits until fewer than `count` tasks run: back-pressure for whoever starts them. */
  async below(count: number): Promise<void> {
    while (this.running.size >= Math.max(1, count)) await Promise.race(this.running);
  }

  /** Waits until no task runs, those started meanwhile included, failed or not. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /** Waits until no task runs, then throws the first failure, if any. */
  async settle(): Promise<void> {
    await this.idle();
    this.throwIfFailed();
  }
}
