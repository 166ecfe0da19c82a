// Faults of uploads: a registry that stops reading a body, a proxy that caps bodies, and a
// registry that stores a small blob sent whole in the POST opening its upload.
import type { Exchange } from './exchange.js';

export type UploadFault =
  /**
   * Read N bytes of the request's body, then stop reading and never answer: a registry that
   * stalls an upload (the client's writes back up once the socket buffers are full).
   */
  | { kind: 'stall-upload'; afterBytes: number }
  /**
   * A proxy that caps request bodies (Cloudflare: 100 MB): a request whose Content-Length is
   * above `maxBytes` is answered 413, at once when `early` (as nginx does, before the body is
   * read; it is then read away), else once the body has arrived. Others are forwarded.
   */
  | { kind: 'body-limit'; maxBytes: number; early?: boolean }
  /**
   * Answer as a registry that stores a blob sent whole in the POST opening its upload
   * (`POST …/blobs/uploads/?digest=…` with the body; distribution 2.8 ignores both): the proxy
   * carries it out on the real registry as POST, then PUT of the body, and answers with the PUT's
   * answer (201). The client sees one request; `requests` records only that one.
   */
  | { kind: 'single-post' };

/** Takes N bytes of the request's body, then leaves the rest unread and never answers. */
export function stallUpload(
  fault: Extract<UploadFault, { kind: 'stall-upload' }>,
  exchange: Exchange,
): void {
  const { req } = exchange;
  let taken = 0;
  const onData = (chunk: Buffer): void => {
    taken += chunk.length;
    if (taken < fault.afterBytes) return;
    req.off('data', onData);
    req.pause();
  };
  req.on('data', onData);
  req.on('error', () => req.socket.destroy());
}

export function limitBody(
  fault: Extract<UploadFault, { kind: 'body-limit' }>,
  exchange: Exchange,
): void {
  const length = Number(exchange.req.headers['content-length'] ?? 0);
  if (!(length > fault.maxBytes)) {
    exchange.forward();
    return;
  }
  const refuse = (): void =>
    exchange.answer(
      413,
      { 'content-type': 'text/html', connection: 'close' },
      '<html><body><h1>413 Request Entity Too Large</h1></body></html>',
    );
  if (fault.early) {
    refuse();
    exchange.req.resume();
  } else {
    exchange.afterBody(refuse);
  }
}

/** A single-POST upload done on the registry as POST, then PUT of the request's body. */
export function singlePost(_fault: UploadFault, exchange: Exchange): void {
  const { req, upstream } = exchange;
  const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
  const digest = new URLSearchParams(query).get('digest');
  if (req.method !== 'POST' || digest === null) {
    exchange.forward();
    return;
  }
  const failed = (): void => {
    req.resume();
    exchange.upstreamFailed();
  };
  const open = upstream.request('POST', path, req.headers, { 'content-length': '0' });
  open.on('response', (opened) => {
    const location = opened.headers['location'];
    if (opened.statusCode !== 202 || typeof location !== 'string') {
      // Not a session: pass the registry's refusal on as it is.
      req.resume();
      exchange.relay(opened);
      return;
    }
    opened.resume();
    const session = new URL(location, upstream.url);
    const separator = session.search === '' ? '?' : '&';
    const to = `${session.pathname}${session.search}${separator}digest=${encodeURIComponent(digest)}`;
    const put = upstream.request('PUT', to, req.headers);
    put.on('response', (stored) => exchange.relay(stored));
    put.on('error', failed);
    req.on('error', () => put.destroy());
    req.pipe(put);
  });
  open.on('error', failed);
  open.end();
}
