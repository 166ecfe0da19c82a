// A loopback HTTP proxy in front of the real registry that injects faults on chosen requests
// (status answers, dropped connections, cut bodies, redirects) and forwards everything else,
// streaming both ways. The registry stays real; only the network between is made unreliable.
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

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Destroy the client socket without answering. */
  | { kind: 'drop' }
  /** Forward the upstream response but cut the body after N bytes (0: drop the answer entirely). */
  | { kind: 'truncate'; afterBytes: number }
  /** Answer 307 Location. */
  | { kind: 'redirect'; location: string };

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
  stop(): Promise<void>;
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
    const fault = takeFault(req);
    if (fault === undefined) {
      forward(req, res, seen, undefined);
      return;
    }
    switch (fault.kind) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'truncate':
        forward(req, res, seen, fault.afterBytes);
        return;
      case 'status':
        answerAfterBody(req, () => {
          seen.status = fault.status;
          res.writeHead(fault.status, { ...fault.headers });
          res.end(fault.body ?? '');
        });
        return;
      case 'redirect':
        answerAfterBody(req, () => {
          seen.status = 307;
          res.writeHead(307, { location: fault.location, 'content-length': '0' });
          res.end();
        });
        return;
    }
  });

  /** Reads the request body away first, so the client is not cut off mid-upload. */
  const answerAfterBody = (req: IncomingMessage, answer: () => void): void => {
    req.on('end', answer);
    req.on('error', () => req.socket.destroy());
    req.resume();
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    seen: SeenRequest,
    cutAfter: number | undefined,
  ): void => {
    const headers: OutgoingHttpHeaders = withoutHopByHop(req.headers);
    headers['host'] = upstreamUrl.host;
    const outgoing = httpRequest(
      {
        protocol: upstreamUrl.protocol,
        hostname: upstreamUrl.hostname,
        port: upstreamUrl.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      (upstreamRes) => relay(upstreamRes, res, seen, cutAfter),
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
    req.on('error', () => outgoing.destroy());
    req.pipe(outgoing);
  };

  const relay = (
    upstreamRes: IncomingMessage,
    res: ServerResponse,
    seen: SeenRequest,
    cutAfter: number | undefined,
  ): void => {
    const status = upstreamRes.statusCode ?? 502;
    const headers = withoutHopByHop(upstreamRes.headers);
    const location = upstreamRes.headers['location'];
    if (typeof location === 'string' && location.startsWith(upstreamUrl.origin)) {
      headers['location'] = proxyOrigin + location.slice(upstreamUrl.origin.length);
    }
    if (cutAfter === 0) {
      // The upstream did the work; the client never hears about it.
      upstreamRes.resume();
      res.socket?.destroy();
      return;
    }
    seen.status = status;
    res.writeHead(status, headers);
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

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}
