// A guard against decompression bombs. A folder layer is a gzipped tar: a few KiB can expand to
// many GiB, and how much it expands to is not known in advance (the ORAS annotations carry the
// uncompressed digest, not its size, and the digest can only be checked once everything is
// written). A cap on size or ratio would refuse honest archives (zero-filled or sparse files
// compress 1000:1 too), so extraction instead stops before it would leave the output filesystem
// almost full: a bomb fails the pull, and its files are removed, without filling the runner's
// disk for the steps after it.
import { statfs } from 'node:fs/promises';
import { formatBytes } from '../format.js';
import { PullError } from './errors.js';

export interface DiskReserve {
  /** Free bytes that extraction leaves on the filesystem. */
  bytes: number;
  /** Free inodes it leaves, where the filesystem counts them (btrfs, for one, does not). */
  inodes: number;
  /**
   * Bytes of uncompressed tar between two looks at the filesystem; a layer smaller than this is
   * never checked. Several layers extract at once, so the reserve is kept roughly, not exactly.
   */
  checkEvery: number;
}

export const DEFAULT_RESERVE: DiskReserve = {
  bytes: 128 * 1024 * 1024,
  inodes: 10_000,
  checkEvery: 8 * 1024 * 1024,
};

export class DiskReserveGuard {
  private nextCheck: number;

  /** `folder`: where the layer is extracted; `title`: the layer, for messages. */
  constructor(
    private readonly folder: string,
    private readonly title: string,
    private readonly reserve: DiskReserve = DEFAULT_RESERVE,
  ) {
    this.nextCheck = reserve.checkEvery;
  }

  /** Whether check() must run once `extracted` bytes of tar have been seen (cheap, no I/O). */
  due(extracted: number): boolean {
    return extracted >= this.nextCheck;
  }

  /** Throws when the filesystem holds less than the reserve. */
  async check(extracted: number): Promise<void> {
    this.nextCheck = extracted + this.reserve.checkEvery;
    const stats = await statfs(this.folder);
    const freeBytes = stats.bavail * stats.bsize;
    const lowInodes = stats.files > 0 && stats.ffree < this.reserve.inodes;
    if (freeBytes >= this.reserve.bytes && !lowInodes) return;
    const left = lowInodes
      ? `${stats.ffree} free inodes, less than the ${this.reserve.inodes}`
      : `${formatBytes(freeBytes)} free, less than the ${formatBytes(this.reserve.bytes)}`;
    throw new PullError(
      'DISK_RESERVE',
      `folder layer "${this.title}": extraction stopped after ${formatBytes(extracted)} of tar: ` +
        `the output filesystem has ${left} a pull leaves free. Either the layer is a ` +
        `decompression bomb or the runner has too little disk for this artifact; nothing was kept`,
    );
  }
}
