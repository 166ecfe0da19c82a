import { parseByteSize } from '../../src/action/inputs/byte-size.js';

describe('parseByteSize (unpack-limit)', () => {
  it.each<[string, number]>([
    ['1000000', 1_000_000],
    ['500MiB', 500 * 2 ** 20],
    ['2 GiB', 2 * 2 ** 30],
    ['1.5GB', 1_500_000_000],
    ['10kb', 10_000],
    ['3 KiB', 3072],
    ['1TiB', 2 ** 40],
    ['7B', 7],
    ['1.5', 1],
  ])('reads %s as %d bytes', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each(['', 'lots', '0', '0.5', '-1', '5 M', '1e9', '2 GiBs', '1,000', '9999999 TiB'])(
    'refuses %j',
    (text) => {
      expect(parseByteSize(text)).toBeUndefined();
    },
  );
});
