// The scheduler's side for downloads in parts (ConnectionBudget): extra slots only from the large
// transfers' share, never one a queued transfer could use, given back once, and listeners told
// after the turn in which a slot came free. (Its run() side: __tests__/oci/transfers.test.ts.)
import { SMALL_BLOB_BYTES } from '../../src/oci/transfer-policy.js';
import { TransferSlots } from '../../src/oci/transfer-slots.js';
import { nextTurn } from '../support/deferred.js';

const SMALL = 4096;
const LARGE = SMALL_BLOB_BYTES;

/** A transfer that holds its slot until the test lets it go; no timing involved. */
function hold(slots: TransferSlots, size: number) {
  let finish!: () => void;
  let started = false;
  const done = slots.run(size, () => {
    started = true;
    return new Promise<void>((resolve) => (finish = resolve));
  });
  return {
    done,
    get started() {
      return started;
    },
    finish: () => finish(),
  };
}

describe('TransferSlots as a connection budget', () => {
  it('gives extra slots only within the large share, beside small transfers', async () => {
    const slots = new TransferSlots(16);
    expect(slots.largeLimit).toBe(5);
    const big = [hold(slots, LARGE), hold(slots, LARGE)];
    const extras = [slots.tryTake(), slots.tryTake(), slots.tryTake()];
    expect(extras.every((release) => release !== undefined)).toBe(true);
    // 5 large now: no more parts, and a large transfer queues, but a small one still starts.
    expect(slots.tryTake()).toBeUndefined();
    const third = hold(slots, LARGE);
    const small = hold(slots, SMALL);
    await nextTurn();
    expect(third.started).toBe(false);
    expect(small.started).toBe(true);
    expect(slots.contended).toBe(true);
    // A part's slot given back goes to the queued transfer.
    extras[0]?.();
    await nextTurn();
    expect(third.started).toBe(true);
    for (const release of extras) release?.();
    for (const transfer of [...big, third, small]) transfer.finish();
    await Promise.all([...big, third, small].map((t) => t.done));
    expect(slots.contended).toBe(false);
  });

  it('never goes past the ceiling, and counts a slot given back twice once', async () => {
    const slots = new TransferSlots(2);
    const first = slots.tryTake();
    const second = slots.tryTake();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(slots.tryTake()).toBeUndefined();
    const small = hold(slots, SMALL);
    await nextTurn();
    expect(small.started).toBe(false);
    first?.();
    first?.();
    await nextTurn();
    expect(small.started).toBe(true);
    // One slot came back, and the small transfer has it.
    expect(slots.tryTake()).toBeUndefined();
    small.finish();
    await small.done;
    const third = slots.tryTake();
    expect(third).toBeDefined();
    second?.();
    third?.();
  });

  it('hands a slot given back to the transfers waiting first, in their order, before any part', async () => {
    const slots = new TransferSlots(1);
    const held = slots.tryTake() as () => void;
    const order: string[] = [];
    const a = slots.run(SMALL, async () => {
      order.push('first');
    });
    const b = slots.run(SMALL, async () => {
      order.push('second');
    });
    expect(slots.contended).toBe(true);
    expect(slots.tryTake()).toBeUndefined();
    held();
    await Promise.all([a, b]);
    expect(order).toEqual(['first', 'second']);
    expect(slots.contended).toBe(false);
  });

  it('tells a download waiting for a slot once, after the turn in which one came free', async () => {
    const slots = new TransferSlots(1);
    const held = slots.tryTake() as () => void;
    let told = 0;
    slots.onFree(() => told++);
    held();
    expect(told).toBe(0); // not in the same turn: a transfer queued next goes first
    await nextTurn();
    expect(told).toBe(1);
    (slots.tryTake() as () => void)();
    await nextTurn();
    expect(told).toBe(1);
  });

  it('keeps a listener waiting while the slot that came free was taken first', async () => {
    const slots = new TransferSlots(1);
    const held = slots.tryTake() as () => void;
    let told = 0;
    slots.onFree(() => told++);
    held();
    const again = slots.tryTake() as () => void; // in the same turn, before the listeners run
    await nextTurn();
    expect(told).toBe(0);
    again();
    await nextTurn();
    expect(told).toBe(1);
  });

  it('stops telling a listener once it was removed', async () => {
    const slots = new TransferSlots(1);
    const held = slots.tryTake() as () => void;
    let told = 0;
    const stop = slots.onFree(() => told++);
    stop();
    held();
    await nextTurn();
    expect(told).toBe(0);
  });
});
