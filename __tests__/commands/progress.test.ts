import { progressReporter } from '../../src/commands/progress.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import type { Digest } from '../../src/oci/digest.js';
import { memoryLog } from '../support/memory-log.js';

const MiB = 1024 * 1024;

const blob = (size: number): Descriptor => ({
  mediaType: 'application/octet-stream',
  digest: `sha256:${'a'.repeat(64)}` as Digest,
  size,
  annotations: { 'org.opencontainers.image.title': 'big.bin' },
});

describe('progressReporter', () => {
  it('stays silent for blobs of 8 MiB or less', () => {
    const log = memoryLog();
    const report = progressReporter(log, 'Uploading', { now: () => 0 });
    const d = blob(8 * MiB);
    report({ descriptor: d, done: 4 * MiB, total: d.size });
    report({ descriptor: d, done: d.size, total: d.size });
    expect(log.lines).toEqual([]);
  });

  it('reports every tenth of the way and at the end, with throughput', () => {
    const log = memoryLog();
    let clock = 0;
    const report = progressReporter(log, 'Uploading', { now: () => clock });
    const d = blob(100 * MiB);
    for (let done = 0; done <= d.size; done += MiB) {
      clock += 10; // 1 MiB every 10 ms: 100 MiB/s
      report({ descriptor: d, done, total: d.size });
    }
    expect(log.lines).toHaveLength(10);
    expect(log.lines[0]).toBe('Uploading big.bin (sha256:aaaaaaaaaaaa): 10% of 100 MiB, 100 MiB/s');
    expect(log.lines.at(-1)).toMatch(/: 100% of 100 MiB/);
  });

  it('reports at least every interval when progress is slow', () => {
    const log = memoryLog();
    let clock = 0;
    const report = progressReporter(log, 'Downloading', { now: () => clock, intervalMs: 5000 });
    const d = blob(1000 * MiB);
    report({ descriptor: d, done: 0, total: d.size });
    clock = 4999;
    report({ descriptor: d, done: MiB, total: d.size });
    clock = 5000;
    report({ descriptor: d, done: 2 * MiB, total: d.size });
    expect(log.lines).toEqual([
      'Downloading big.bin (sha256:aaaaaaaaaaaa): 0% of 1000 MiB, 410 KiB/s',
    ]);
  });
});
