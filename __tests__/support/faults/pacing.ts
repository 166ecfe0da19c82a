// Faults of timing on the way back: an answer held, a body held or stalled after some bytes, a
// body that trickles. They order events across requests, or try the client's deadlines.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline, Transform } from 'node:stream';
import type { Exchange } from './exchange.js';

export type PacingFault =
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
   * Forward the request, then hold the registry's answer (headers and all) until `until`
   * settles: a registry slow to answer, as one hashing and moving a large upload is.
   */
  | { kind: 'hold-answer'; until: Promise<unknown>; onHeld?: () => void };

export function holdBody(fault: Extract<PacingFault, { kind: 'hold' }>, exchange: Exchange) {
  exchange.forward({ sendBody: through(() => holdAfter(fault.afterBytes, fault.until)) });
}

export function stallBody(fault: Extract<PacingFault, { kind: 'stall' }>, exchange: Exchange) {
  // Never settles: the rest stays unsent until the client (or stop()) closes the socket.
  const never = new Promise<never>(() => undefined);
  exchange.forward({ sendBody: through(() => holdAfter(fault.afterBytes, never)) });
}

export function trickleBody(fault: Extract<PacingFault, { kind: 'trickle' }>, exchange: Exchange) {
  exchange.forward({ sendBody: through(() => slowly(fault.bytes, fault.everyMs)) });
}

export function holdAnswer(
  fault: Extract<PacingFault, { kind: 'hold-answer' }>,
  exchange: Exchange,
): void {
  exchange.forward({
    answerAfter: fault.until,
    ...(fault.onHeld ? { onHeld: fault.onHeld } : {}),
  });
}

/** The answer's body through a transform made for it. */
function through(transform: () => Transform) {
  return (from: IncomingMessage, to: ServerResponse): void => {
    pipeline(from, transform(), to, () => undefined);
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
