// A request cut by one of our own deadlines. Its message names the host, what timed out and after
// how long; the RegistryError that wraps it adds the operation (`fetch blob host/repo@…`).
import { formatDuration, formatSize } from '../units.js';

export type TimeoutKind = 'connect' | 'answer' | 'stall' | 'low-speed';

/** Which way the bytes were moving when a stall or low speed was seen. */
export type Direction = 'upload' | 'download';

export type TimeoutDetail =
  | { kind: 'connect' | 'answer'; afterMs: number }
  | { kind: 'stall'; direction: Direction; afterMs: number }
  | {
      kind: 'low-speed';
      direction: Direction;
      afterMs: number;
      moved: number;
      minimumBytesPerSecond: number;
    };

export class TransferTimeoutError extends Error {
  /** Stable, and among the retryable network codes (see retry.ts). */
  readonly code = 'TRANSFER_TIMEOUT';
  readonly kind: TimeoutKind;
  readonly afterMs: number;

  constructor(
    /** `host:port` of the server that timed out. */
    readonly host: string,
    readonly detail: TimeoutDetail,
  ) {
    super(describe(host, detail));
    this.name = 'TransferTimeoutError';
    this.kind = detail.kind;
    this.afterMs = detail.afterMs;
  }
}

function describe(host: string, detail: TimeoutDetail): string {
  const after = formatDuration(detail.afterMs);
  switch (detail.kind) {
    case 'connect':
      return `could not connect to ${host} within ${after} (TCP and TLS handshake)`;
    case 'answer':
      return `${host} sent no answer within ${after} of the request`;
    case 'stall':
      return `the ${detail.direction} ${preposition(detail.direction)} ${host} stalled: no bytes moved for ${after}`;
    case 'low-speed':
      return (
        `the ${detail.direction} ${preposition(detail.direction)} ${host} was too slow: ` +
        `${formatSize(detail.moved)} in ${after}, below the minimum of ${formatSize(detail.minimumBytesPerSecond)}/s`
      );
  }
}

const preposition = (direction: Direction): string => (direction === 'upload' ? 'to' : 'from');
