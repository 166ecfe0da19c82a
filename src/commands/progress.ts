// Progress lines that read well in CI logs: no TTY bars and no flood. Only blobs above a size
// threshold report, and at most every few seconds or every tenth of the way.
import { shortDigest } from '../oci/digest.js';
import type { ProgressListener } from '../oci/target.js';
import { formatBytes, formatRate } from './format.js';
import type { Log } from './log.js';

export interface ProgressOptions {
  /** Blobs at or below this size do not report. Default 8 MiB. */
  minSize?: number;
  /** Longest silence between two lines. Default 5 s. */
  intervalMs?: number;
  /** Report each time this fraction more is done. Default 0.1. */
  step?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** A listener that logs `<verb> <label> (<digest>): 45% of 1.0 GiB, 80 MiB/s`. */
export function progressReporter(
  log: Log,
  verb: string,
  options: ProgressOptions = {},
): ProgressListener {
  const minSize = options.minSize ?? 8 * 1024 * 1024;
  const intervalMs = options.intervalMs ?? 5000;
  const step = options.step ?? 0.1;
  const now = options.now ?? Date.now;
  const state = new Map<string, { start: number; lastTime: number; lastFraction: number }>();

  return ({ descriptor, done, total }) => {
    if (total <= minSize) return;
    const time = now();
    let entry = state.get(descriptor.digest);
    if (!entry) {
      entry = { start: time, lastTime: time, lastFraction: 0 };
      state.set(descriptor.digest, entry);
    }
    const fraction = done / total;
    const finished = done >= total;
    if (finished) state.delete(descriptor.digest);
    if (!finished && time - entry.lastTime < intervalMs && fraction - entry.lastFraction < step)
      return;
    if (finished && entry.lastFraction === 0 && time === entry.start) return;
    entry.lastTime = time;
    entry.lastFraction = fraction;
    const title = descriptor.annotations?.['org.opencontainers.image.title'];
    const label = title
      ? `${title} (${shortDigest(descriptor.digest)})`
      : shortDigest(descriptor.digest);
    const rate = formatRate(done, time - entry.start);
    log.info(
      `${verb} ${label}: ${Math.floor(fraction * 100)}% of ${formatBytes(total)}${rate ? `, ${rate}` : ''}`,
    );
  };
}
