// The bounds every request runs under, with their defaults. The defaults are chosen against the
// retry budget (5 attempts, backoff up to 7.5 s in all): a registry that never answers fails a
// command in under 2 minutes, a transfer that stalls or trickles in under 5. docs/deadlines.md
// explains each number; a test holds the two in step.
import type { DeadlineOptions } from './options.js';

export interface Deadlines {
  readonly connectMs: number;
  readonly answerMs: number;
  readonly answerBytesPerSecond: number;
  readonly stallMs: number;
  readonly lowSpeedBytesPerSecond: number;
  readonly lowSpeedWindowMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = {
  connectMs: 10_000,
  answerMs: 20_000,
  answerBytesPerSecond: 16 * 1024 * 1024,
  stallMs: 30_000,
  lowSpeedBytesPerSecond: 1024,
  lowSpeedWindowMs: 30_000,
};

export function deadlines(options: DeadlineOptions = {}): Deadlines {
  const pick = (key: keyof Deadlines): number => {
    const value = options[key];
    return value !== undefined && Number.isFinite(value) && value > 0
      ? value
      : DEFAULT_DEADLINES[key];
  };
  return {
    connectMs: pick('connectMs'),
    answerMs: pick('answerMs'),
    answerBytesPerSecond: pick('answerBytesPerSecond'),
    stallMs: pick('stallMs'),
    lowSpeedBytesPerSecond: pick('lowSpeedBytesPerSecond'),
    lowSpeedWindowMs: pick('lowSpeedWindowMs'),
  };
}

/**
 * How long to wait for the answer once a request is sent: `answerMs`, plus the time a registry
 * may take to process `processedBytes` (the blob an upload's final PUT commits), so a large
 * upload is not cut off while the registry hashes and moves it.
 */
export function answerWait(limits: Deadlines, processedBytes = 0): number {
  const processing = (Math.max(0, processedBytes) / limits.answerBytesPerSecond) * 1000;
  return Math.ceil(limits.answerMs + processing);
}
