// A loopback TCP proxy that makes a local registry behave like one across a real network: each
// direction delays every byte by half a round trip, and each connection is capped to a bandwidth,
// as blob storage behind the cloud registries serves one connection. It counts connections and
// HTTP requests (by method) on the way, so a benchmark can report round trips per blob.
// Bench only: nothing here is a test, and nothing times a test.
import { createConnection, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';

/** Bytes a direction may hold in flight before its sender is paused (a generous window). */
const HIGH_WATER = 8 * 2 ** 20;
/** The longest request head (or chunk-size line) the counter keeps looking into. */
const MAX_HEAD = 64 * 1024;

/**
 * @param {{ target: string, rttMs?: number, bytesPerSecond?: number }} options  target is
 *   `host:port` of the registry; defaults 20 ms and 40 MB/s
 * @returns {Promise<{ host: string, stats: () => { connections: number,
 *   requests: Record<string, number> }, reset: () => void, stop: () => Promise<void> }>}
 */
export async function startWanProxy({ target, rttMs = 20, bytesPerSecond = 40e6 }) {
  const [targetHost, targetPort] = splitHost(target);
  const sockets = new Set();
  let connections = 0;
  let requests = {};
  const countRequests = requestCounter((method) => {
    requests[method] = (requests[method] ?? 0) + 1;
  });

  const server = createServer((client) => {
    connections++;
    const upstream = createConnection({ host: targetHost, port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // A real connection costs a round trip (the TCP handshake) before the first request leaves;
    // the loopback one did not, so the client's first bytes wait that long.
    const handshakeDone = performance.now() + rttMs;
    delayedPipe(client, upstream, rttMs / 2, bytesPerSecond, handshakeDone, countRequests());
    delayedPipe(upstream, client, rttMs / 2, bytesPerSecond, 0);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    host: `127.0.0.1:${port}`,
    stats: () => ({ connections, requests: { ...requests } }),
    reset: () => {
      connections = 0;
      requests = {};
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Forwards `from` to `to`: a chunk leaves once the link has serialised it at `bytesPerSecond`
 * after the chunks before it (and not before `openAt`), and arrives `delayMs` later. Order is kept; `from` is paused while
 * more than HIGH_WATER bytes are in flight, so memory stays bounded.
 */
function delayedPipe(from, to, delayMs, bytesPerSecond, openAt, observe) {
  let linkFreeAt = openAt;
  let inFlight = 0;
  let ended = false;
  const queue = [];
  const deliver = () => {
    const now = performance.now();
    while (queue.length > 0 && queue[0].at <= now) {
      const { chunk } = queue.shift();
      inFlight -= chunk.length;
      if (!to.destroyed) to.write(chunk);
    }
    if (inFlight <= HIGH_WATER / 2 && from.isPaused()) from.resume();
    if (queue.length > 0) setTimeout(deliver, Math.max(0, queue[0].at - now));
    else if (ended && !to.destroyed) to.end();
  };
  from.on('data', (chunk) => {
    observe?.(chunk);
    const now = performance.now();
    linkFreeAt = Math.max(now, linkFreeAt) + (chunk.length / bytesPerSecond) * 1000;
    queue.push({ chunk, at: linkFreeAt + delayMs });
    inFlight += chunk.length;
    if (queue.length === 1) setTimeout(deliver, Math.max(0, linkFreeAt + delayMs - now));
    if (inFlight > HIGH_WATER) from.pause();
  });
  from.on('end', () => {
    ended = true;
    if (queue.length === 0 && !to.destroyed) to.end();
  });
}

/**
 * One counter per connection. It reads each request's head, counts its method, and passes over
 * its body (Content-Length, or chunked) to the next head: a request that follows a body on a
 * kept-alive connection starts right after the body's last byte, not after a line break.
 */
function requestCounter(count) {
  return () => {
    /** head: reading a request head; body: passing a body; size, data, trailer: chunked. */
    let mode = 'head';
    let pending = '';
    let skip = 0;
    return (chunk) => {
      let at = 0;
      while (at < chunk.length) {
        if (skip > 0) {
          const passed = Math.min(skip, chunk.length - at);
          skip -= passed;
          at += passed;
          if (skip === 0) mode = mode === 'data' ? 'size' : 'head';
          continue;
        }
        // latin1 maps bytes 1:1, so binary bytes cannot throw or shift offsets.
        const text = pending + chunk.toString('latin1', at);
        const marker = mode === 'head' ? '\r\n\r\n' : '\r\n';
        const end = text.indexOf(marker);
        if (end < 0) {
          pending = text.slice(-MAX_HEAD);
          break;
        }
        at += end + marker.length - pending.length;
        pending = '';
        const part = text.slice(0, end);
        if (mode === 'head') {
          const method = /^(GET|HEAD|POST|PUT|PATCH|DELETE) /.exec(part);
          if (method) count(method[1]);
          const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(part)?.[1] ?? 0);
          if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(part)) mode = 'size';
          else if (length > 0) [mode, skip] = ['body', length];
        } else if (mode === 'size') {
          const size = parseInt(part, 16);
          // The chunk's data, then its CRLF; a zero-size chunk ends the body (trailers follow).
          if (size > 0) [mode, skip] = ['data', size + 2];
          else mode = 'trailer';
        } else if (part === '') {
          mode = 'head';
        }
      }
    };
  };
}

function splitHost(hostPort) {
  const colon = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, colon), Number(hostPort.slice(colon + 1))];
}
