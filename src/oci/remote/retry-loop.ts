// The one loop that repeats a request: every retry of the client goes through retrying() (a ping
// or token request, a registry request, a chunk of an upload, a download resumed after a cut),
// and every wait before another attempt through waitToRetry(), which says in the log what failed
// and how long the wait is. When to retry (retry.ts) and what an attempt is stay with the caller;
// the counting, the give-up, the backoff and its cancellation live here.
import type { ClientLogger } from '../logger.js';
import { formatDuration } from '../units.js';
import { backoffDelay, sleep, type RetryPolicy } from './retry.js';

/** What the loop needs of the transport (transport.ts): its policy, log and cancellation. */
export interface RetryContext {
  readonly policy: RetryPolicy;
  readonly logger: ClientLogger;
  /** The request's signal joined with the command's cancellation. */
  signalFor(signal?: AbortSignal): AbortSignal | undefined;
}

/** How the next attempt is waited for. */
export type RetryWait =
  /** Exponential backoff, or the server's Retry-After when it gave one. */
  | { kind: 'backoff'; retryAfterMs?: number }
  /**
   * The client's 429 gate (backoff-gate.ts) holds the next attempt already; `doing` is what then
   * happens ('retrying' unless said).
   */
  | { kind: 'gate'; doing?: string };

/** What one attempt came to. */
export type Attempt<T> =
  | { done: T }
  /** Try again at once, not counted as an attempt (a refused token, renewed since). */
  | { again: true }
  | {
      /** Failed in a way another attempt may mend: what failed, for the log. */
      failed: string;
      wait?: RetryWait;
      /**
       * What the last attempt returns or throws instead: the caller's verdict on the final
       * failure (a last answer returned as it is, or an error saying it gave up).
       */
      giveUp: (attempts: number) => T | Promise<T>;
      /** Releases what this attempt holds (a response body) before the next one. */
      discard?: () => Promise<void>;
      /**
       * This attempt moved the work forward (a download cut after a good stretch): the count of
       * failures in a row starts over with it.
       */
      progressed?: boolean;
    };

/**
 * Runs `attempt` (given its number, from 1) until it is done or has failed `policy.attempts`
 * times in a row; waits before each new attempt, cancellable by `signal` and the command's.
 */
export async function retrying<T>(
  context: RetryContext,
  signal: AbortSignal | undefined,
  attempt: (count: number) => Promise<Attempt<T>>,
): Promise<T> {
  for (let count = 1; ;) {
    const outcome = await attempt(count);
    if ('done' in outcome) return outcome.done;
    if ('again' in outcome) continue;
    if (outcome.progressed === true) count = 1;
    if (count >= context.policy.attempts) return outcome.giveUp(count);
    await outcome.discard?.();
    await waitToRetry(context, count, outcome.failed, outcome.wait ?? { kind: 'backoff' }, signal);
    count++;
  }
}

/**
 * Waits before attempt `attempt + 1` (attempt counts from 1), first telling the user (not only
 * the debug log) what failed and how long the wait is: a retry is seen when it happens, not when
 * the step ends. Behind the 429 gate, the gate's own line has said it: a debug line only.
 */
export async function waitToRetry(
  context: RetryContext,
  attempt: number,
  why: string,
  wait: RetryWait,
  signal?: AbortSignal,
): Promise<void> {
  const next = `(attempt ${attempt + 1} of ${context.policy.attempts})`;
  if (wait.kind === 'gate') {
    context.logger.debug(
      `${why}; ${wait.doing ?? 'retrying'} when the registry's back-off ends ${next}`,
    );
    return;
  }
  const delay = backoffDelay(context.policy, attempt, wait.retryAfterMs);
  context.logger.info(`${why}; retrying in ${formatDuration(delay)} ${next}`);
  await sleep(delay, context.signalFor(signal));
}

/** The backoff before attempt `attempt + 1`, without a log line (its caller says why). */
export function backOff(context: RetryContext, attempt: number, signal?: AbortSignal) {
  return sleep(backoffDelay(context.policy, attempt), context.signalFor(signal));
}
