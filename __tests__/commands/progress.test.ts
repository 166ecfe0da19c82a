import { openEndedProgress, progressReporter, sizedProgress } from '../../src/commands/progress.js';
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

describe('sizedProgress (packing a folder)', () => {
  it('reports every tenth of the way with throughput, stays silent at the end and for small work', () => {
    const log = memoryLog();
    let clock = 0;
    const report = sizedProgress(log, 'Packing', 'dist', 200 * MiB, { now: () => clock });
    for (let done = MiB; done <= 200 * MiB; done += MiB) {
      clock += 5; // 1 MiB every 5 ms: 200 MiB/s
      report(done);
    }
    expect(log.lines).toHaveLength(9);
    expect(log.lines[0]).toBe('Packing dist: 10% of 200 MiB, 200 MiB/s');
    expect(log.lines.at(-1)).toBe('Packing dist: 90% of 200 MiB, 200 MiB/s');

    const small = memoryLog();
    const quiet = sizedProgress(small, 'Packing', 'small', 8 * MiB, { now: () => 0 });
    quiet(4 * MiB);
    quiet(8 * MiB);
    expect(small.lines).toEqual([]);
  });

  it('reports after each interval when the tenths come slowly', () => {
    const log = memoryLog();
    let clock = 0;
    const report = sizedProgress(log, 'Packing', 'dist', 1000 * MiB, { now: () => clock });
    clock = 4999;
    report(MiB);
    clock = 5000;
    report(2 * MiB);
    expect(log.lines).toEqual(['Packing dist: 0% of 1000 MiB, 410 KiB/s']);
  });
});

describe('openEndedProgress (unpacking a folder)', () => {
  it('reports the bytes so far after each interval, whatever the size', () => {
    const log = memoryLog();
    let clock = 0;
    const report = openEndedProgress(log, 'Unpacking', 'site', { now: () => clock });
    for (let second = 1; second <= 12; second++) {
      clock = second * 1000;
      report(second * 100 * MiB);
    }
    expect(log.lines).toEqual([
      'Unpacking site: 500 MiB so far, 100 MiB/s',
      'Unpacking site: 1000 MiB so far, 100 MiB/s',
    ]);
  });
});
