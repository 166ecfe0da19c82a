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
  logger?: ClientLogger;
  userAgent?: string;
  /**
   * Get bearer tokens with the OAuth2 password grant (POST) for username/password too;
   * by default only identity (refresh) tokens use OAuth2 and passwords use GET with Basic.
   */
  forceOAuth2?: boolean;
}
