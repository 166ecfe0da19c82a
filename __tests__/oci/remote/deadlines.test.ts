import { answerWait, deadlines, DEFAULT_DEADLINES } from '../../../src/oci/remote/deadlines.js';
import { retryPolicy } from '../../../src/oci/remote/retry.js';

const GiB = 1024 ** 3;

describe('deadlines', () => {
  it('fills what is unset (or not positive) with the defaults', () => {
    expect(deadlines()).toEqual(DEFAULT_DEADLINES);
    expect(deadlines({ stallMs: 0, connectMs: -1, answerMs: Number.NaN })).toEqual(
      DEFAULT_DEADLINES,
    );
    expect(deadlines({ stallMs: 250 })).toEqual({ ...DEFAULT_DEADLINES, stallMs: 250 });
  });

  it('waits longer for the answer to a larger upload: 64 s more per GiB by default', () => {
    const limits = deadlines();
    expect(answerWait(limits)).toBe(20_000);
    expect(answerWait(limits, 4 * 1024)).toBe(20_001);
    expect(answerWait(limits, GiB)).toBe(20_000 + 64_000);
    expect(answerWait(limits, 10 * GiB)).toBe(20_000 + 640_000);
  });

  it('keeps the promises of docs/deadlines.md under the default retry budget', () => {
    const limits = deadlines();
    const { attempts, baseDelayMs } = retryPolicy();
    // The longest backoff before each further attempt: base · 2^(n-1), n = 1 … attempts-1.
    const backoff = Array.from({ length: attempts - 1 }, (_, n) => baseDelayMs * 2 ** n).reduce(
      (a, b) => a + b,
      0,
    );
    const silentHost = attempts * Math.max(limits.connectMs, limits.answerMs) + backoff;
    expect(silentHost).toBeLessThan(2 * 60_000);
    const stalled = attempts * Math.max(limits.stallMs, limits.lowSpeedWindowMs) + backoff;
    expect(stalled).toBeLessThan(5 * 60_000);
  });
});
