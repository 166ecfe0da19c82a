// The file-system work of a folder layer's small files, run beside the next entries' instead of
// one after another: a tar is read in order, but the open of one file need not wait for the
// close of the one before. What must keep tar's order is kept: an entry waits for every task
// still running on its own name, on a folder above it or on a name below it (a later entry
// replaces an earlier one, and a file is never written where a folder of it is still being
// made), and a hard link waits for its source.

/** Names are the entry's segments joined with `/`; '' is the layer folder itself. */
const related = (a: string, b: string): boolean =>
  a === b || a === '' || b === '' || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

export class EntryTasks {
  private readonly running = new Map<Promise<void>, string>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  /** Waits until no task runs on a name related to `name` (or to `source`, a link's). */
  async clear(name: string, source?: string): Promise<void> {
    for (;;) {
      const blocking = [...this.running]
        .filter(([, key]) => related(key, name) || (source !== undefined && key === source))
        .map(([task]) => task);
      if (blocking.length === 0) return;
      await Promise.all(blocking);
    }
  }

  /** Waits until fewer than `limit` tasks run. */
  async room(): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running.keys());
  }

  /** Runs `task` on `name` in the background; its failure is kept for throwFailure(). */
  start(name: string, task: Promise<void>): void {
    const tracked: Promise<void> = task
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(tracked));
    this.running.set(tracked, name);
  }

  /** Throws the first failure of a task, if any. */
  throwFailure(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits for every task, failed or not. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.keys());
  }

  /** Waits for every task; throws the first failure. */
  async settle(): Promise<void> {
    await this.idle();
    this.throwFailure();
  }
}
