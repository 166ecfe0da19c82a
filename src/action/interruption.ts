// Stopping the command from outside: SIGINT or SIGTERM (the runner cancelling the job: SIGINT,
// then SIGTERM, then SIGKILL a few seconds later; Ctrl+C and Ctrl+Break on Windows) and the
// `timeout` input. The first of them
// cancels the process's Cancellation: every transfer aborts, each command removes its temporary
// files as it unwinds, and the step fails with one line saying what was interrupted. Should the
// command not have unwound within a grace period (work that does not listen, such as packing a
// large folder), or a second signal come, the action removes what is left and exits at once.
import type { Cancellation } from '../commands/cancellation.js';
import { removeScratchNow } from '../commands/scratch-paths.js';
import { actionLog } from './log.js';

/**
 * Linux and macOS runners send SIGINT then SIGTERM; Windows runners send Ctrl+C then Ctrl+Break,
 * which Node.js reports as SIGINT and SIGBREAK.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGBREAK'] as const;

export type Trigger =
  { kind: 'signal'; signal: (typeof SIGNALS)[number] } | { kind: 'timeout'; seconds: number };

/** The reason every aborted transfer rejects with. */
export class InterruptedError extends Error {
  readonly code = 'INTERRUPTED';

  constructor(readonly trigger: Trigger) {
    super(
      trigger.kind === 'signal'
        ? `Interrupted by ${trigger.signal}`
        : `Timed out after ${trigger.seconds} s (input "timeout")`,
    );
    this.name = 'InterruptedError';
  }
}

/** How long a cancelled command may take to unwind before the action leaves it behind. */
export const GRACE_MS = 3_000;

/**
 * How long a step that must not stop half-way (a push's manifest on its way) may hold the
 * cancellation back. A healthy registry answers a manifest in a second; one that hangs would
 * otherwise hold a `timeout` (which no second signal follows) through every retry of it.
 */
export const HOLD_MS = 30_000;

export interface InterruptionWatch {
  /** Starts the hard deadline of the `timeout` input. */
  startTimeout(seconds: number): void;
  /**
   * Settles, with the interruption, when the command is to be left behind: a second signal, or
   * the grace period after the cancellation ran out. Never settles otherwise.
   */
  readonly forced: Promise<InterruptedError>;
  /** Stops listening: signals get their default meaning back, timers are cleared. */
  dispose(): void;
}

export function watchForInterruption(
  cancellation: Cancellation,
  graceMs = GRACE_MS,
  holdMs = HOLD_MS,
): InterruptionWatch {
  let force!: (reason: InterruptedError) => void;
  const forced = new Promise<InterruptedError>((resolve) => (force = resolve));
  let first: InterruptedError | undefined;
  const timers: NodeJS.Timeout[] = [];
  let hold: NodeJS.Timeout | undefined;

  const interrupt = (trigger: Trigger): void => {
    if (first !== undefined) {
      force(first);
      return;
    }
    const reason = new InterruptedError(trigger);
    first = reason;
    actionLog.debug(`${reason.message}: cancelling the command`);
    cancellation.cancel(reason);
    // Held back by an uninterruptible step: it may finish, within a bound (then the grace runs).
    if (!cancellation.signal.aborted) hold = setTimeout(() => force(reason), holdMs);
  };
  const onSignal = (signal: (typeof SIGNALS)[number]): void =>
    interrupt({ kind: 'signal', signal });
  for (const signal of SIGNALS) process.on(signal, onSignal);

  // The grace period counts from the abort itself: a push finishing its manifest holds the abort
  // back, and that short step is let through.
  const onAbort = (): void => {
    clearTimeout(hold);
    const reason = first;
    if (reason !== undefined) timers.push(setTimeout(() => force(reason), graceMs));
  };
  cancellation.signal.addEventListener('abort', onAbort, { once: true });

  return {
    forced,
    startTimeout(seconds) {
      const timer = setTimeout(() => interrupt({ kind: 'timeout', seconds }), seconds * 1000);
      // Only the command's own work keeps the process alive.
      timer.unref();
      timers.push(timer);
    },
    dispose() {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      cancellation.signal.removeEventListener('abort', onAbort);
      for (const timer of timers) clearTimeout(timer);
      clearTimeout(hold);
    },
  };
}

/** The one line of a command stopped by `interruption`, unwound or left behind. */
export function interruptedMessage(
  interruption: InterruptedError,
  command: string | undefined,
  leftBehind = false,
): string {
  const what = command === undefined ? '' : ` while running "${command}"`;
  if (!leftBehind) {
    return `${interruption.message}${what}: transfers aborted, temporary files removed`;
  }
  const left = removeScratchNow();
  const files =
    left.length === 0
      ? 'temporary files removed'
      : `these temporary files could not be removed: ${left.join(', ')}`;
  return `${interruption.message}${what}; it did not stop in time, so the action exits at once: ${files}`;
}

/** Exits with code 1 once what was written to stdout is flushed (bounded, should it hang). */
export function exitNow(): void {
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 1_000).unref();
  // An empty write prints nothing: its callback runs once what is queued before it is flushed.
  // eslint-disable-next-line no-restricted-syntax
  process.stdout.write('', () => process.exit(1));
}
