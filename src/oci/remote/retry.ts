// When and how long to wait before trying a request again.
// Retryable: network errors, 408, 429, 5xx except 501 (not implemented never heals).
import type { RetryOptions } from './options.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_BASE_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 30_000;

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const positive = (value: number | undefined, fallback: number): number =>
    value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
  const baseDelayMs =
    options.baseDelayMs !== undefined && options.baseDelayMs >= 0
      ? options.baseDelayMs
      : DEFAULT_BASE_DELAY_MS;
  return {
    attempts: Math.floor(positive(options.attempts, DEFAULT_ATTEMPTS)),
    baseDelayMs,
    maxDelayMs:
      options.maxDelayMs !== undefined && options.maxDelayMs >= 0
        ? options.maxDelayMs
        : DEFAULT_MAX_DELAY_MS,
  };
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501);
}

/**
 * `Retry-After` as seconds or an HTTP date, in milliseconds from now; undefined when absent or
 * unreadable. https://www.rfc-editor.org/rfc/rfc9110#name-retry-after
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): exponential backoff with
 * jitter, or the server's `Retry-After` when that is longer; never more than the cap.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  // Half fixed, half random: spreads clients apart without collapsing the wait to zero.
  const jittered = exponential / 2 + (exponential / 2) * random();
  // Retry-After lengthens our backoff, never shortens it: `0`, or a date already past (a registry
  // whose clock runs behind the runner's), would otherwise spend every attempt at once.
  return Math.min(Math.max(jittered, retryAfterMs ?? 0), policy.maxDelayMs);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RESPONSE_STATUS_CODE',
  // Our own deadlines (timeout-error.ts): connect, answer, stall, low speed.
  'TRANSFER_TIMEOUT',
]);

/**
 * The codes of an error and its causes, with the host a system error names (errors from Node's
 * core may come from another realm, so no instanceof).
 */
export function* errorChain(error: unknown): Generator<{ code?: unknown; hostname?: unknown }> {
  let e: unknown = error;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 10; depth++) {
    const { code, hostname, cause } = e as { code?: unknown; hostname?: unknown; cause?: unknown };
    yield { code, hostname };
    e = cause;
  }
}

/**
 * A transport failure worth another try (reset, refused, timed out), not a TLS or usage error:
 * told by the codes of the error and its causes, never by their words.
 */
export function isRetryableNetworkError(error: unknown): boolean {
  return [...errorChain(error)].some(
    (e) => typeof e.code === 'string' && RETRYABLE_NETWORK_CODES.has(e.code),
  );
}
