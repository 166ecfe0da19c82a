// How many parts a blob is downloaded in (download-parts).
import {
  AUTO_MIN_SIZE,
  AUTO_PART_SIZE,
  partsFor,
} from '../../../src/commands/pull/download-parts.js';

const MiB = 1024 * 1024;

describe('partsFor', () => {
  it('keeps a number given as it is', () => {
    expect(partsFor(10, 4, 5)).toBe(4);
    expect(partsFor(10 * 1024 * MiB, 1, 5)).toBe(1);
    expect(partsFor(10 * 1024 * MiB, 12, 5)).toBe(12);
  });

  it('auto: one stream below the threshold, then as many parts as a blob may have connections, none too small', () => {
    expect(partsFor(AUTO_MIN_SIZE - 1, 'auto', 5)).toBe(1);
    expect(partsFor(AUTO_MIN_SIZE, 'auto', 5)).toBe(AUTO_MIN_SIZE / AUTO_PART_SIZE);
    expect(partsFor(1024 * MiB, 'auto', 5)).toBe(5);
    expect(partsFor(1024 * MiB, 'auto', 21)).toBe(21);
    expect(partsFor(1024 * MiB, 'auto', 1)).toBe(1);
  });
});
