// The log of a push, as the runner shows it: one group, a line per file with a short digest and
// a readable size, paced progress with throughput for blobs over 8 MiB, and the pinned reference
// at the end. Through the bundled action, against a real registry and a layout folder.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatBytes } from '../../src/commands/format.js';
import type { ActionRun } from '../support/run-action.js';
import { succeeded, useTestBed } from './push-support.js';

const MiB = 1024 * 1024;
const SHORT = 'sha256:[0-9a-f]{12}';

/** What a reader of the log sees: no debug lines, no runner commands but groups. */
const visible = (run: ActionRun): string[] =>
  run.stdout
    .split('\n')
    .filter(
      (line) => line !== '' && !line.startsWith('::debug::') && !line.startsWith('::add-mask::'),
    );

/** `Uploading big.bin (sha256:…): 40% of 9.0 MiB, 120 MiB/s` → 40. */
const PROGRESS = new RegExp(
  `^Uploading big\\.bin \\(${SHORT}\\): (\\d+)% of 9\\.0 MiB(, [\\d.]+ (B|KiB|MiB|GiB)/s)?$`,
);

function checkProgress(lines: string[]): void {
  const percents = lines.flatMap((line) => {
    const match = PROGRESS.exec(line);
    return match ? [Number(match[1])] : [];
  });
  // Paced by tenths (or 5 s, which a loopback upload of 9 MiB never waits for), and the end.
  expect(percents.at(-1)).toBe(100);
  expect(percents.length).toBeLessThanOrEqual(10);
  for (let i = 1; i < percents.length - 1; i++) {
    expect(percents[i]! - percents[i - 1]!).toBeGreaterThanOrEqual(9);
  }
  expect(lines.filter((line) => PROGRESS.exec(line)?.[2] !== undefined).length).toBeGreaterThan(0);
  const start = lines.findIndex((line) =>
    new RegExp(`^Uploading big\\.bin ${SHORT} \\(9\\.0 MiB\\)$`).test(line),
  );
  const end = lines.findIndex((line) =>
    new RegExp(`^Uploaded big\\.bin ${SHORT} \\(9\\.0 MiB\\)$`).test(line),
  );
  const first = lines.findIndex((line) => PROGRESS.test(line));
  const last = lines.findLastIndex((line) => PROGRESS.test(line));
  expect(start).toBeGreaterThanOrEqual(0);
  expect(start).toBeLessThan(first);
  expect(last).toBeLessThan(end);
}

describe('the log of a push', () => {
  const bed = useTestBed({
    registry: {},
    tree: { 'small.txt': 'small\n', 'site/index.html': '<p>hi</p>\n' },
  });
  beforeAll(async () => {
    await writeFile(join(bed.ws, 'big.bin'), Buffer.alloc(9 * MiB, 'oci'));
  });

  const push = async (inputs: Record<string, string>): Promise<ActionRun> =>
    succeeded(await bed.run({ command: 'push', files: 'small.txt\nsite\nbig.bin', ...inputs }));

  it('groups one push, logs each file, paces the progress of a big blob, ends with the reference', async () => {
    const run = await push({
      registry: bed.registry.host,
      'plain-http': 'true',
      reference: 'log/app:v1',
      tags: 'stable',
    });
    const lines = visible(run);
    const name = `${bed.registry.host}/log/app`;
    const digest = run.outputs['digest']!;

    expect(lines.filter((line) => line.startsWith('::group::'))).toEqual([
      `::group::Push ${name}:v1`,
    ]);
    expect(lines.filter((line) => line === '::endgroup::')).toHaveLength(1);
    const inGroup = lines.slice(
      lines.indexOf(`::group::Push ${name}:v1`) + 1,
      lines.indexOf('::endgroup::'),
    );
    expect(inGroup).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Packed site: 2 entries, [\d.]+ KiB → \d+ B gzipped$/),
        expect.stringMatching(new RegExp(`^Uploaded small\\.txt ${SHORT} \\(6 B\\)$`)),
        expect.stringMatching(new RegExp(`^Uploaded site ${SHORT} \\(\\d+ B\\)$`)),
        expect.stringMatching(new RegExp(`^Uploaded config \\{\\} ${SHORT} \\(2 B\\)$`)),
        `Pushed manifest ${digest.slice(0, 19)} (${formatBytes(Number(run.outputs['size']))}) as v1`,
        'Tagged stable',
      ]),
    );
    // Small blobs get one line, no `Uploading` and no progress.
    expect(inGroup.filter((line) => /small\.txt/.test(line))).toHaveLength(1);
    checkProgress(inGroup);
    // The end: the pushed reference and digest.
    expect(lines.at(-1)).toBe(`Pushed ${name}@${digest}`);
    expect(run.outputs['reference']).toBe(`${name}@${digest}`);

    // Pushed again: every blob exists, nothing is uploaded, no progress.
    const again = visible(
      await push({ registry: bed.registry.host, 'plain-http': 'true', reference: 'log/app:v2' }),
    );
    expect(again.filter((line) => /^Upload/.test(line))).toEqual([]);
    expect(again).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^Exists {3}big\\.bin ${SHORT} \\(9\\.0 MiB\\)$`)),
        expect.stringMatching(new RegExp(`^Exists {3}small\\.txt ${SHORT} \\(6 B\\)$`)),
      ]),
    );
  });

  it('paces the progress the same way into a layout folder', async () => {
    const run = await push({ layout: 'out/layout', reference: 'v1' });
    const lines = visible(run);
    expect(lines.filter((line) => line.startsWith('::group::'))).toEqual([
      '::group::Push out/layout:v1',
    ]);
    checkProgress(lines);
    expect(lines.at(-1)).toBe(`Pushed out/layout@${run.outputs['digest']}`);
  });
});
