// Parallel deflate is reproducible: the gzip of a folder depends on its bytes and the level only,
// never on how many blocks are deflated at once or on how the input arrived, and is pinned by golden
// digests (see gzip-samples.ts).
import { execFileSync } from 'node:child_process';
import { readFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { packFolder } from '../../../src/commands/pack/folder-layer.js';
import { walkFolder } from '../../../src/commands/pack/folder-walk.js';
import { BLOCK_SIZE, ParallelGzip } from '../../../src/commands/pack/gzip.js';
import { digestBytes } from '../../../src/oci/digest.js';
import { makeTempDir } from '../../support/temp.js';
import { GOLDEN_FOLDER, GOLDEN_GZIP, sampleBytes, writeSampleFolder } from './gzip-samples.js';

async function gzip(input: Buffer, level: number, parallelism: number, piece: number) {
  const out: Buffer[] = [];
  const pieces: Buffer[] = [];
  for (let i = 0; i < input.length; i += piece) pieces.push(input.subarray(i, i + piece));
  await pipeline(
    Readable.from(pieces),
    new ParallelGzip(level, parallelism),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('parallel gzip', () => {
  const input = sampleBytes();

  it.each([0, 1, 6, 9])(
    'level %i: the same bytes 1, 2 or 3 blocks at once and in any input pieces, and its golden digest',
    async (level) => {
      const reference = await gzip(input, level, 1, input.length);
      for (const [workers, piece] of [
        [2, 1000],
        [3, 777 * 1024],
        [2, BLOCK_SIZE],
        [1, 65536],
      ] as const) {
        expect((await gzip(input, level, workers, piece)).equals(reference)).toBe(true);
      }
      expect(gunzipSync(reference).equals(input)).toBe(true);
      expect(digestBytes(reference)).toBe(GOLDEN_GZIP[level]);
    },
  );

  it('is valid gzip for other tools, whatever the input length at the block cuts', async () => {
    const dir = await makeTempDir('oci-gzip-');
    try {
      for (const length of [0, 1, BLOCK_SIZE - 1, BLOCK_SIZE, BLOCK_SIZE + 1, 2 * BLOCK_SIZE]) {
        const bytes = input.subarray(0, length);
        const gz = await gzip(bytes, 6, 2, 4096);
        const file = join(dir.path, `${length}.gz`);
        await writeFile(file, gz);
        // GNU gzip reads it back (and checks the CRC and length of the trailer).
        expect(
          execFileSync('gzip', ['-dc', file], { maxBuffer: 16 * BLOCK_SIZE }).equals(bytes),
        ).toBe(true);
      }
    } finally {
      await dir.remove();
    }
  });

  it('packs a folder to the same golden layer digest however many blocks are deflated at once', async () => {
    const dir = await makeTempDir('oci-gzip-folder-');
    try {
      const root = await writeSampleFolder(dir.path);
      const items = await walkFolder({
        root,
        realRoot: await realpath(root),
        title: 'site',
        excludes: [],
        includeHiddenFiles: false,
        blame: { input: 'files', given: 'site' },
        mtime: 0,
      });
      const digests = new Set<string>();
      for (const workers of [1, 3]) {
        const packed = await packFolder(items, join(dir.path, `${workers}.tgz`), 6, {
          parallelism: workers,
        });
        digests.add(packed.digest);
        expect(digestBytes(await readFile(packed.path))).toBe(packed.digest);
      }
      expect([...digests]).toEqual([GOLDEN_FOLDER]);
    } finally {
      await dir.remove();
    }
  });
});
