// Puts one TransferWatchdog on one request, at the level where bytes meet the socket: undici tells
// the handler of a request when its connection is ready (onConnect), when it is written (each body
// chunk, then the end), when the answer's headers and body chunks arrive, and when the reader
// holds the body back (onData → false, until `resume`). A timeout is handed to `cut`, which aborts
// the request through its signal (that works before a connection exists, too). undici's own
// timeouts stay on as a backstop, set longer than ours.
import { Dispatcher } from 'undici';
import { movedBytes } from '../young-garbage.js';
import type { TransferTimeoutError } from './timeout-error.js';
import { TransferWatchdog, type WatchClock, type WatchLimits } from './transfer-watchdog.js';

/** A dispatcher for one request: the shared pool underneath, a watchdog on top. */
export class WatchedDispatcher extends Dispatcher {
  constructor(
    private readonly pool: Dispatcher,
    private readonly limits: WatchLimits,
    private readonly host: string,
    private readonly cut: (error: TransferTimeoutError) => void,
    private readonly clock?: WatchClock,
  ) {
    super();
  }

  override dispatch(
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ): boolean {
    const watchdog = new TransferWatchdog(this.limits, this.host, this.cut, this.clock);
    watchdog.connecting();
    return this.pool.dispatch(options, watched(handler, watchdog));
  }

  override close(): Promise<void> {
    return Promise.resolve();
  }

  override destroy(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * undici's request() hands its dispatcher a handler of the callback style (onConnect, onHeaders,
 * onData, …); this one wraps it, in the same style, so undici also calls onBodySent and
 * onRequestSent on it.
 */
function watched(
  inner: Dispatcher.DispatchHandler,
  watchdog: TransferWatchdog,
): Dispatcher.DispatchHandler & { onRequestSent(): void } {
  return {
    onConnect(abortRequest) {
      watchdog.sending();
      inner.onConnect?.(abortRequest);
    },
    onBodySent(chunk: unknown) {
      // Typed as a size, but undici passes the chunk itself.
      const bytes = typeof chunk === 'number' ? chunk : Buffer.byteLength(chunk as Buffer | string);
      watchdog.moved(bytes);
      movedBytes(bytes);
    },
    onRequestSent() {
      watchdog.sent();
    },
    onResponseStarted() {
      inner.onResponseStarted?.();
    },
    onHeaders(status, headers, resume, statusText) {
      // 1xx (100 Continue) is not yet the answer.
      if (status >= 200) watchdog.receiving();
      const more = inner.onHeaders?.(
        status,
        headers,
        () => {
          watchdog.resume();
          resume();
        },
        statusText,
      );
      if (more === false) watchdog.pause();
      return more ?? true;
    },
    onData(chunk) {
      watchdog.moved(chunk.length);
      movedBytes(chunk.length);
      const more = inner.onData?.(chunk);
      if (more === false) watchdog.pause();
      return more ?? true;
    },
    onComplete(trailers) {
      watchdog.stop();
      inner.onComplete?.(trailers);
    },
    onError(error) {
      watchdog.stop();
      inner.onError?.(error);
    },
    onUpgrade(status, headers, socket) {
      watchdog.stop();
      inner.onUpgrade?.(status, headers, socket);
    },
  };
}
