// What a pull may write: the unpack-limit over all its layers, and the room above the disk
// reserve for folder layers, checked chunk by chunk. The filesystem's free space comes from a
// probe the test controls (the real one moves with whatever else runs on the machine).
import { Readable } from 'node:stream';
import { join } from 'node:path';
import type { FreeSpace } from '../../../src/commands/pull/disk-reserve.js';
import { extractTarGzip } from '../../../src/commands/pull/tar-extract.js';
import { WriteBudget } from '../../../src/commands/pull/write-budget.js';
import { memoryLog, useTempDirEach, useUmask } from './helpers.js';
import { tarGzip } from './tar-builder.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const reserve = { bytes: 100 * MiB, inodes: 1000, checkEvery: 256 * KiB };

/** A probe answering `answers` in turn (the last one from then on), counting its calls. */
function probe(...answers: FreeSpace[]) {
  const calls: string[] = [];
  return {
    calls,
    probe: async (folder: string) => {
      calls.push(folder);
      return answers[Math.min(calls.length - 1, answers.length - 1)]!;
    },
  };
}

describe('WriteBudget', () => {
  useUmask();
  const tmp = useTempDirEach('pull-budget-');
  let n = 0;
  const extract = (budget: WriteBudget, name: string, body: Buffer) =>
    extractTarGzip(Readable.from([tarGzip([{ name: `${name}/f`, body }])]), {
      title: name,
      root: join(tmp.path, `layer-${n++}`),
      log: memoryLog(),
      budget: budget.forFolder(name),
    });

  it('stops a folder layer as soon as it would go past the free space minus the reserve', async () => {
    const free = probe({ bytes: reserve.bytes + 100 * KiB, inodes: undefined });
    const budget = await WriteBudget.open(tmp.path, { reserve, probe: free.probe });
    const error = await extract(budget, 'bomb', Buffer.alloc(MiB)).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'DISK_RESERVE' });
    const [, extracted] = /extraction stopped after (\d+(?:\.\d)?) KiB of tar/.exec(
      (error as Error).message,
    )!;
    // Chunks come from gunzip in 64 KiB pieces: it stopped at the last whole one that fit.
    expect(Number(extracted)).toBeGreaterThan(100 - 64);
    expect(Number(extracted)).toBeLessThanOrEqual(100);
    expect((error as Error).message).toContain(
      'the output filesystem had 100 MiB free, and a pull leaves 100 MiB free',
    );
    expect(free.calls).toEqual([tmp.path]);
  });

  it('looks at the filesystem again as extraction goes on, seeing what others used', async () => {
    // A second look finds that another process took most of the room.
    const free = probe(
      { bytes: reserve.bytes + 10 * MiB, inodes: undefined },
      { bytes: reserve.bytes + 32 * KiB, inodes: undefined },
    );
    const budget = await WriteBudget.open(tmp.path, { reserve, probe: free.probe });
    const error = await extract(budget, 'big', Buffer.alloc(MiB)).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'DISK_RESERVE' });
    expect(free.calls).toHaveLength(2);
    expect((error as Error).message).toMatch(/stopped after (2[5-9]\d|30\d) KiB of tar/);
  });

  it('leaves the reserved inodes free', async () => {
    const free = probe({ bytes: 10 * 1024 * MiB, inodes: reserve.inodes + 3 });
    const budget = await WriteBudget.open(tmp.path, { reserve, probe: free.probe });
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `many/${i}`, body: 'x' }));
    const error = await extractTarGzip(Readable.from([tarGzip(entries)]), {
      title: 'many',
      root: join(tmp.path, 'many'),
      log: memoryLog(),
      budget: budget.forFolder('many'),
    }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'DISK_RESERVE' });
    expect((error as Error).message).toContain('had 1003 free inodes, and a pull leaves 1000 free');
  });

  it('counts every layer of the pull against the unpack-limit, naming the one that crosses it', async () => {
    const free = probe({ bytes: 10 * 1024 * MiB, inodes: undefined });
    const budget = await WriteBudget.open(tmp.path, { limit: MiB, reserve, probe: free.probe });
    budget.chargeSized([{ name: 'small.txt', size: 100 * KiB }]);
    await extract(budget, 'first', Buffer.alloc(500 * KiB));
    const error = await extract(budget, 'second', Buffer.alloc(500 * KiB)).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'UNPACK_LIMIT' });
    expect((error as Error).message).toMatch(
      /^folder layer "second": extraction stopped after \d+ KiB of tar: the pull would write more than unpack-limit allows \(1\.0 MiB in all\)\. Either the layer is a decompression bomb or unpack-limit is too low for this artifact; nothing was kept$/,
    );
  });

  it('refuses a layer of known size before anything is downloaded', async () => {
    const free = probe({ bytes: 10 * 1024 * MiB, inodes: undefined });
    const budget = await WriteBudget.open(tmp.path, { limit: MiB, reserve, probe: free.probe });
    expect(() =>
      budget.chargeSized([
        { name: 'a.bin', size: 600 * KiB },
        { name: 'b.bin', size: 600 * KiB },
      ]),
    ).toThrow(
      'layer "b.bin" is 600 KiB: with it the pull would write 1.2 MiB, more than unpack-limit allows (1.0 MiB); no layer was downloaded',
    );
  });

  it('takes back the charges of a layer that is extracted again', async () => {
    const free = probe({ bytes: 10 * 1024 * MiB, inodes: undefined });
    const budget = await WriteBudget.open(tmp.path, { limit: MiB, reserve, probe: free.probe });
    const share = budget.forFolder('again');
    share.charge(800 * KiB, 1);
    share.discard();
    // Without the refund, the second extraction would cross the limit.
    expect((await extract(budget, 'again', Buffer.alloc(800 * KiB))).files).toBe(1);
  });
});
