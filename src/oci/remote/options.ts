import type { ClientLogger } from '../logger.js';

/** What a registry accepts as proof of identity; at most one kind is used. */
export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  /** OAuth2 refresh token (docker config `identitytoken`, helper user `<token>`). */
  | { kind: 'identity-token'; token: string }
  /** A bearer token sent as is (docker config `registrytoken`). */
  | { kind: 'registry-token'; token: string };

export interface RetryOptions {
  /** Attempts in all, the first included; if ≤ 0, a default (5) is used. */
  attempts?: number;
  /** First backoff step; doubles each time, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap for one wait, `Retry-After` included. Default 30 s. */
  maxDelayMs?: number;
}

/**
 * Bounds of our own on every request, so that a registry that stops answering or moving bytes
 * fails the request (which is then retried within the retry budget) instead of holding the job.
 * Every field: if unset or ≤ 0, the default written on it is used. See docs/deadlines.md.
 */
export interface DeadlineOptions {
  /** TCP connect plus the TLS handshake of one connection. Default 10 s. */
  connectMs?: number;
  /** From the request fully sent to the response headers. Default 20 s. */
  answerMs?: number;
  /**
   * How fast a registry is assumed to process what it was sent before it answers (hashing and
   * moving an uploaded blob): an upload's final PUT (or a chunk's PATCH) waits `answerMs` plus
   * its size at this rate. Default 16 MiB/s, so 64 s more per GiB.
   */
  answerBytesPerSecond?: number;
  /** No byte moved (either direction) while the transfer could move: a stall. Default 30 s. */
  stallMs?: number;
  /** Below this many bytes per second over a whole window: too slow. Default 1024 (1 KiB/s). */
  lowSpeedBytesPerSecond?: number;
  /** The window of the low-speed check, as curl's `--speed-time`. Default 30 s. */
  lowSpeedWindowMs?: number;
}

export interface RemoteOptions {
  /** Explicit credentials; when unset, the Docker config is read, else anonymous. */
  credentials?: Credentials;
  /** Where `credentials` came from, as the log names it (e.g. `the "password" input`). */
  credentialsSource?: string;
  /** Used only when neither explicit nor Docker-config credentials exist for the host. */
  fallbackCredentials?: (registry: string) => Credentials | undefined;
  /** Where the fallback credentials come from, as the log names it. */
  fallbackSource?: string;
  /** Folder holding config.json; default `$DOCKER_CONFIG`, else `~/.docker`. */
  dockerConfigDir?: string;
  /** Speak plain HTTP. Loopback hosts fall back to it by themselves when TLS fails. */
  plainHttp?: boolean;
  /** Skip TLS verification. */
  insecure?: boolean;
  /** PEM file of extra certificate authorities to trust. */
  caFile?: string;
  /** When > 0, upload blobs in chunks of this many bytes (PATCH); monolithic otherwise. */
  chunkSize?: number;
  retry?: RetryOptions;
  deadlines?: DeadlineOptions;
  /**
   * Stops every request of the clients made with these options (and every wait between
   * retries): cancellation of the whole command. Its reason is what the requests reject with.
   */
  signal?: AbortSignal;
  logger?: ClientLogger;
  userAgent?: string;
}
