// Progress lines that read well in CI logs: no TTY bars and no flood. Only work above a size
// threshold reports, and at most every few seconds or every tenth of the way. Transfers, packing
// a folder and unpacking one report at this same pace.
import { shortDigest } from '../oci/digest.js';
import type { ProgressListener } from '../oci/target.js';
import { formatBytes, formatRate } from './format.js';
import type { Log } from './log.js';

export interface ProgressOptions {
  /** Work of this size or less does not report. Default 8 MiB. */
  minSize?: number;
  /** Longest silence between two lines. Default 5 s. */
  intervalMs?: number;
  /** Report each time this fraction more is done. Default 0.1. */
  step?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const DEFAULTS = { minSize: 8 * 1024 * 1024, intervalMs: 5000, step: 0.1 };

/** When one piece of work reports next: every `step` of the way, or `intervalMs` of silence. */
class Pace {
  readonly start: number;
  private lastTime: number;
  /** How many whole steps were done at the last line (counted, so 0.3 - 0.2 is one step). */
  private lastSteps = 0;

  constructor(
    private readonly options: Required<Omit<ProgressOptions, 'minSize'>>,
    start: number,
  ) {
    this.start = start;
    this.lastTime = start;
  }

  /** Whether a line is due at `time`, `fraction` of the way (undefined: the size is unknown). */
  due(time: number, fraction: number | undefined): boolean {
    const steps =
      fraction === undefined ? this.lastSteps : Math.floor(fraction / this.options.step + 1e-9);
    if (steps <= this.lastSteps && time - this.lastTime < this.options.intervalMs) return false;
    this.lastTime = time;
    this.lastSteps = Math.max(steps, this.lastSteps);
    return true;
  }

  /** Whether any line was written since the start. */
  get spoke(): boolean {
    return this.lastTime !== this.start || this.lastSteps !== 0;
  }
}

function settings(options: ProgressOptions) {
  return {
    minSize: options.minSize ?? DEFAULTS.minSize,
    pace: {
      intervalMs: options.intervalMs ?? DEFAULTS.intervalMs,
      step: options.step ?? DEFAULTS.step,
      now: options.now ?? Date.now,
    },
  };
}

const percent = (fraction: number): string => `${Math.floor(Math.min(fraction, 1) * 100)}%`;

/** A listener that logs `<verb> <label> (<digest>): 45% of 1.0 GiB, 80 MiB/s`. */
export function progressReporter(
  log: Log,
  verb: string,
  options: ProgressOptions = {},
): ProgressListener {
  const { minSize, pace } = settings(options);
  const state = new Map<string, Pace>();

  return ({ descriptor, done, total }) => {
    if (total <= minSize) return;
    const time = pace.now();
    let entry = state.get(descriptor.digest);
    if (!entry) {
      entry = new Pace(pace, time);
      state.set(descriptor.digest, entry);
    }
    const fraction = done / total;
    const finished = done >= total;
    if (finished) state.delete(descriptor.digest);
    // At the end only when something was said before, or the work took a while.
    if (finished ? !entry.spoke && time === entry.start : !entry.due(time, fraction)) return;
    const title = descriptor.annotations?.['org.opencontainers.image.title'];
    const label = title
      ? `${title} (${shortDigest(descriptor.digest)})`
      : shortDigest(descriptor.digest);
    const rate = formatRate(done, time - entry.start);
    log.info(
      `${verb} ${label}: ${percent(fraction)} of ${formatBytes(total)}${rate ? `, ${rate}` : ''}`,
    );
  };
}

/**
 * Work of a size known beforehand, such as packing a folder: call it with the bytes done so far;
 * logs `<verb> <label>: 45% of 200 MiB, 80 MiB/s`. Silent at the end: the caller says what came
 * of it.
 */
export function sizedProgress(
  log: Log,
  verb: string,
  label: string,
  total: number,
  options: ProgressOptions = {},
): (done: number) => void {
  const { minSize, pace } = settings(options);
  if (total <= minSize) return () => undefined;
  const entry = new Pace(pace, pace.now());
  return (done) => {
    const time = pace.now();
    if (done >= total || !entry.due(time, done / total)) return;
    const rate = formatRate(done, time - entry.start);
    log.info(
      `${verb} ${label}: ${percent(done / total)} of ${formatBytes(total)}${rate ? `, ${rate}` : ''}`,
    );
  };
}

/**
 * Work whose size shows only at its end, such as unpacking a folder (a gzip stream does not say
 * how much it holds): logs `<verb> <label>: 1.2 GiB so far, 300 MiB/s` after each interval.
 */
export function openEndedProgress(
  log: Log,
  verb: string,
  label: string,
  options: ProgressOptions = {},
): (done: number) => void {
  const { pace } = settings(options);
  const entry = new Pace(pace, pace.now());
  return (done) => {
    const time = pace.now();
    if (!entry.due(time, undefined)) return;
    const rate = formatRate(done, time - entry.start);
    log.info(`${verb} ${label}: ${formatBytes(done)} so far${rate ? `, ${rate}` : ''}`);
  };
}
