// A loopback HTTP proxy in front of the real registry that injects faults on chosen requests
// (status answers, dropped connections, cut bodies, redirects, extra response headers, requests
// refused by their body or its size) and forwards everything else, streaming both ways. The registry stays real; only the network
// between is made unreliable (or a header the real registry never sends is added to its answer).
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pipeline, Transform } from 'node:stream';

export type Fault =
  | {
      kind: 'status';
      status: number;
      headers?: Record<string, string>;
      body?: string;
      /** Answer only once this settles: orders answers after other requests' arrival. */
      after?: Promise<unknown>;
    }
  /** Destroy the client socket without answering. */
  | { kind: 'drop' }
  /** Forward the upstream response but cut the body after N bytes (0: drop the answer entirely). */
  | { kind: 'truncate'; afterBytes: number }
  /** Answer a redirect (307 unless `status` says otherwise) to `location`. */
  | { kind: 'redirect'; location: string; status?: number }
  /**
   * Read the whole request body (it must be small: a manifest), then answer `status` when `when`
   * says so, else forward it: a registry that refuses some manifests by their content, as
   * Amazon ECR refuses OCI 1.1 manifests that carry `artifactType`.
   */
  | {
      kind: 'refuse-body';
      when: (body: Buffer) => boolean;
      status: number;
      headers?: Record<string, string>;
      body?: string;
    }
  /**
   * A proxy that caps request bodies (Cloudflare: 100 MB): a request whose Content-Length is
   * above `maxBytes` is answered 413, at once when `early` (as nginx does, before the body is
   * read; it is then read away), else once the body has arrived. Others are forwarded.
   */
  | { kind: 'body-limit'; maxBytes: number; early?: boolean }
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
  | { kind: 'rewrite'; path: (path: string) => string }
  /**
   * Forward, but hold the answer's body after N bytes until `until` settles: orders events across
   * requests (an upload that must start while this download is still unfinished).
   */
  | { kind: 'hold'; afterBytes: number; until: Promise<unknown> }
  /**
   * Forward, pass N bytes of the answer's body, then send nothing more and keep the connection
   * open: a registry stalled mid-blob. Ends when the client gives up (or the proxy stops).
   */
  | { kind: 'stall'; afterBytes: number }
  /** Forward, but pass the answer's body on `bytes` at a time, one every `everyMs`. */
  | { kind: 'trickle'; bytes: number; everyMs: number }
  /**
   * Read N bytes of the request's body, then stop reading and never answer: a registry that
   * stalls an upload (the client's writes back up once the socket buffers are full).
   */
  | { kind: 'stall-upload'; afterBytes: number }
  /**
   * Forward the request, then hold the registry's answer (headers and all) until `until`
   * settles: a registry slow to answer, as one hashing and moving a large upload is.
   */
  | { kind: 'hold-answer'; until: Promise<unknown>; onHeld?: () => void }
  /**
   * Answer as a registry that stores a blob sent whole in the POST opening its upload
   * (`POST …/blobs/uploads/?digest=…` with the body; distribution 2.8 ignores both): the proxy
   * carries it out on the real registry as POST, then PUT of the body, and answers with the PUT's
   * answer (201). The client sees one request; `requests` records only that one.
   */
  | { kind: 'single-post' };

export interface FaultRule {
  method?: string;
  path?: RegExp;
  fault: Fault;
  /** How many matching requests this rule answers; default Infinity. */
  times?: number;
  /** Let this many matching requests through untouched first; default 0. */
  skip?: number;
}

export interface SeenRequest {
  method: string;
  /** Path with query. */
  path: string;
  /** Status answered; 0 when the connection was dropped before an answer. */
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** Replaces the rules; each matching request consumes one `times`. */
  setRules(rules: FaultRule[]): void;
  /** Every request seen: method, path (with query), status answered, request headers. */
  readonly requests: SeenRequest[];
  /**
   * Calls `listener` as each request's headers arrive (before its body is read); returns a
   * function that removes it. Lets a test act at the moment a request reaches the registry.
   */
  onRequest(listener: (request: SeenRequest) => void): () => void;
  /**
   * Counts, from now on, the requests `match` picks that are in flight at once: from their
   * headers' arrival until the answer is sent whole or its connection closes. Returns a function
   * that tells the highest count so far (a client's concurrency, seen by the registry).
   */
  trackInFlight(match: (request: SeenRequest) => boolean): () => number;
  stop(): Promise<void>;
}

interface InFlight {
  match: (request: SeenRequest) => boolean;
  now: number;
  peak: number;
}

interface ActiveRule {
  rule: FaultRule;
  left: number;
  skip: number;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own business on each side.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const upstreamUrl = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const listeners = new Set<(request: SeenRequest) => void>();
  const inFlight = new Set<InFlight>();
  let rules: ActiveRule[] = [];
  let proxyOrigin = '';

  const takeFault = (req: IncomingMessage): Fault | undefined => {
    for (const active of rules) {
      const { method, path } = active.rule;
      if (active.left <= 0) continue;
      if (method !== undefined && method.toUpperCase() !== req.method) continue;
      if (path !== undefined) {
        path.lastIndex = 0;
        if (!path.test(req.url ?? '')) continue;
      }
      if (active.skip > 0) {
        active.skip--;
        return undefined;
      }
      active.left--;
      return active.rule.fault;
    }
    return undefined;
  };

  const server = createServer((req, res) => {
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
      headers: { ...req.headers },
    };
    requests.push(seen);
    for (const tracker of inFlight) {
      if (!tracker.match(seen)) continue;
      tracker.now++;
      tracker.peak = Math.max(tracker.peak, tracker.now);
      let over = false;
      const end = (): void => {
        if (!over) tracker.now--;
        over = true;
      };
      res.once('finish', end);
      res.once('close', end);
    }
    for (const listener of listeners) listener(seen);
    const fault = takeFault(req);
    if (fault === undefined) {
      forward(req, res, seen, {});
      return;
    }
    switch (fault.kind) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'truncate':
        forward(req, res, seen, { cutAfter: fault.afterBytes });
        return;
      case 'headers':
        forward(req, res, seen, { extraHeaders: fault.headers });
        return;
      case 'rewrite':
        forward(req, res, seen, { path: fault.path(req.url ?? '/') });
        return;
      case 'drop-request-headers':
        forward(req, res, seen, { dropHeaders: fault.names });
        return;
      case 'hold':
        forward(req, res, seen, { hold: fault });
        return;
      case 'stall':
        forward(req, res, seen, { stallAfter: fault.afterBytes });
        return;
      case 'trickle':
        forward(req, res, seen, { trickle: fault });
        return;
      case 'hold-answer':
        forward(req, res, seen, {
          answerAfter: fault.until,
          ...(fault.onHeld ? { onHeld: fault.onHeld } : {}),
        });
        return;
      case 'stall-upload':
        stallUpload(req, fault.afterBytes);
        return;
      case 'single-post':
        singlePost(req, res, seen);
        return;
      case 'status':
        answerAfterBody(req, () => {
          const answer = (): void => {
            seen.status = fault.status;
            res.writeHead(fault.status, { ...fault.headers });
            res.end(fault.body ?? '');
          };
          if (fault.after === undefined) answer();
          else fault.after.then(answer, answer);
        });
        return;
      case 'redirect':
        answerAfterBody(req, () => {
          seen.status = fault.status ?? 307;
          res.writeHead(seen.status, { location: fault.location, 'content-length': '0' });
          res.end();
        });
        return;
      case 'refuse-body': {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('error', () => req.socket.destroy());
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          if (!fault.when(body)) {
            forward(req, res, seen, { body });
            return;
          }
          seen.status = fault.status;
          res.writeHead(fault.status, { ...fault.headers });
          res.end(fault.body ?? '');
        });
        return;
      }
      case 'body-limit': {
        const length = Number(req.headers['content-length'] ?? 0);
        if (!(length > fault.maxBytes)) {
          forward(req, res, seen, {});
          return;
        }
        const refuse = (): void => {
          seen.status = 413;
          res.writeHead(413, { 'content-type': 'text/html', connection: 'close' });
          res.end('<html><body><h1>413 Request Entity Too Large</h1></body></html>');
        };
        if (fault.early) {
          refuse();
          req.resume();
        } else {
          answerAfterBody(req, refuse);
        }
        return;
      }
    }
  });

  /** Reads the request body away first, so the client is not cut off mid-upload. */
  const answerAfterBody = (req: IncomingMessage, answer: () => void): void => {
    req.on('end', answer);
    req.on('error', () => req.socket.destroy());
    req.resume();
  };

  /** Takes N bytes of the request's body, then leaves the rest unread and never answers. */
  const stallUpload = (req: IncomingMessage, afterBytes: number): void => {
    let taken = 0;
    const onData = (chunk: Buffer): void => {
      taken += chunk.length;
      if (taken < afterBytes) return;
      req.off('data', onData);
      req.pause();
    };
    req.on('data', onData);
    req.on('error', () => req.socket.destroy());
  };

  /** A single-POST upload done on the registry as POST, then PUT of the request's body. */
  const singlePost = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest): void => {
    const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
    const digest = new URLSearchParams(query).get('digest');
    if (req.method !== 'POST' || digest === null) {
      forward(req, res, seen, {});
      return;
    }
    const headers: OutgoingHttpHeaders = withoutHopByHop(req.headers);
    headers['host'] = upstreamUrl.host;
    const upstream = (method: string, to: string, extra: OutgoingHttpHeaders) =>
      httpRequest({
        protocol: upstreamUrl.protocol,
        hostname: upstreamUrl.hostname,
        port: upstreamUrl.port,
        method,
        path: to,
        headers: { ...headers, ...extra },
        agent,
      });
    const failed = (): void => {
      req.resume();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      seen.status = 502;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('fault proxy: upstream unreachable');
    };
    const open = upstream('POST', path, { 'content-length': '0' });
    open.on('response', (opened) => {
      const location = opened.headers['location'];
      if (opened.statusCode !== 202 || typeof location !== 'string') {
        // Not a session: pass the registry's refusal on as it is.
        req.resume();
        relay(opened, res, seen, {});
        return;
      }
      opened.resume();
      const session = new URL(location, upstreamUrl);
      const separator = session.search === '' ? '?' : '&';
      const to = `${session.pathname}${session.search}${separator}digest=${encodeURIComponent(digest)}`;
      const put = upstream('PUT', to, {});
      put.on('response', (stored) => relay(stored, res, seen, {}));
      put.on('error', failed);
      req.on('error', () => put.destroy());
      req.pipe(put);
    });
    open.on('error', failed);
    open.end();
  };

  /** How a forwarded exchange is altered: path replaced, body cut, held or slowed, headers added. */
  interface Alteration {
    path?: string;
    /** Request headers left out (lower case). */
    dropHeaders?: string[];
    /** The request body, already read: sent as it is instead of streaming the request. */
    body?: Buffer;
    cutAfter?: number;
    hold?: { afterBytes: number; until: Promise<unknown> };
    stallAfter?: number;
    trickle?: { bytes: number; everyMs: number };
    answerAfter?: Promise<unknown>;
    /** Called when the registry's answer arrived and is being held. */
    onHeld?: () => void;
    extraHeaders?: Record<string, string>;
  }

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    seen: SeenRequest,
    alteration: Alteration,
  ): void => {
    const headers: OutgoingHttpHeaders = withoutHopByHop(req.headers);
    headers['host'] = upstreamUrl.host;
    for (const name of alteration.dropHeaders ?? []) delete headers[name.toLowerCase()];
    const outgoing = httpRequest(
      {
        protocol: upstreamUrl.protocol,
        hostname: upstreamUrl.hostname,
        port: upstreamUrl.port,
        method: req.method,
        path: alteration.path ?? req.url,
        headers,
        agent,
      },
      (upstreamRes) => {
        const answer = alteration.answerAfter;
        if (answer === undefined) {
          relay(upstreamRes, res, seen, alteration);
          return;
        }
        const go = (): void => relay(upstreamRes, res, seen, alteration);
        answer.then(go, go);
        alteration.onHeld?.();
      },
    );
    outgoing.on('error', () => {
      if (!res.headersSent) {
        seen.status = 502;
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('fault proxy: upstream unreachable');
      } else {
        res.destroy();
      }
    });
    if (alteration.body !== undefined) {
      outgoing.end(alteration.body);
      return;
    }
    req.on('error', () => outgoing.destroy());
    req.pipe(outgoing);
  };

  const relay = (
    upstreamRes: IncomingMessage,
    res: ServerResponse,
    seen: SeenRequest,
    { cutAfter, hold, stallAfter, trickle, extraHeaders }: Alteration,
  ): void => {
    if (res.destroyed) {
      // The client is gone (killed, or it gave up) before the registry answered.
      upstreamRes.resume();
      return;
    }
    const status = upstreamRes.statusCode ?? 502;
    const headers = withoutHopByHop(upstreamRes.headers);
    const location = upstreamRes.headers['location'];
    if (typeof location === 'string' && location.startsWith(upstreamUrl.origin)) {
      headers['location'] = proxyOrigin + location.slice(upstreamUrl.origin.length);
    }
    for (const [name, value] of Object.entries(extraHeaders ?? {})) {
      headers[name.toLowerCase()] = value;
    }
    if (cutAfter === 0) {
      // The upstream did the work; the client never hears about it.
      upstreamRes.resume();
      res.socket?.destroy();
      return;
    }
    seen.status = status;
    res.writeHead(status, headers);
    if (hold !== undefined) {
      pipeline(upstreamRes, holdAfter(hold.afterBytes, hold.until), res, () => undefined);
      return;
    }
    if (stallAfter !== undefined) {
      // Never settles: the rest stays unsent until the client (or stop()) closes the socket.
      const never = new Promise<never>(() => undefined);
      pipeline(upstreamRes, holdAfter(stallAfter, never), res, () => undefined);
      return;
    }
    if (trickle !== undefined) {
      pipeline(upstreamRes, slowly(trickle.bytes, trickle.everyMs), res, () => undefined);
      return;
    }
    if (cutAfter === undefined) {
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
      return;
    }
    let sent = 0;
    let cut = false;
    upstreamRes.on('data', (chunk: Buffer) => {
      if (cut) return;
      const part = chunk.subarray(0, cutAfter - sent);
      sent += part.length;
      if (sent >= cutAfter) {
        cut = true;
        // Flush what was promised, then cut the connection mid-body.
        res.write(part, () => res.socket?.destroy());
        upstreamRes.destroy();
      } else {
        res.write(part);
      }
    });
    upstreamRes.on('end', () => {
      if (!cut) res.end();
    });
  };

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  proxyOrigin = `http://${host}`;

  return {
    url: proxyOrigin,
    host,
    requests,
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    trackInFlight(match) {
      const tracker: InFlight = { match, now: 0, peak: 0 };
      inFlight.add(tracker);
      return () => tracker.peak;
    },
    setRules(next) {
      rules = next.map((rule) => ({ rule, left: rule.times ?? Infinity, skip: rule.skip ?? 0 }));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Passes N bytes on, then the rest only once `until` settled (backpressure holds the sender). */
function holdAfter(afterBytes: number, until: Promise<unknown>): Transform {
  let passed = 0;
  let held = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const room = afterBytes - passed;
      passed += chunk.length;
      if (held || room > chunk.length) {
        done(null, chunk);
        return;
      }
      held = true;
      this.push(chunk.subarray(0, room));
      const rest = chunk.subarray(room);
      until.then(
        () => done(null, rest),
        () => done(null, rest),
      );
    },
  });
}

/** Passes bytes on `bytes` at a time, one piece every `everyMs`: a trickling registry. */
function slowly(bytes: number, everyMs: number): Transform {
  let timer: NodeJS.Timeout | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let rest = chunk;
      const step = (): void => {
        this.push(rest.subarray(0, bytes));
        rest = rest.subarray(bytes);
        if (rest.length === 0) done();
        else timer = setTimeout(step, everyMs);
      };
      timer = setTimeout(step, everyMs);
    },
    destroy(error, callback) {
      clearTimeout(timer);
      callback(error);
    },
  });
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}
