// Many files: the `files` output stays complete but a warning says when it nears what a job's
// outputs may hold (1 MB, counted as UTF-16), and the job summary lists only the first 200.
// Into a layout folder: the size of the outputs, not the transport, is under test.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAction } from '../support/run-action.js';
import { makeTempDir } from '../support/temp.js';

const COUNT = 600;
/** Long names make each entry of `files` about 1 kB as GitHub counts it: 600 pass 500 kB. */
const name = (i: number): string =>
  `files/${'long-name-'.repeat(12)}${String(i).padStart(4, '0')}.txt`;

describe('push of many files', () => {
  let ws: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ path: ws, remove } = await makeTempDir('oci-push-large-'));
    await mkdir(join(ws, 'files'));
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) => writeFile(join(ws, name(i)), `${i}\n`)),
    );
  });
  afterAll(async () => remove());

  it('keeps every file in the output, warns that it is large, and cuts the summary table', async () => {
    const run = await runAction(
      { command: 'push', layout: 'layout', files: 'files/*.txt' },
      { workspace: ws },
    );
    try {
      expect(run.errors).toEqual([]);
      expect(run.exitCode).toBe(0);
      const files = JSON.parse(run.outputs['files']!) as { title: string }[];
      expect(files).toHaveLength(COUNT);
      expect(files.at(-1)!.title).toBe(name(COUNT - 1));
      expect(run.outputs['files']!.length * 2).toBeGreaterThan(500_000);

      const warnings = run.stdout.split('\n').filter((line) => line.startsWith('::warning::'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^::warning::The output "files" is \d+ kB as GitHub counts it \(UTF-16\); the outputs of a job may total 1 MB\./,
      );
      expect(warnings[0]).toContain('map "reference" (or "digest") to the job\'s outputs instead');

      expect(run.summary).toContain(`- **Files:** ${COUNT} (`);
      expect(run.summary.match(/^\| <code>files\/<wbr>/gm)).toHaveLength(200);
      expect(run.summary).toContain(
        `| … and ${COUNT - 200} more files: every one is in the \`files\` output |`,
      );
    } finally {
      await run.cleanup();
    }
  });
});
