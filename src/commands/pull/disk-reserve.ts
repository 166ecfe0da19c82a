// What extraction leaves free on the output filesystem. A folder layer is a gzipped tar: a few
// KiB can expand to many GiB, and how much it expands to is not known in advance (the ORAS
// annotations carry the uncompressed digest, not its size, and the digest can only be checked
// once everything is written). A cap on size or ratio would refuse honest archives (zero-filled
// or sparse files compress 1000:1 too), so by default extraction instead stops before it would
// leave the filesystem almost full: a bomb fails the pull, and its files are removed, without
// filling the runner's disk for the steps after it. (`unpack-limit` adds a cap for those who
// want one: see write-budget.ts.)
import { statfs } from 'node:fs/promises';

export interface DiskReserve {
  /** Free bytes that extraction leaves on the filesystem. */
  bytes: number;
  /** Free inodes it leaves, where the filesystem counts them (btrfs, for one, does not). */
  inodes: number;
  /**
   * Bytes of extracted tar between two looks at the filesystem. Between looks, what the pull
   * extracts is counted against the room the last look found; a look catches up with what
   * other processes and the pull's single-file layers used meanwhile.
   */
  checkEvery: number;
}

export const DEFAULT_RESERVE: DiskReserve = {
  bytes: 128 * 1024 * 1024,
  inodes: 10_000,
  checkEvery: 8 * 1024 * 1024,
};

export interface FreeSpace {
  bytes: number;
  /** Undefined where the filesystem does not count inodes. */
  inodes: number | undefined;
}

/** How much a filesystem has free; tests give their own. */
export type FreeSpaceProbe = (folder: string) => Promise<FreeSpace>;

/** Free space as an unprivileged process may use it (`bavail`, not `bfree`). */
export const statFreeSpace: FreeSpaceProbe = async (folder) => {
  const stats = await statfs(folder);
  return { bytes: stats.bavail * stats.bsize, inodes: stats.files > 0 ? stats.ffree : undefined };
};
