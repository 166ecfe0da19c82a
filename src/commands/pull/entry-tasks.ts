// The file-system work of a folder layer's small files, run beside the next entries' instead of
// one after another: a tar is read in order, but the open of one file need not wait for the
// close of the one before. What must keep tar's order is kept: an entry waits for every task
// still running on its own name, on a folder above it or on a name below it (a later entry
// replaces an earlier one, and a file is never written where a folder of it is still being
// made), and a hard link waits for its source.

import { TaskGroup } from '../../oci/task-group.js';

/** Names are the entry's segments joined with `/`; '' is the layer folder itself. */
const related = (a: string, b: string): boolean =>
  a === b || a === '' || b === '' || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

export class EntryTasks {
  private readonly tasks = new TaskGroup();
  /** The name each running task writes. */
  private readonly names = new Map<Promise<void>, string>();

  constructor(private readonly limit: number) {}

  /** Waits until no task runs on a name related to `name` (or to `source`, a link's). */
  async clear(name: string, source?: string): Promise<void> {
    for (;;) {
      const blocking = [...this.names]
        .filter(([, key]) => related(key, name) || (source !== undefined && key === source))
        .map(([task]) => task);
      if (blocking.length === 0) return;
      await Promise.allSettled(blocking);
    }
  }

  /** Waits until fewer than `limit` tasks run. */
  room(): Promise<void> {
    return this.tasks.below(this.limit);
  }

  /** Runs `work` on `name` in the background; its failure is kept for throwFailure(). */
  start(name: string, work: () => Promise<void>): void {
    const task = this.tasks.start(work);
    this.names.set(task, name);
    const done = (): void => {
      this.names.delete(task);
    };
    task.then(done, done);
  }

  /** Throws the first failure of a task, if any. */
  throwFailure(): void {
    this.tasks.throwIfFailed();
  }

  /** Waits for every task, failed or not. */
  idle(): Promise<void> {
    return this.tasks.idle();
  }

  /** Waits for every task; throws the first failure. */
  settle(): Promise<void> {
    return this.tasks.settle();
  }
}
