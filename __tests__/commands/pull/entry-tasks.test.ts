// The order EntryTasks keeps among a folder layer's entries written side by side.
import { EntryTasks } from '../../../src/commands/pull/entry-tasks.js';

/** A task that runs until `finish()`. */
function task() {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { promise, finish, fail };
}

/** Whether `promise` settles within the current turn of the event loop. */
async function settlesNow(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('EntryTasks', () => {
  it('lets an entry start beside tasks on unrelated names', async () => {
    const tasks = new EntryTasks(4);
    const a = task();
    tasks.start('a/x', () => a.promise);
    expect(await settlesNow(tasks.clear('a/y'))).toBe(true);
    expect(await settlesNow(tasks.clear('b'))).toBe(true);
    expect(await settlesNow(tasks.clear('a/xy'))).toBe(true);
    a.finish();
    await tasks.settle();
  });

  it.each([
    ['the same name', 'a/x', 'a/x'],
    ['a folder above it', 'a', 'a/x'],
    ['a name below it', 'a/x/deep', 'a/x'],
    ['the layer folder itself', '', 'a/x'],
  ])('makes an entry wait for a task on %s', async (_what, running, entry) => {
    const tasks = new EntryTasks(4);
    const t = task();
    tasks.start(running, () => t.promise);
    const cleared = tasks.clear(entry);
    expect(await settlesNow(cleared)).toBe(false);
    t.finish();
    expect(await settlesNow(cleared)).toBe(true);
  });

  it("makes a hard link wait for its source's task", async () => {
    const tasks = new EntryTasks(4);
    const source = task();
    tasks.start('a/source', () => source.promise);
    const cleared = tasks.clear('b/link', 'a/source');
    expect(await settlesNow(cleared)).toBe(false);
    source.finish();
    expect(await settlesNow(cleared)).toBe(true);
  });

  it('runs at most `limit` tasks at once', async () => {
    const tasks = new EntryTasks(2);
    const [a, b] = [task(), task()];
    tasks.start('a', () => a.promise);
    tasks.start('b', () => b.promise);
    const room = tasks.room();
    expect(await settlesNow(room)).toBe(false);
    b.finish();
    expect(await settlesNow(room)).toBe(true);
    a.finish();
    await tasks.idle();
  });

  it('keeps the first failure for the next entry and for settle, after every task ended', async () => {
    const tasks = new EntryTasks(4);
    const [a, b] = [task(), task()];
    tasks.start('a', () => a.promise);
    tasks.start('b', () => b.promise);
    a.fail(new Error('disk full'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => tasks.throwFailure()).toThrow('disk full');
    const settled = tasks.settle();
    expect(await settlesNow(settled)).toBe(false); // b still runs
    b.finish();
    await expect(settled).rejects.toThrow('disk full');
  });
});
