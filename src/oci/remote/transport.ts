// The HTTP layer under everything: one undici Agent (a keep-alive pool per origin) with the TLS
// settings asked for, and a retry loop for requests that are safe to repeat.
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { Agent, request, type Dispatcher } from 'undici';
import { OciError } from '../errors.js';
import { silentLogger, type ClientLogger } from '../logger.js';
import type { RemoteOptions } from './options.js';
import {
  backoffDelay,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryPolicy,
  sleep,
  type RetryPolicy,
} from './retry.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Body = Readable | Uint8Array | string;
export type Response = Dispatcher.ResponseData;

export interface TransportRequest {
  method: Method;
  url: URL;
  headers?: Record<string, string>;
  /** Opens the body afresh for each attempt. */
  body?: () => Body;
  signal?: AbortSignal;
}

const DEFAULT_USER_AGENT = 'oci-artifact-action';

export class Transport {
  readonly dispatcher: Agent;
  readonly policy: RetryPolicy;
  readonly logger: ClientLogger;
  private readonly userAgent: string;

  constructor(options: RemoteOptions = {}) {
    this.policy = retryPolicy(options.retry);
    this.logger = options.logger ?? silentLogger;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.dispatcher = new Agent({ connect: tlsOptions(options) });
  }

  /** One attempt. The caller must consume or dump the body. */
  send(req: TransportRequest): Promise<Response> {
    return request(req.url, {
      dispatcher: this.dispatcher,
      method: req.method,
      headers: { 'user-agent': this.userAgent, ...req.headers },
      body: req.body?.(),
      signal: req.signal,
      // undici closes the connection after a HEAD unless told otherwise; an existence check per
      // blob would then cost a new connection (and a TLS handshake) each.
      ...(req.method === 'HEAD' ? { reset: false } : {}),
    });
  }

  /**
   * Repeats a request on network errors and retryable statuses with backoff; returns the last
   * response (its status may still be a failure) or throws the last network error.
   */
  async sendRetrying(req: TransportRequest, what: string): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.send(req);
      } catch (error) {
        if (req.signal?.aborted || attempt >= this.policy.attempts) throw error;
        if (!isRetryableNetworkError(error)) throw error;
        await this.pause(attempt, undefined, `${what}: ${(error as Error).message}`, req.signal);
        continue;
      }
      if (!isRetryableStatus(response.statusCode) || attempt >= this.policy.attempts) {
        return response;
      }
      await response.body.dump();
      const retryAfter = parseRetryAfter(header(response, 'retry-after'));
      await this.pause(attempt, retryAfter, `${what}: HTTP ${response.statusCode}`, req.signal);
    }
  }

  /** Waits before attempt `attempt + 1`, saying why in the debug log. */
  async pause(
    attempt: number,
    retryAfterMs: number | undefined,
    why: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const delay = backoffDelay(this.policy, attempt, retryAfterMs);
    this.logger.debug(
      `${why}; retrying in ${Math.round(delay)} ms (attempt ${attempt + 1} of ${this.policy.attempts})`,
    );
    await sleep(delay, signal);
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

function tlsOptions(options: RemoteOptions): Agent.Options['connect'] {
  const connect: { rejectUnauthorized?: boolean; ca?: string[] } = {};
  if (options.insecure) connect.rejectUnauthorized = false;
  if (options.caFile) {
    let pem: string;
    try {
      pem = readFileSync(options.caFile, 'utf8');
    } catch (error) {
      throw new OciError(
        'NETWORK_ERROR',
        `cannot read the CA file ${options.caFile}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    // Extra authorities join the defaults rather than replacing them.
    connect.ca = [...rootCertificates, pem];
  }
  return connect;
}

/** A response header as one string (the first when repeated). */
export function header(response: Response, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
