// The HTTP layer under everything: one undici Agent (a keep-alive pool per origin) with the TLS
// settings asked for, our own deadlines on every request (connect, answer, stall, low speed), the
// command's cancellation, and (through retry-loop.ts) repeats of requests that are safe to repeat.
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { Agent, request, type Dispatcher } from 'undici';
import { OciError } from '../errors.js';
import { silentLogger, type ClientLogger } from '../logger.js';
import { answerWait, deadlines, type Deadlines } from './deadlines.js';
import type { RemoteOptions } from './options.js';
import {
  errorChain,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryPolicy,
  type RetryPolicy,
} from './retry.js';
import { retrying } from './retry-loop.js';
import { TransferTimeoutError } from './timeout-error.js';
import { WatchedDispatcher } from './watched-dispatcher.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Body = Readable | Uint8Array | string;
export type Response = Dispatcher.ResponseData;

export interface TransportRequest {
  method: Method;
  url: URL;
  headers?: Record<string, string>;
  /** Opens the body afresh for each attempt. */
  body?: () => Body;
  /**
   * Bytes the server processes before it answers (the blob an upload's final PUT commits, a
   * chunk a PATCH stores): the wait for the answer grows with them.
   */
  processedBytes?: number;
  signal?: AbortSignal;
}

const DEFAULT_USER_AGENT = 'oci-artifact-action';

/**
 * undici's own timeouts stay on behind ours, this much longer, in case ours ever failed to fire;
 * ours come first and say what timed out.
 */
const BACKSTOP_MS = 60_000;

export class Transport {
  readonly dispatcher: Agent;
  readonly policy: RetryPolicy;
  readonly limits: Deadlines;
  readonly logger: ClientLogger;
  /** The command's cancellation: every request and every wait between attempts stops with it. */
  readonly signal: AbortSignal | undefined;
  private readonly userAgent: string;

  constructor(options: RemoteOptions = {}) {
    this.policy = retryPolicy(options.retry);
    this.limits = deadlines(options.deadlines);
    this.logger = options.logger ?? silentLogger;
    this.signal = options.signal;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.dispatcher = new Agent({
      // Ours fires first, undici's at most a second later (it ticks coarsely): it ends the
      // connection attempt that ours gave up on.
      connect: { ...tlsOptions(options), timeout: this.limits.connectMs },
      bodyTimeout: this.limits.stallMs + BACKSTOP_MS,
    });
  }

  /**
   * One attempt, under the deadlines: a timeout rejects it (or, once the answer has come, fails
   * its body) with a TransferTimeoutError. The caller must consume or dump the body.
   */
  send(req: TransportRequest): Promise<Response> {
    const answerMs = answerWait(this.limits, req.processedBytes);
    const timedOut = new AbortController();
    const watched = new WatchedDispatcher(
      this.dispatcher,
      { ...this.limits, answerMs },
      req.url.host,
      (error) => timedOut.abort(error),
    );
    const outer = this.signalFor(req.signal);
    const signal = outer ? AbortSignal.any([outer, timedOut.signal]) : timedOut.signal;
    const response = request(req.url, {
      dispatcher: watched,
      method: req.method,
      headers: { 'user-agent': this.userAgent, ...req.headers },
      body: req.body?.(),
      signal,
      headersTimeout: answerMs + BACKSTOP_MS,
      // undici closes the connection after a HEAD unless told otherwise; an existence check per
      // blob would then cost a new connection (and a TLS handshake) each.
      ...(req.method === 'HEAD' ? { reset: false } : {}),
    }).catch((error: unknown) => {
      throw this.connectTimeout(error, req.url) ?? error;
    });
    return untilAborted(response, signal);
  }

  /** Whether the request's own signal or the command's cancellation has stopped it. */
  stopped(signal?: AbortSignal): boolean {
    return signal?.aborted === true || this.signal?.aborted === true;
  }

  /** The request's signal joined with the command's cancellation. */
  signalFor(signal?: AbortSignal): AbortSignal | undefined {
    if (signal === undefined) return this.signal;
    if (this.signal === undefined) return signal;
    return AbortSignal.any([signal, this.signal]);
  }

  /**
   * Repeats a request on network errors and retryable statuses with backoff; returns the last
   * response (its status may still be a failure) or throws the last network error.
   */
  sendRetrying(req: TransportRequest, what: string): Promise<Response> {
    return retrying<Response>(this, req.signal, async () => {
      let response: Response;
      try {
        response = await this.send(req);
      } catch (error) {
        if (this.stopped(req.signal) || !isRetryableNetworkError(error)) throw error;
        return {
          failed: `${what}: ${(error as Error).message}`,
          giveUp: () => {
            throw error;
          },
        };
      }
      if (!isRetryableStatus(response.statusCode)) return { done: response };
      return {
        failed: `${what}: HTTP ${response.statusCode}`,
        wait: { kind: 'backoff', retryAfterMs: parseRetryAfter(header(response, 'retry-after')) },
        discard: () => response.body.dump(),
        giveUp: () => response,
      };
    });
  }

  /** undici's own connect timeout (it may fire before ours) said as ours. */
  private connectTimeout(error: unknown, url: URL): TransferTimeoutError | undefined {
    const timedOut = [...errorChain(error)].some((e) => e.code === 'UND_ERR_CONNECT_TIMEOUT');
    if (!timedOut) return undefined;
    return new TransferTimeoutError(url.host, { kind: 'connect', afterMs: this.limits.connectMs });
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

/**
 * The response, or the signal's reason as soon as it is aborted. undici sees an abort only once a
 * connection is ready, so a request still connecting (a TLS handshake that never ends) would wait
 * for undici's own connect timeout; this does not. The request left behind settles by itself
 * (undici aborts it when it connects, or its connect times out).
 */
function untilAborted(response: Promise<Response>, signal: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    response.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
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
