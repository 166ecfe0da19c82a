import { BLOCK_SIZE, encodeHeader, paxRecord } from '../../../src/commands/pack/tar-header.js';

const field = (block: Buffer, offset: number, length: number): string =>
  block
    .subarray(offset, offset + length)
    .toString('utf8')
    .replace(/\0.*$/s, '');

function checksumOk(block: Buffer): boolean {
  const copy = Buffer.from(block);
  copy.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of copy) sum += byte;
  return parseInt(field(block, 148, 8), 8) === sum;
}

describe('tar headers', () => {
  it('writes ustar with uid/gid 0 as digits, no user names and the mode as given', () => {
    const block = encodeHeader({
      name: 'out/run.sh',
      type: 'file',
      mode: 0o4755,
      mtime: 0,
      size: 5,
    });
    expect(block.length).toBe(BLOCK_SIZE);
    expect(field(block, 0, 100)).toBe('out/run.sh');
    expect(field(block, 100, 8)).toBe('0004755');
    expect(field(block, 108, 8)).toBe('0000000');
    expect(field(block, 116, 8)).toBe('0000000');
    expect(field(block, 124, 12)).toBe('00000000005');
    expect(field(block, 136, 12)).toBe('00000000000');
    expect(field(block, 156, 1)).toBe('0');
    expect(field(block, 257, 6)).toBe('ustar');
    expect(field(block, 263, 2)).toBe('00');
    expect(field(block, 265, 32)).toBe('');
    expect(field(block, 297, 32)).toBe('');
    expect(checksumOk(block)).toBe(true);
  });

  it('splits a long ASCII path into prefix and name before resorting to pax', () => {
    const name = `${'a'.repeat(80)}/${'b'.repeat(90)}`;
    const block = encodeHeader({ name, type: 'file', mode: 0o644, mtime: 0, size: 0 });
    expect(block.length).toBe(BLOCK_SIZE);
    expect(field(block, 345, 155)).toBe('a'.repeat(80));
    expect(field(block, 0, 100)).toBe('b'.repeat(90));
  });

  it('adds pax records for a size beyond 8 GiB, a long link target and a non-ASCII name', () => {
    const big = encodeHeader({
      name: 'big.bin',
      type: 'file',
      mode: 0o644,
      mtime: 0,
      size: 2 ** 33,
    });
    expect(big.length).toBe(3 * BLOCK_SIZE);
    expect(field(big, 156, 1)).toBe('x');
    expect(big.subarray(BLOCK_SIZE, 2 * BLOCK_SIZE).toString('utf8')).toContain(
      '19 size=8589934592\n',
    );
    expect(checksumOk(big.subarray(0, BLOCK_SIZE))).toBe(true);
    expect(checksumOk(big.subarray(2 * BLOCK_SIZE))).toBe(true);

    const link = encodeHeader({
      name: 'ünï',
      type: 'symlink',
      mode: 0o777,
      mtime: 0,
      size: 0,
      linkName: 'x'.repeat(120),
    });
    const records = link.subarray(BLOCK_SIZE, 2 * BLOCK_SIZE).toString('utf8');
    expect(records).toContain(' path=ünï\n');
    expect(records).toContain(` linkpath=${'x'.repeat(120)}\n`);
    expect(field(link, 2 * BLOCK_SIZE + 156, 1)).toBe('2');
  });

  it('counts a pax record length including its own digits', () => {
    for (const value of ['', 'x'.repeat(85), 'x'.repeat(86), 'x'.repeat(990), 'é'.repeat(40)]) {
      const record = paxRecord('path', value);
      const length = Number(record.slice(0, record.indexOf(' ')));
      expect(Buffer.byteLength(record)).toBe(length);
    }
  });
});
