// The pull's connections (TransferSlots) and how many parts a blob is downloaded in.
import {
  AUTO_MIN_SIZE,
  AUTO_PART_SIZE,
  partsFor,
} from '../../../src/commands/pull/download-parts.js';
import { TransferSlots } from '../../../src/commands/pull/transfer-slots.js';

const MiB = 1024 * 1024;

describe('partsFor', () => {
  it('keeps a number given as it is', () => {
    expect(partsFor(10, 4, 5)).toBe(4);
    expect(partsFor(10 * 1024 * MiB, 1, 5)).toBe(1);
  });

  it('auto: one stream below the threshold, then as many parts as connections, none too small', () => {
    expect(partsFor(AUTO_MIN_SIZE - 1, 'auto', 5)).toBe(1);
    expect(partsFor(AUTO_MIN_SIZE, 'auto', 5)).toBe(AUTO_MIN_SIZE / AUTO_PART_SIZE);
    expect(partsFor(1024 * MiB, 'auto', 5)).toBe(5);
    expect(partsFor(1024 * MiB, 'auto', 16)).toBe(16);
    expect(partsFor(1024 * MiB, 'auto', 1)).toBe(1);
  });
});

describe('TransferSlots', () => {
  it('gives out as many slots as it has, and takes them back once each', () => {
    const slots = new TransferSlots(2);
    const a = slots.tryTake();
    const b = slots.tryTake();
    expect([a, b].every((release) => release !== undefined)).toBe(true);
    expect(slots.tryTake()).toBeUndefined();
    a?.();
    a?.(); // twice counts once
    const c = slots.tryTake();
    expect(c).toBeDefined();
    expect(slots.tryTake()).toBeUndefined();
  });

  it('hands a slot given back to the one waiting first, before any extra part', async () => {
    const slots = new TransferSlots(1);
    const held = slots.tryTake()!;
    const order: string[] = [];
    void slots.take().then((release) => {
      order.push('first');
      release();
    });
    void slots.take().then(() => order.push('second'));
    expect(slots.contended).toBe(true);
    // A waiting layer goes before a part that asks now.
    expect(slots.tryTake()).toBeUndefined();
    held();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['first', 'second']);
    expect(slots.contended).toBe(false);
  });

  it('tells parts waiting for a connection when one comes free, once, after the turn', async () => {
    const slots = new TransferSlots(1);
    const held = slots.tryTake()!;
    let told = 0;
    slots.onFree(() => told++);
    held();
    expect(told).toBe(0); // not in the same turn: a layer starting next goes first
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toBe(1);
    slots.tryTake()!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toBe(1);
  });

  it('keeps listeners waiting while the slot that came free was taken first', async () => {
    const slots = new TransferSlots(1);
    const held = slots.tryTake()!;
    let told = 0;
    slots.onFree(() => told++);
    held();
    const again = slots.tryTake()!; // taken in the same turn, before the listeners run
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toBe(0);
    again();
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toBe(1);
  });
});
