import { mapLimit } from '../../src/commands/concurrency.js';

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
    const done = mapLimit(gates, 3, async (gate, { index }) => {
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

  it('runs one at a time when the limit is below 1', async () => {
    let running = 0;
    let most = 0;
    await mapLimit([1, 2, 3], 0, async () => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
    });
    expect(most).toBe(1);
  });

  it('starts nothing new after a failure, aborts the running ones, and throws it once they settle', async () => {
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    const signals: AbortSignal[] = [];
    let settledAfterFailure = false;
    const failure = new Error('first failed');
    const done = mapLimit(gates, 2, async (gate, { index, signal }) => {
      started.push(index);
      signals.push(signal);
      try {
        await gate.promise;
      } finally {
        if (index === 1) settledAfterFailure = true;
      }
    });
    await tick();
    gates[0]!.reject(failure);
    await tick();
    // The second is still running: told to stop, and awaited before the failure is thrown.
    expect(signals[1]!.aborted).toBe(true);
    expect(signals[1]!.reason).toBe(failure);
    expect(settledAfterFailure).toBe(false);
    gates[1]!.resolve();
    await expect(done).rejects.toBe(failure);
    expect(settledAfterFailure).toBe(true);
    expect(started).toEqual([0, 1]);
  });

  it('returns an empty array for no items', async () => {
    expect(await mapLimit([], 5, () => Promise.reject(new Error('never called')))).toEqual([]);
  });
});
