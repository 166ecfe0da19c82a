// One request through the fault proxy, and the way to the real registry behind it: forwarding
// (streaming both ways) with an alteration of what passes, the registry's answer relayed with its
// `Location` pointed back at the proxy. Every fault module works on an Exchange.
import {
  Agent,
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';

export interface SeenRequest {
  method: string;
  /** Path with query. */
  path: string;
  /** Status answered; 0 when the connection was dropped before an answer. */
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/** How a forwarded exchange is altered on its way. */
export interface Alteration {
  /** Path and query sent instead of the request's own. */
  path?: string;
  /** Request headers left out (lower case). */
  dropHeaders?: string[];
  /** The request body, already read: sent as it is instead of streaming the request. */
  body?: Buffer;
  /** The registry's answer (headers and all) is held until this settles. */
  answerAfter?: Promise<unknown>;
  /** Called when the registry's answer arrived and is being held. */
  onHeld?: () => void;
  /** Headers added to (or replaced in) the registry's answer. */
  extraHeaders?: Record<string, string>;
  /** Sends the answer's body on, altered; by default it passes as it comes. */
  sendBody?: (from: IncomingMessage, to: ServerResponse) => void;
  /** The client never hears of the answer: its connection is cut once the registry answered. */
  swallowAnswer?: boolean;
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

export function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/** The real registry behind the proxy. */
export class Upstream {
  readonly url: URL;
  private readonly agent = new Agent({ keepAlive: true });
  /** `http://127.0.0.1:<port>` of the proxy, once it listens. */
  proxyOrigin = '';

  constructor(upstream: string) {
    this.url = new URL(upstream);
  }

  /** A request to the registry with the client's headers (hop-by-hop ones left out). */
  request(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    extra: OutgoingHttpHeaders = {},
  ): ClientRequest {
    return httpRequest({
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port,
      method,
      path,
      headers: { ...withoutHopByHop(headers), host: this.url.host, ...extra },
      agent: this.agent,
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One request as the proxy holds it. */
export class Exchange {
  // Plain fields, not parameter properties: the bench loads this file with Node's type stripping,
  // which refuses syntax that emits code.
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly seen: SeenRequest;
  readonly upstream: Upstream;

  constructor(req: IncomingMessage, res: ServerResponse, seen: SeenRequest, upstream: Upstream) {
    this.req = req;
    this.res = res;
    this.seen = seen;
    this.upstream = upstream;
  }

  /** Answers from the proxy itself. */
  answer(status: number, headers: OutgoingHttpHeaders = {}, body = ''): void {
    this.seen.status = status;
    this.res.writeHead(status, headers);
    this.res.end(body);
  }

  /** Reads the request body away first, so the client is not cut off mid-upload. */
  afterBody(then: () => void): void {
    this.req.on('end', then);
    this.req.on('error', () => this.req.socket.destroy());
    this.req.resume();
  }

  /** Forwards the request to the registry, altered as said, and relays its answer. */
  forward(alteration: Alteration = {}): void {
    const { req } = this;
    const headers = { ...req.headers };
    for (const name of alteration.dropHeaders ?? []) delete headers[name.toLowerCase()];
    const outgoing = this.upstream.request(
      req.method ?? 'GET',
      alteration.path ?? req.url ?? '/',
      headers,
    );
    outgoing.on('response', (answer) => {
      const held = alteration.answerAfter;
      if (held === undefined) {
        this.relay(answer, alteration);
        return;
      }
      const go = (): void => this.relay(answer, alteration);
      held.then(go, go);
      alteration.onHeld?.();
    });
    outgoing.on('error', () => this.upstreamFailed());
    if (alteration.body !== undefined) {
      outgoing.end(alteration.body);
      return;
    }
    req.on('error', () => outgoing.destroy());
    req.pipe(outgoing);
  }

  /** The registry's answer to the client, altered as said. */
  relay(answer: IncomingMessage, alteration: Alteration = {}): void {
    const { res, upstream } = this;
    if (res.destroyed) {
      // The client is gone (killed, or it gave up) before the registry answered.
      answer.resume();
      return;
    }
    if (alteration.swallowAnswer === true) {
      // The registry did the work; the client never hears about it.
      answer.resume();
      res.socket?.destroy();
      return;
    }
    const headers = withoutHopByHop(answer.headers);
    const location = answer.headers['location'];
    if (typeof location === 'string' && location.startsWith(upstream.url.origin)) {
      headers['location'] = upstream.proxyOrigin + location.slice(upstream.url.origin.length);
    }
    for (const [name, value] of Object.entries(alteration.extraHeaders ?? {})) {
      headers[name.toLowerCase()] = value;
    }
    this.seen.status = answer.statusCode ?? 502;
    res.writeHead(this.seen.status, headers);
    if (alteration.sendBody !== undefined) {
      alteration.sendBody(answer, res);
      return;
    }
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  }

  /** The registry could not be reached (or broke off): 502, or a cut when answering already. */
  upstreamFailed(): void {
    if (this.res.headersSent) {
      this.res.destroy();
      return;
    }
    this.answer(502, { 'content-type': 'text/plain' }, 'fault proxy: upstream unreachable');
  }
}
