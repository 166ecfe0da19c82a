// Faults of the connection: dropped before any answer, or cut in the middle of one.
import type { Exchange } from './exchange.js';

export type ConnectionFault =
  /** Destroy the client socket without answering. */
  | { kind: 'drop' }
  /** Forward the upstream response but cut the body after N bytes (0: drop the answer entirely). */
  | { kind: 'truncate'; afterBytes: number };

export function dropConnection(_fault: ConnectionFault, exchange: Exchange): void {
  exchange.req.socket.destroy();
}

export function truncateAnswer(
  fault: Extract<ConnectionFault, { kind: 'truncate' }>,
  exchange: Exchange,
): void {
  const cutAfter = fault.afterBytes;
  if (cutAfter === 0) {
    exchange.forward({ swallowAnswer: true });
    return;
  }
  exchange.forward({
    sendBody: (from, to) => {
      let sent = 0;
      let cut = false;
      from.on('data', (chunk: Buffer) => {
        if (cut) return;
        const part = chunk.subarray(0, cutAfter - sent);
        sent += part.length;
        if (sent >= cutAfter) {
          cut = true;
          // Flush what was promised, then cut the connection mid-body.
          to.write(part, () => to.socket?.destroy());
          from.destroy();
        } else {
          to.write(part);
        }
      });
      from.on('end', () => {
        if (!cut) to.end();
      });
    },
  });
}
