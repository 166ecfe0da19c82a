// Faults that alter what passes, request or answer: answers with headers the real registry never
// sends, requests without headers it would have honoured, or for less than was asked.
import type { Exchange } from './exchange.js';

export type RewriteFault =
  /**
   * Forward to the registry and add (or replace) these headers on its answer, e.g.
   * `OCI-Chunk-Min-Length` or `OCI-Subject`, which distribution 2.8 never sends.
   */
  | { kind: 'headers'; headers: Record<string, string> }
  /**
   * Forward without these request headers, as a registry that ignores them would answer (no
   * `Range`: a server that does not do ranges). `SeenRequest.headers` keeps what was sent.
   */
  | { kind: 'drop-request-headers'; names: string[] }
  /**
   * Forward with the request's path and query replaced, as a registry that answers less than was
   * asked would (e.g. a catalog page smaller than `n`). `SeenRequest.path` keeps the original.
   */
  | { kind: 'rewrite'; path: (path: string) => string };

export function addHeaders(fault: Extract<RewriteFault, { kind: 'headers' }>, exchange: Exchange) {
  exchange.forward({ extraHeaders: fault.headers });
}

export function dropRequestHeaders(
  fault: Extract<RewriteFault, { kind: 'drop-request-headers' }>,
  exchange: Exchange,
): void {
  exchange.forward({ dropHeaders: fault.names });
}

export function rewritePath(fault: Extract<RewriteFault, { kind: 'rewrite' }>, exchange: Exchange) {
  exchange.forward({ path: fault.path(exchange.req.url ?? '/') });
}
