import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestBytes, digestFile, SizeCheckingStream } from '../../src/oci/digest.js';
import { makeTempDir } from '../support/temp.js';

const drain = async (source: Readable, check: SizeCheckingStream): Promise<number> => {
  let total = 0;
  await pipeline(source, check, async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) total += chunk.length;
  });
  return total;
};

describe('digestFile', () => {
  it('hashes a file larger than its read buffer exactly as hashing the bytes at once', async () => {
    const dir = await makeTempDir();
    try {
      const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 'oci');
      const path = join(dir.path, 'f');
      await writeFile(path, bytes);
      expect(await digestFile(path)).toEqual({ digest: digestBytes(bytes), size: bytes.length });
    } finally {
      await dir.remove();
    }
  });
});

describe('SizeCheckingStream', () => {
  it('passes exactly the expected number of bytes through', async () => {
    const source = Readable.from([Buffer.alloc(10), Buffer.alloc(5)]);
    expect(await drain(source, new SizeCheckingStream(15, 'upload x'))).toBe(15);
  });

  it('fails when the source is shorter than expected, saying the file may have changed', async () => {
    const source = Readable.from([Buffer.alloc(10)]);
    await expect(drain(source, new SizeCheckingStream(15, 'upload x'))).rejects.toMatchObject({
      code: 'SIZE_MISMATCH',
      message: 'upload x: 10 bytes, expected 15 (did the file change?)',
    });
  });

  it('fails as soon as the source grows past the expected size', async () => {
    const source = Readable.from([Buffer.alloc(10), Buffer.alloc(10)]);
    await expect(drain(source, new SizeCheckingStream(15, 'upload x'))).rejects.toMatchObject({
      code: 'SIZE_MISMATCH',
      message: 'upload x: more than the expected 15 bytes',
    });
  });
});
