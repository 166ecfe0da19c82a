import { formatBytes, formatRate } from '../../src/commands/format.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [10 * 1024 * 1024, '10 MiB'],
    [1024 ** 3, '1.0 GiB'],
  ])('%d bytes → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatRate', () => {
  it('gives bytes per second', () => {
    expect(formatRate(20 * 1024 * 1024, 2000)).toBe('10 MiB/s');
  });
  it('is empty when no time has passed', () => {
    expect(formatRate(5, 0)).toBe('');
  });
});
