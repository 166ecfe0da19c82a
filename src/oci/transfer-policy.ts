// How transfers are shaped by size: which blobs are so small that a round trip costs more than
// their bytes, and how many transfers move at once. The numbers live here, with their reasons;
// push, pull and copy all schedule by them (transfer-slots.ts), and the upload path decides by
// them which requests a small blob is worth (remote/upload.ts).

/**
 * A blob smaller than this is small: its bytes cost less than a round trip. Such a blob
 * - is uploaded without an existence check first: sending it again costs less than a HEAD, and
 *   the registry keeps one copy per digest anyway;
 * - is offered whole in the request that opens its upload (a single POST), where the registry
 *   takes that;
 * - counts as latency-bound when transfers are scheduled: more of them move at once.
 *
 * 256 KiB takes about 20 ms at 100 Mbit/s, one round trip to a registry tens of milliseconds
 * away. It is also where a Go HTTP server (distribution, and the many registries built on it)
 * stops reading away a body its handler ignored and closes the connection instead: below it, a
 * registry that ignores a single POST's body costs no connection.
 */
export const SMALL_BLOB_BYTES = 256 * 1024;

/**
 * Transfers in flight at once when the caller gives no ceiling (the action's `concurrency`
 * default). Small blobs are latency-bound: 16 at once turn 200 blobs of two round trips each
 * into 25 rounds instead of 80 at 5, while staying far below the hundreds of connections some
 * clients open (registries rate-limit, and count requests).
 */
export const DEFAULT_CONCURRENCY = 16;

/**
 * Large transfers at once, within the ceiling: bandwidth-bound, so a few already fill the link and
 * more only split it (and hold more memory and disk writes). docker push moves 5 layers at once.
 */
const LARGE_TRANSFERS = 5;

/**
 * How many of `ceiling` transfers may be large ones: 5, or a third of the ceiling when the user
 * raised it that far; never more than the ceiling. Small transfers may use every slot.
 */
export function largeTransferLimit(ceiling: number): number {
  const total = Math.max(1, Math.floor(ceiling));
  return Math.min(total, Math.max(LARGE_TRANSFERS, Math.floor(total / 3)));
}

export function isSmallBlob(size: number): boolean {
  return size < SMALL_BLOB_BYTES;
}
