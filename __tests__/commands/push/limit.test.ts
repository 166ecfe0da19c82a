import { mapLimit } from '../../../src/commands/pack/limit.js';

/** A promise that the test settles by hand, so no timing is involved. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapLimit', () => {
  it('never runs more than the limit at once and keeps the order of results', async () => {
    const gates = Array.from({ length: 7 }, deferred);
    let running = 0;
    let most = 0;
    const done = mapLimit(gates, 3, async (gate, index) => {
      running++;
      most = Math.max(most, running);
      await gate.promise;
      running--;
      return index * 10;
    });
    await tick();
    expect(running).toBe(3);
    for (const gate of [...gates].reverse()) {
      gate.resolve();
      await tick();
    }
    expect(await done).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(most).toBe(3);
  });

  it('starts nothing new after a failure and throws it once the running ones settle', async () => {
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    const done = mapLimit(gates, 2, async (gate, index) => {
      started.push(index);
      await gate.promise;
    });
    await tick();
    gates[0]!.reject(new Error('first failed'));
    await tick();
    gates[1]!.resolve();
    await expect(done).rejects.toThrow('first failed');
    expect(started).toEqual([0, 1]);
  });
});
