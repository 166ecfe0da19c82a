// The order EntryTasks keeps among a folder layer's entries written side by side.
import { EntryTasks } from '../../../src/commands/pull/entry-tasks.js';
import { deferred, nextTurn, settlesNow } from '../../support/deferred.js';

/** A task that runs until its `resolve()`. */
const task = deferred;

describe('EntryTasks', () => {
  it('lets an entry start beside tasks on unrelated names', async () => {
    const tasks = new EntryTasks(4);
    const a = task();
    tasks.start('a/x', () => a.promise);
    expect(await settlesNow(tasks.clear('a/y'))).toBe(true);
    expect(await settlesNow(tasks.clear('b'))).toBe(true);
    expect(await settlesNow(tasks.clear('a/xy'))).toBe(true);
    a.resolve();
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
    t.resolve();
    expect(await settlesNow(cleared)).toBe(true);
  });

  it("makes a hard link wait for its source's task", async () => {
    const tasks = new EntryTasks(4);
    const source = task();
    tasks.start('a/source', () => source.promise);
    const cleared = tasks.clear('b/link', 'a/source');
    expect(await settlesNow(cleared)).toBe(false);
    source.resolve();
    expect(await settlesNow(cleared)).toBe(true);
  });

  it('runs at most `limit` tasks at once', async () => {
    const tasks = new EntryTasks(2);
    const [a, b] = [task(), task()];
    tasks.start('a', () => a.promise);
    tasks.start('b', () => b.promise);
    const room = tasks.room();
    expect(await settlesNow(room)).toBe(false);
    b.resolve();
    expect(await settlesNow(room)).toBe(true);
    a.resolve();
    await tasks.idle();
  });

  it('keeps the first failure for the next entry and for settle, after every task ended', async () => {
    const tasks = new EntryTasks(4);
    const [a, b] = [task(), task()];
    tasks.start('a', () => a.promise);
    tasks.start('b', () => b.promise);
    a.reject(new Error('disk full'));
    await nextTurn();
    expect(() => tasks.throwFailure()).toThrow('disk full');
    const settled = tasks.settle();
    expect(await settlesNow(settled)).toBe(false); // b still runs
    b.resolve();
    await expect(settled).rejects.toThrow('disk full');
  });
});
