// A loopback HTTP proxy in front of the real registry that injects faults on chosen requests and
// forwards everything else, streaming both ways. The registry stays real; only the network
// between is made unreliable (or a header the real registry never sends is added to its answer).
// This file matches requests to rules and keeps the record; each kind of fault lives in its own
// module under faults/: answers the proxy makes up (answers.ts), broken connections
// (connection.ts), held, stalled and trickling answers (pacing.ts), altered requests and answers
// (rewrite.ts), and upload faults (uploads.ts), all on one Exchange (exchange.ts).
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { answerRedirect, answerStatus, refuseBody, type AnswerFault } from './faults/answers.js';
import { dropConnection, truncateAnswer, type ConnectionFault } from './faults/connection.js';
import { Exchange, Upstream, type SeenRequest } from './faults/exchange.js';
import { holdAnswer, holdBody, stallBody, trickleBody, type PacingFault } from './faults/pacing.js';
import {
  addHeaders,
  dropRequestHeaders,
  rewritePath,
  type RewriteFault,
} from './faults/rewrite.js';
import { limitBody, singlePost, stallUpload, type UploadFault } from './faults/uploads.js';

export type { SeenRequest } from './faults/exchange.js';

export type Fault = AnswerFault | ConnectionFault | PacingFault | RewriteFault | UploadFault;

/** What each kind of fault does to the exchange it matched. */
const INJECT: {
  [Kind in Fault['kind']]: (fault: Extract<Fault, { kind: Kind }>, exchange: Exchange) => void;
} = {
  status: answerStatus,
  redirect: answerRedirect,
  'refuse-body': refuseBody,
  drop: dropConnection,
  truncate: truncateAnswer,
  hold: holdBody,
  stall: stallBody,
  trickle: trickleBody,
  'hold-answer': holdAnswer,
  headers: addHeaders,
  'drop-request-headers': dropRequestHeaders,
  rewrite: rewritePath,
  'stall-upload': stallUpload,
  'body-limit': limitBody,
  'single-post': singlePost,
};

export interface FaultRule {
  method?: string;
  path?: RegExp;
  fault: Fault;
  /** How many matching requests this rule answers; default Infinity. */
  times?: number;
  /** Let this many matching requests through untouched first; default 0. */
  skip?: number;
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

export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new Upstream(upstreamUrl);
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const listeners = new Set<(request: SeenRequest) => void>();
  const inFlight = new Set<InFlight>();
  let rules: ActiveRule[] = [];

  const takeFault = (method: string, url: string): Fault | undefined => {
    for (const active of rules) {
      const rule = active.rule;
      if (active.left <= 0) continue;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (rule.path !== undefined) {
        rule.path.lastIndex = 0;
        if (!rule.path.test(url)) continue;
      }
      if (active.skip > 0) {
        active.skip--;
        return undefined;
      }
      active.left--;
      return rule.fault;
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
    const exchange = new Exchange(req, res, seen, upstream);
    const fault = takeFault(req.method ?? '', req.url ?? '');
    if (fault === undefined) exchange.forward();
    else (INJECT[fault.kind] as (fault: Fault, exchange: Exchange) => void)(fault, exchange);
  });

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
  upstream.proxyOrigin = `http://${host}`;

  return {
    url: upstream.proxyOrigin,
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
        upstream.close();
        server.close(() => resolve());
      }),
  };
}
