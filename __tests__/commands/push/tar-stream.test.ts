import { execFileSync } from 'node:child_process';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { walkFolder, type FolderItem } from '../../../src/commands/pack/folder-walk.js';
import { tarChunks } from '../../../src/commands/pack/tar-stream.js';
import { makeTempDir } from '../../support/temp.js';

const MiB = 1024 * 1024;

async function collect(items: FolderItem[]): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of tarChunks(items)) chunks.push(chunk);
  return chunks;
}

describe('tarChunks', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir('oci-tar-');
  });
  afterEach(async () => dir.remove());

  const walk = async () =>
    walkFolder({
      root: join(dir.path, 'out'),
      realRoot: await realpath(join(dir.path, 'out')),
      title: 'out',
      excludes: [],
      includeHiddenFiles: true,
      blame: { input: 'files', given: 'out' },
    });

  it('writes many small files and a big one into an archive GNU tar reads back', async () => {
    await mkdir(join(dir.path, 'out', 'many'), { recursive: true });
    for (let i = 0; i < 300; i++) {
      await writeFile(join(dir.path, 'out', 'many', `f${i}.txt`), `file ${i}\n`.repeat(i));
    }
    const big = Buffer.alloc(3 * MiB + 5, 'big');
    await writeFile(join(dir.path, 'out', 'big.bin'), big);
    const chunks = await collect(await walk());

    // Gathered into large chunks, not one per header and file.
    expect(chunks.length).toBeLessThan(10);
    const archive = join(dir.path, 'out.tar');
    await writeFile(archive, Buffer.concat(chunks));
    const listing = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toContain('out/big.bin');
    expect(listing).toContain('out/many/f299.txt');
    const extracted = join(dir.path, 'x');
    await mkdir(extracted);
    execFileSync('tar', ['-xf', archive, '-C', extracted]);
    expect(
      execFileSync('cmp', [join(extracted, 'out', 'big.bin'), join(dir.path, 'out', 'big.bin')])
        .length,
    ).toBe(0);
    expect(
      execFileSync('diff', ['-r', join(extracted, 'out', 'many'), join(dir.path, 'out', 'many')])
        .length,
    ).toBe(0);
  });

  it.each([
    ['a small file grew', 10, 15, 'grew past 10 bytes'],
    ['a small file shrank', 10, 5, 'shrank to 5 of 10 bytes'],
    ['a big file grew', 2 * MiB, 2 * MiB + 1, `grew past ${2 * MiB} bytes`],
    ['a big file shrank', 2 * MiB, MiB, `shrank to ${MiB} of ${2 * MiB} bytes`],
  ])('fails when %s after it was listed', async (_what, size, newSize, change) => {
    await mkdir(join(dir.path, 'out'), { recursive: true });
    const path = join(dir.path, 'out', 'f.bin');
    await writeFile(path, Buffer.alloc(size));
    const items = await walk();
    await writeFile(path, Buffer.alloc(newSize));
    await expect(collect(items)).rejects.toThrow(
      `${await realpath(path)} ${change} since it was checked`,
    );
  });
});
