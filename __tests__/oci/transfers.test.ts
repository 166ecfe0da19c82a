// The one scheduler of transfers: the ceiling and the large share, parts on the slots nobody
// waits for, failure stopping the rest, and one transfer per key.
import type { ConnectionBudget } from '../../src/oci/target.js';
import { largeTransferLimit, SMALL_BLOB_BYTES } from '../../src/oci/transfer-policy.js';
import { mapTransfers, Transfers } from '../../src/oci/transfers.js';
import { deferred, nextTurn } from '../support/deferred.js';

describe('mapTransfers', () => {
  const SMALL = 4096;
  const LARGE = SMALL_BLOB_BYTES + 1;

  /** Runs items of the given sizes; records how many ran at once, in all and large. */
  function track(sizes: number[]) {
    const gates = sizes.map(() => deferred());
    const started: number[] = [];
    let running = 0;
    let runningLarge = 0;
    const most = { all: 0, large: 0 };
    const done = mapTransfers(
      sizes,
      16,
      (size) => size,
      async (size, { index }) => {
        started.push(index);
        running++;
        if (size === LARGE) runningLarge++;
        most.all = Math.max(most.all, running);
        most.large = Math.max(most.large, runningLarge);
        await gates[index]!.promise;
        running--;
        if (size === LARGE) runningLarge--;
        return index;
      },
    );
    return { gates, started, most, done };
  }

  it('moves up to the ceiling of small blobs at once, but only a share of large ones', async () => {
    const sizes = [...Array<number>(10).fill(LARGE), ...Array<number>(30).fill(SMALL)];
    const run = track(sizes);
    await nextTurn();
    // 5 large (the first ones), and small ones in every other slot, beside the large queue.
    expect(run.started).toEqual([0, 1, 2, 3, 4, ...range(10, 21)]);
    for (let i = 0; i < sizes.length; i++) {
      run.gates[i]!.resolve();
      await nextTurn();
    }
    expect(await run.done).toEqual(sizes.map((_, i) => i));
    expect(run.most).toEqual({ all: 16, large: 5 });
  });

  it('hands a freed slot to the earliest waiter that fits', async () => {
    const sizes = [...Array<number>(16).fill(SMALL), LARGE, SMALL];
    const run = track(sizes);
    await nextTurn();
    expect(run.started).toEqual(range(0, 16));
    run.gates[15]!.resolve();
    await nextTurn();
    // The large one came first and fits (no large running): it goes before the small one.
    expect(run.started.slice(16)).toEqual([16]);
    run.gates[0]!.resolve();
    await nextTurn();
    expect(run.started.slice(16)).toEqual([16, 17]);
    for (const gate of run.gates) gate.resolve();
    await run.done;
  });

  it('keeps large transfers within a ceiling below their share', async () => {
    let running = 0;
    let most = 0;
    await mapTransfers(
      Array<number>(6).fill(LARGE),
      2,
      (size) => size,
      async () => {
        running++;
        most = Math.max(most, running);
        await nextTurn();
        running--;
      },
    );
    expect(most).toBe(2);
  });

  it("gives an item's extra connections only the slots no waiting item could use, within the large share", async () => {
    const sizes = [LARGE, LARGE, ...Array<number>(20).fill(SMALL)];
    const gates = sizes.map(() => deferred());
    const started: number[] = [];
    let budget: ConnectionBudget | undefined;
    const done = mapTransfers(
      sizes,
      16,
      (size) => size,
      async (_, { index, connections }) => {
        started.push(index);
        if (index === 0) budget = connections;
        await gates[index]!.promise;
      },
    );
    await nextTurn();
    expect(started).toEqual(range(0, 16));
    // Every slot is taken and six small items wait: nothing for a part.
    expect(budget!.contended).toBe(true);
    expect(budget!.tryTake()).toBeUndefined();
    for (let i = 2; i < sizes.length; i++) {
      gates[i]!.resolve();
      await nextTurn();
    }
    expect(started).toHaveLength(sizes.length);
    expect(budget!.contended).toBe(false);
    // The small ones are done; two large run: three more large slots for parts, then none.
    const extras = [budget!.tryTake(), budget!.tryTake(), budget!.tryTake(), budget!.tryTake()];
    expect(extras.map((release) => release !== undefined)).toEqual([true, true, true, false]);
    for (const release of extras) release?.();
    gates[0]!.resolve();
    gates[1]!.resolve();
    await done;
  });

  it('starts nothing new after a failure and throws it once the running ones settle', async () => {
    const sizes = Array<number>(20).fill(SMALL);
    const failure = new Error('first failed');
    const run = track(sizes);
    await nextTurn();
    run.gates[0]!.reject(failure);
    await nextTurn();
    for (const gate of run.gates.slice(1)) gate.resolve();
    await expect(run.done).rejects.toBe(failure);
    expect(run.started).toEqual(range(0, 16));
  });
});

describe('Transfers', () => {
  it("moves a key once: a second transfer with it gets the first one's promise", async () => {
    const transfers = new Transfers(4);
    const gate = deferred();
    let runs = 0;
    const work = async () => {
      runs++;
      await gate.promise;
      return 'moved';
    };
    const first = transfers.transfer(1, work, 'sha256:a');
    const second = transfers.transfer(1, work, 'sha256:a');
    expect(second).toBe(first);
    gate.resolve();
    await transfers.settle();
    // Also once finished: the group remembers every key for its life.
    expect(await transfers.transfer(1, work, 'sha256:a')).toBe('moved');
    expect(runs).toBe(1);
  });

  it("gives the work the group's signal, which the outer signal aborts too", async () => {
    const outer = new AbortController();
    const transfers = new Transfers(2, outer.signal);
    const seen: AbortSignal[] = [];
    const running = transfers.transfer(1, ({ signal }) => {
      seen.push(signal);
      return new Promise<void>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason as Error)),
      );
    });
    await nextTurn();
    const reason = new Error('cancelled');
    outer.abort(reason);
    await expect(running).rejects.toBe(reason);
    await expect(transfers.settle()).rejects.toBe(reason);
    expect(seen[0]!.aborted).toBe(true);
  });
});

describe('largeTransferLimit', () => {
  it('is 5 within the ceiling, or a third of a ceiling raised past 15', () => {
    expect([1, 2, 5, 16, 20, 30, 64].map(largeTransferLimit)).toEqual([1, 2, 5, 5, 6, 10, 21]);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
