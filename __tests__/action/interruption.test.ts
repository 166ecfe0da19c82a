// The action's reaction to signals and to the `timeout` input, driven by emitting the signals on
// this process (no real signal is sent) and by a real, very short timeout.
import { jest } from '@jest/globals';
import { once } from 'node:events';
import {
  HOLD_MS,
  InterruptedError,
  interruptedMessage,
  watchForInterruption,
} from '../../src/action/interruption.js';
import { Cancellation } from '../../src/commands/cancellation.js';
import { trackScratch } from '../../src/commands/scratch-paths.js';
import { makeTempDir } from '../support/temp.js';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

describe('watchForInterruption', () => {
  it('cancels on the first signal, leaves the command behind on the second', async () => {
    const cancellation = new Cancellation();
    const watch = watchForInterruption(cancellation, 3_600_000);
    try {
      process.emit('SIGTERM', 'SIGTERM');
      expect(cancellation.signal.reason).toBeInstanceOf(InterruptedError);
      expect((cancellation.signal.reason as InterruptedError).message).toBe(
        'Interrupted by SIGTERM',
      );
      process.emit('SIGBREAK', 'SIGBREAK'); // Windows' second signal
      const forced = await watch.forced;
      expect(forced).toBe(cancellation.signal.reason);
    } finally {
      watch.dispose();
    }
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGBREAK']) {
      expect(process.listenerCount(signal)).toBe(0);
    }
  });

  it('cancels when the timeout passes, and leaves the command behind after the grace period', async () => {
    const cancellation = new Cancellation();
    const watch = watchForInterruption(cancellation, 1);
    try {
      watch.startTimeout(0.001);
      await once(cancellation.signal, 'abort');
      const reason = cancellation.signal.reason as InterruptedError;
      expect(reason.trigger).toEqual({ kind: 'timeout', seconds: 0.001 });
      expect(await watch.forced).toBe(reason);
    } finally {
      watch.dispose();
    }
  });

  it('counts the grace period from the abort, after an uninterruptible step', async () => {
    jest.useFakeTimers();
    const cancellation = new Cancellation();
    const watch = watchForInterruption(cancellation, 1_000);
    let forced = false;
    void watch.forced.then(() => (forced = true));
    try {
      await cancellation.uninterruptible(async () => {
        process.emit('SIGINT', 'SIGINT');
        // The step takes far longer than the grace period, within its own bound: let through.
        await jest.advanceTimersByTimeAsync(HOLD_MS - 1);
        expect(forced).toBe(false);
      });
      expect(cancellation.signal.aborted).toBe(true);
      await jest.advanceTimersByTimeAsync(999);
      expect(forced).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(forced).toBe(true);
    } finally {
      watch.dispose();
      jest.useRealTimers();
    }
  });

  it('leaves behind an uninterruptible step that holds the cancellation past its bound', async () => {
    jest.useFakeTimers();
    const cancellation = new Cancellation();
    const watch = watchForInterruption(cancellation, 1_000);
    let forced: InterruptedError | undefined;
    void watch.forced.then((reason) => (forced = reason));
    let release!: () => void;
    const step = cancellation.uninterruptible(
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    try {
      // A timeout, which no second signal follows, while a manifest's registry hangs.
      watch.startTimeout(1);
      await jest.advanceTimersByTimeAsync(1_000 + HOLD_MS - 1);
      expect(forced).toBeUndefined();
      expect(cancellation.signal.aborted).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(forced?.trigger).toEqual({ kind: 'timeout', seconds: 1 });
    } finally {
      release();
      await step;
      watch.dispose();
      jest.useRealTimers();
    }
  });
});

describe('interruptedMessage', () => {
  it('says what was interrupted, and how it ended', async () => {
    const signal = new InterruptedError({ kind: 'signal', signal: 'SIGINT' });
    expect(interruptedMessage(signal, 'pull')).toBe(
      'Interrupted by SIGINT while running "pull": transfers aborted, temporary files removed',
    );
    const timeout = new InterruptedError({ kind: 'timeout', seconds: 600 });
    expect(interruptedMessage(timeout, 'push')).toBe(
      'Timed out after 600 s (input "timeout") while running "push": transfers aborted, temporary files removed',
    );
  });

  it('left behind, removes the temporary paths still tracked first', async () => {
    const dir = await makeTempDir('oci-scratch-');
    try {
      const scratch = join(dir.path, 'oci-push-x');
      await writeFile(scratch, 'packing…');
      trackScratch(scratch);
      const signal = new InterruptedError({ kind: 'signal', signal: 'SIGTERM' });
      expect(interruptedMessage(signal, 'push', true)).toBe(
        'Interrupted by SIGTERM while running "push"; it did not stop in time, so the action exits at once: temporary files removed',
      );
      await expect(access(scratch)).rejects.toThrow();
    } finally {
      await dir.remove();
    }
  });
});
