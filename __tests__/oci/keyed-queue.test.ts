import { KeyedQueue } from '../../src/oci/keyed-queue.js';

/** A promise settled from outside, to hold a task open. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('KeyedQueue', () => {
  it('runs the tasks of one key one after another, in the order queued', async () => {
    const queue = new KeyedQueue();
    const events: string[] = [];
    const first = gate();
    const a = queue.run('k', async () => {
      events.push('a starts');
      await first.promise;
      events.push('a ends');
      return 'a';
    });
    const b = queue.run('k', async () => {
      events.push('b starts');
      return 'b';
    });
    await Promise.resolve();
    expect(events).toEqual(['a starts']);
    first.open();
    await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
    expect(events).toEqual(['a starts', 'a ends', 'b starts']);
  });

  it('runs the next task after one that failed, and gives each caller its own outcome', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('k', () => Promise.reject(new Error('first failed')));
    const next = queue.run('k', () => Promise.resolve(2));
    await expect(failed).rejects.toThrow('first failed');
    await expect(next).resolves.toBe(2);
  });

  it('lets other keys run while one key waits', async () => {
    const queue = new KeyedQueue();
    const held = gate();
    const slow = queue.run('one', () => held.promise);
    await expect(queue.run('other', () => Promise.resolve('done'))).resolves.toBe('done');
    held.open();
    await slow;
  });

  it('keeps nothing once every task has settled', async () => {
    const queue = new KeyedQueue();
    await Promise.allSettled([
      queue.run('a', () => Promise.resolve()),
      queue.run('a', () => Promise.reject(new Error('x'))),
      queue.run('b', () => Promise.resolve()),
    ]);
    // The clean-up runs one turn after the last task settles.
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.size).toBe(0);
  });
});
