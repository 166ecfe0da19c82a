// Read-modify-write cycles on one shared thing (a layout's index.json, a subject's referrers
// index) must not overlap inside this process: each waits for the one before it on the same key,
// whether that one succeeded or failed. Different keys run side by side.

export class KeyedQueue {
  /** The last task queued per key, settled either way; removed once nothing waits behind it. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` after every task queued before it on `key`; its own result or error. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task queued or running (for tests: nothing is kept once all settle). */
  get size(): number {
    return this.tails.size;
  }
}
