// How many parts a blob is downloaded in (`download-parts`). One connection to blob storage is
// capped well below what a runner can take (tens to low hundreds of MB/s), so a big blob comes
// faster over several connections at once, each fetching a range of it. `auto` splits a blob of
// AUTO_MIN_SIZE or more into as many parts as one blob may have connections (the large transfers'
// share of `concurrency`: 5 by default), none smaller than AUTO_PART_SIZE; a smaller blob comes in
// one stream, where one more request would cost more than it saves. The parts run on slots of the
// pull's scheduler that no other layer could use (see src/oci/transfer-slots.ts).

export type DownloadParts = number | 'auto';

/** From this size on, `auto` downloads a blob in parts. */
export const AUTO_MIN_SIZE = 64 * 1024 * 1024;
/** `auto` makes no part smaller than this. */
export const AUTO_PART_SIZE = 16 * 1024 * 1024;
/** The most parts `download-parts` may ask for. */
export const MAX_DOWNLOAD_PARTS = 64;

/**
 * The parts of a blob of `size` bytes; `connections` is the most a blob may have at once
 * (largeTransferLimit of the pull's concurrency). A number given is kept as it is: its parts
 * beyond `connections` wait for a connection to finish one first.
 */
export function partsFor(size: number, setting: DownloadParts, connections: number): number {
  if (setting !== 'auto') return setting;
  if (size < AUTO_MIN_SIZE) return 1;
  return Math.max(1, Math.min(connections, Math.floor(size / AUTO_PART_SIZE)));
}
