// Packing a large folder is not silent: the bundled action reports it at the pace of transfers
// (every tenth of the way, or every few seconds), before the "Packed" line says what came of it.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { succeeded, useTestBed } from './push-support.js';

const MiB = 1024 * 1024;

describe('push progress', () => {
  const bed = useTestBed();

  it('reports the packing of a 24 MiB folder in tenths, then what it packed', async () => {
    await mkdir(join(bed.ws, 'big'));
    // Many files, as a build output has: the archive grows in steps of about 1 MiB.
    for (let i = 0; i < 48; i++) {
      await writeFile(join(bed.ws, 'big', `part-${i}.bin`), Buffer.alloc(MiB / 2, i));
    }
    const run = succeeded(await bed.run({ command: 'push', layout: 'out/layout', files: 'big' }));
    const lines = run.stdout.split('\n');
    const packing = lines.filter((line) => line.startsWith('Packing big: '));
    expect(packing.length).toBeGreaterThanOrEqual(5);
    const percents = packing.map((line) => {
      expect(line).toMatch(/^Packing big: \d+% of 24 MiB(, [\d.]+ [KMG]?i?B\/s)?$/);
      return Number(/(\d+)%/.exec(line)![1]);
    });
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const packed = lines.findIndex((line) => line.startsWith('Packed big: 49 entries, 24 MiB'));
    expect(packed).toBeGreaterThan(lines.indexOf(packing.at(-1)!));
  });
});
