// What one pull may still write. Two bounds: `unpack-limit`, when given, over everything the pull
// writes into the output folder; and, for folder layers, the room the output filesystem has
// above the disk reserve (disk-reserve.ts). One budget is shared by every layer of a pull, so
// layers extracting at once count together, and each chunk of tar is charged before it is
// parsed: extraction stops at the first chunk that would go past either bound.
import { formatBytes } from '../format.js';
import {
  DEFAULT_RESERVE,
  statFreeSpace,
  type DiskReserve,
  type FreeSpace,
  type FreeSpaceProbe,
} from './disk-reserve.js';
import { PullError } from './errors.js';

export interface WriteBudgetOptions {
  /** Bytes the pull may write into the output folder in all (`unpack-limit`); none when unset. */
  limit?: number;
  /** Default DEFAULT_RESERVE. */
  reserve?: DiskReserve;
  /** Default statFreeSpace. */
  probe?: FreeSpaceProbe;
}

/** A layer written as one file (or a folder layer kept as its archive): its size is known. */
export interface SizedLayer {
  name: string;
  size: number;
}

export class WriteBudget {
  /** Bytes charged so far, by every layer. */
  private written = 0;
  /** Tar bytes and entries extracted since the last look at the filesystem. */
  private bytesSinceLook = 0;
  private entriesSinceLook = 0;
  private looking: Promise<void> | undefined;
  private readonly reserve: DiskReserve;
  private readonly probe: FreeSpaceProbe;

  /** What the output filesystem had free when the pull began (for a full disk's message). */
  readonly freeAtOpen: FreeSpace;

  private constructor(
    private readonly folder: string,
    private readonly limit: number | undefined,
    options: WriteBudgetOptions,
    private free: FreeSpace,
  ) {
    this.freeAtOpen = free;
    this.reserve = options.reserve ?? DEFAULT_RESERVE;
    this.probe = options.probe ?? statFreeSpace;
  }

  /** `folder`: on the output filesystem (the pull's work folder). Looks at it once. */
  static async open(folder: string, options: WriteBudgetOptions = {}): Promise<WriteBudget> {
    const free = await (options.probe ?? statFreeSpace)(folder);
    return new WriteBudget(folder, options.limit, options, free);
  }

  /**
   * Charges layers whose size is known, in order, before anything is downloaded: the first that
   * would take the pull past the limit is refused by name. They do not count against the disk
   * reserve (their size is known; a full disk fails their write and the pull cleans up).
   */
  chargeSized(layers: readonly SizedLayer[]): void {
    for (const layer of layers) {
      const total = this.written + layer.size;
      if (this.limit !== undefined && total > this.limit) {
        throw new PullError(
          'UNPACK_LIMIT',
          `layer "${layer.name}" is ${formatBytes(layer.size)}: with it the pull would write ` +
            `${formatBytes(total)}, more than unpack-limit allows (${formatBytes(this.limit)}); ` +
            `no layer was downloaded`,
          { layer: layer.name },
        );
      }
      this.written = total;
    }
  }

  /** The share of one folder layer, charged as it is extracted. */
  forFolder(name: string): FolderBudget {
    return new FolderBudget(this, name);
  }

  /** @internal FolderBudget's charge; `layerBytes` includes `bytes`. */
  chargeExtracted(
    name: string,
    bytes: number,
    entries: number,
    layerBytes: number,
  ): Promise<void> | undefined {
    if (this.limit !== undefined && this.written + bytes > this.limit) {
      throw new PullError(
        'UNPACK_LIMIT',
        `folder layer "${name}": extraction stopped after ${formatBytes(layerBytes - bytes)} of ` +
          `tar: the pull would write more than unpack-limit allows (${formatBytes(this.limit)} ` +
          `in all). Either the layer is a decompression bomb or unpack-limit is too low for ` +
          `this artifact; nothing was kept`,
        { layer: name },
      );
    }
    const roomBytes = this.free.bytes - this.reserve.bytes - this.bytesSinceLook;
    const roomEntries =
      this.free.inodes === undefined
        ? Infinity
        : this.free.inodes - this.reserve.inodes - this.entriesSinceLook;
    if (bytes > roomBytes || entries > roomEntries) {
      const had =
        bytes > roomBytes
          ? `${formatBytes(this.free.bytes)} free, and a pull leaves ${formatBytes(this.reserve.bytes)}`
          : `${this.free.inodes} free inodes, and a pull leaves ${this.reserve.inodes}`;
      throw new PullError(
        'DISK_RESERVE',
        `folder layer "${name}": extraction stopped after ${formatBytes(layerBytes - bytes)} of ` +
          `tar: the output filesystem had ${had} free. Either the layer is a decompression ` +
          `bomb or the runner has too little disk for this artifact; nothing was kept`,
        { layer: name },
      );
    }
    this.written += bytes;
    this.bytesSinceLook += bytes;
    this.entriesSinceLook += entries;
    if (this.bytesSinceLook < this.reserve.checkEvery) return undefined;
    // One look at a time; every layer that comes due meanwhile waits for the same one.
    this.looking ??= this.lookAgain().finally(() => (this.looking = undefined));
    return this.looking;
  }

  /** @internal A folder layer's output was thrown away (it is extracted again). */
  refund(bytes: number, entries: number): void {
    this.written -= bytes;
    this.bytesSinceLook = Math.max(0, this.bytesSinceLook - bytes);
    this.entriesSinceLook = Math.max(0, this.entriesSinceLook - entries);
  }

  private async lookAgain(): Promise<void> {
    const free = await this.probe(this.folder);
    // What was extracted before this look is in its figures now.
    this.free = free;
    this.bytesSinceLook = 0;
    this.entriesSinceLook = 0;
  }
}

export class FolderBudget {
  private bytes = 0;
  private entries = 0;

  constructor(
    private readonly budget: WriteBudget,
    readonly name: string,
  ) {}

  /**
   * Counts `bytes` of tar (and `entries` new files, folders or links) before they are written.
   * Throws a PullError (UNPACK_LIMIT or DISK_RESERVE) when they would go past a bound; returns a
   * promise to wait for when the budget takes a new look at the filesystem.
   */
  charge(bytes: number, entries = 0): Promise<void> | undefined {
    const look = this.budget.chargeExtracted(this.name, bytes, entries, this.bytes + bytes);
    this.bytes += bytes;
    this.entries += entries;
    return look;
  }

  /** The layer's output was removed, to be extracted again: its charges are undone. */
  discard(): void {
    this.budget.refund(this.bytes, this.entries);
    this.bytes = 0;
    this.entries = 0;
  }
}
