// Where each layer's bytes come from, always verified. A file layer is written straight into its
// file (toFile): by the target, which downloads it in parts when that pays off, or copied from
// the runner's cache. A folder layer is read as a stream (open) to be extracted on the way.
//
// The runner's cache: a copy the entry verified and still vouches for (see blob-record.ts) is
// used as it is, copied as a reflink where the file system can (a clone that shares the blocks
// until either side changes), else copied by the kernel; any other copy is hashed, and a damaged
// one is downloaded again. Never a hard link: the user may edit a pulled file in place, which
// would change the cached copy behind the record's back.
//
// A pull that fills the cache keeps each downloaded blob for the new entry: a file layer's file
// is copied there (reflink, or a kernel copy) once verified; a folder layer's stream is written
// there while the layer reads it (CopyToFile). Either way each download is read once.
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { chmod, copyFile, mkdir, open as openFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import type { Descriptor } from '../../oci/descriptor.js';
import { digestAlgorithm, digestFile, VerifyingStream, type Digest } from '../../oci/digest.js';
import type { ConnectionBudget, Fetcher, FileFetcher, ProgressListener } from '../../oci/target.js';
import type { Log } from '../log.js';
import { blobFile, type CachedArtifact } from './artifact-cache.js';
import type { BlobStamp } from './blob-record.js';
import { CopyToFile } from './copy-to-file.js';
import { WRITE_BUFFER } from './stage-layer.js';

/** A new file, as a clone where the file system can make one, else a copy of the bytes. */
const CLONE_OR_COPY = constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE;

export interface BlobSourcesOptions {
  target: Fetcher & Partial<FileFetcher>;
  /** The cache entry for this manifest, when the runner has one. */
  cached?: CachedArtifact;
  /** The folder assembling a new cache entry; unset when not caching. */
  cacheFolder?: string;
  /** How many parts a blob of this size is downloaded in (see download-parts.ts). */
  parts?: (size: number) => number;
  onProgress?: ProgressListener;
  log: Log;
}

export interface ToFileOptions {
  signal: AbortSignal;
  /** Permission bits of the new file, before the umask. */
  mode: number;
  /** Where the parts of a download beyond its first get their connections (see TransferSlots). */
  connections?: ConnectionBudget;
}

export interface OpenedBlob {
  /** Verified: fails at its end unless its size and digest are the descriptor's. */
  stream: Readable;
  /** Read from the runner's cache, so a failure may be the cached copy's fault. */
  fromCache: boolean;
}

export class BlobSources {
  /** Digests read from the target / from the cache. */
  readonly downloaded = new Set<Digest>();
  readonly fromCache = new Set<Digest>();
  /** Cached copies found damaged: this pull downloads them, and its entry replaces them. */
  private readonly damaged = new Set<Digest>();
  /** Copies for the new cache entry: a digest shared by two layers is downloaded once. */
  private readonly copies = new Map<Digest, Promise<string>>();
  /** Cached copies this pull hashed and found right, stamped as they were before being read. */
  private readonly checked = new Map<Digest, BlobStamp>();

  constructor(private readonly options: BlobSourcesOptions) {}

  /** The digests the new cache entry holds verified copies of, all written by now. */
  get copied(): Digest[] {
    return [...this.copies.keys()];
  }

  /** Copies in the cache entry this pull hashed (it did not vouch for them) and found right. */
  get checkedCopies(): ReadonlyMap<Digest, BlobStamp> {
    return this.checked;
  }

  /** Writes the blob into a new file at `path`, verified; removes it again on failure. */
  async toFile(descriptor: Descriptor, path: string, options: ToFileOptions): Promise<void> {
    const { digest } = descriptor;
    const cachedFile = this.cachedFile(digest);
    if (
      cachedFile !== undefined &&
      (await this.copyFromCache(descriptor, cachedFile, path, options))
    ) {
      this.fromCache.add(digest);
      return;
    }
    const folder = this.options.cacheFolder;
    if (folder === undefined) {
      this.downloaded.add(digest);
      await this.download(descriptor, path, options);
      return;
    }
    const copy = this.copies.get(digest);
    if (copy !== undefined) {
      // Another layer downloads these bytes: copy its verified copy once it is complete.
      await copyWithMode(await copy, path, options);
      return;
    }
    const entryCopy = blobFile(folder, digest);
    const kept = this.keep(digest, async () => {
      await this.download(descriptor, path, options);
      await mkdir(dirname(entryCopy), { recursive: true });
      await copyFile(path, entryCopy, CLONE_OR_COPY);
      return entryCopy;
    });
    await kept;
  }

  /** A verified stream of the blob, for a folder layer to extract. */
  async open(descriptor: Descriptor, signal: AbortSignal): Promise<OpenedBlob> {
    const { digest } = descriptor;
    const cachedFile = this.cachedFile(digest);
    if (cachedFile !== undefined) {
      this.fromCache.add(digest);
      return { stream: await this.readCached(descriptor, cachedFile, signal), fromCache: true };
    }
    const folder = this.options.cacheFolder;
    if (folder === undefined) {
      this.downloaded.add(digest);
      return { stream: await this.fetch(descriptor, signal), fromCache: false };
    }
    const copy = this.copies.get(digest);
    if (copy !== undefined) {
      // Another layer is downloading these bytes already: read its copy once it is complete.
      const what = `the downloaded copy of ${digest}`;
      return { stream: verifiedFile(await copy, descriptor, what, signal), fromCache: false };
    }
    const stream = await this.downloadWithCopy(descriptor, blobFile(folder, digest), signal);
    return { stream, fromCache: false };
  }

  /**
   * After a layer read from the cache failed: whether the cached copy is to blame (checked whole,
   * only now). A damaged copy is not read again: the caller downloads the blob instead.
   */
  async cachedCopyIsDamaged(descriptor: Descriptor): Promise<boolean> {
    const file = this.options.cached?.blob(descriptor.digest);
    if (file === undefined || this.damaged.has(descriptor.digest)) return false;
    const actual = await digestFile(file, digestAlgorithm(descriptor.digest)).catch(
      () => undefined,
    );
    if (actual?.digest === descriptor.digest && actual.size === descriptor.size) return false;
    this.markDamaged(descriptor.digest);
    return true;
  }

  private cachedFile(digest: Digest): string | undefined {
    return this.damaged.has(digest) ? undefined : this.options.cached?.blob(digest);
  }

  private markDamaged(digest: Digest): void {
    this.damaged.add(digest);
    this.fromCache.delete(digest);
    this.options.log.warning(
      `the runner's cached copy of ${digest} is damaged; downloading it again`,
    );
  }

  /**
   * The cached copy into `path`: as it is when the entry vouches for it, else hashed first (and
   * vouched for from now on when right). False, with nothing left at `path`, when it is damaged.
   */
  private async copyFromCache(
    descriptor: Descriptor,
    cachedFile: string,
    path: string,
    options: ToFileOptions,
  ): Promise<boolean> {
    const entry = this.options.cached as CachedArtifact;
    const { digest, size } = descriptor;
    if (await entry.vouchesFor(digest, size)) {
      await copyWithMode(cachedFile, path, options);
      return true;
    }
    const before = await entry.stamp(digest);
    await copyWithMode(cachedFile, path, options);
    const actual = await digestFile(path, digestAlgorithm(digest));
    if (actual.digest === digest && actual.size === size) {
      if (before !== undefined) this.checked.set(digest, before);
      return true;
    }
    await rm(path, { force: true });
    this.markDamaged(digest);
    return false;
  }

  /** The cached copy as a stream: as it is when vouched for, else verified on the way. */
  private async readCached(
    descriptor: Descriptor,
    cachedFile: string,
    signal: AbortSignal,
  ): Promise<Readable> {
    const entry = this.options.cached as CachedArtifact;
    if (await entry.vouchesFor(descriptor.digest, descriptor.size)) {
      return createReadStream(cachedFile, { signal, highWaterMark: WRITE_BUFFER });
    }
    const before = await entry.stamp(descriptor.digest);
    const what = `the runner's cached copy of ${descriptor.digest}`;
    const stream = verifiedFile(cachedFile, descriptor, what, signal);
    // 'end' only comes once every byte was verified.
    if (before !== undefined) stream.once('end', () => this.checked.set(descriptor.digest, before));
    return stream;
  }

  /**
   * Registers the new entry's copy of `digest` before anything is awaited, so a second layer
   * with the same digest waits for it instead of downloading again.
   */
  private keep(digest: Digest, make: () => Promise<string>): Promise<string> {
    this.downloaded.add(digest);
    const copy = make();
    copy.catch(() => undefined); // the layer making it reports the error
    this.copies.set(digest, copy);
    return copy;
  }

  /** The blob into a new file at `path`: in parts when the target can, else streamed. */
  private async download(descriptor: Descriptor, path: string, options: ToFileOptions) {
    const { signal, mode, connections } = options;
    const { target, onProgress, parts } = this.options;
    if (typeof target.fetchToFile === 'function') {
      await target.fetchToFile(descriptor, path, {
        signal,
        mode,
        parts: parts?.(descriptor.size) ?? 1,
        ...(connections ? { connections } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
      return;
    }
    const stream = await this.fetch(descriptor, signal);
    const file = createWriteStream(path, { flags: 'wx', mode, highWaterMark: WRITE_BUFFER });
    try {
      await pipelineAsync(stream, file);
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
  }

  private fetch(descriptor: Descriptor, signal: AbortSignal): Promise<Readable> {
    const onProgress = this.options.onProgress;
    return this.options.target.fetch(descriptor, { signal, ...(onProgress ? { onProgress } : {}) });
  }

  /**
   * The target's stream, copied to `file` on the way. The copy is registered before anything is
   * awaited, so a second layer with the same digest waits for it instead of downloading again.
   */
  private async downloadWithCopy(
    descriptor: Descriptor,
    file: string,
    signal: AbortSignal,
  ): Promise<Readable> {
    let copied!: (file: string) => void;
    let failed!: (error: unknown) => void;
    this.keep(
      descriptor.digest,
      () =>
        new Promise<string>((resolve, reject) => {
          copied = resolve;
          failed = reject;
        }),
    );
    try {
      await mkdir(dirname(file), { recursive: true });
      const fetched = await this.fetch(descriptor, signal);
      const tee = new CopyToFile(file);
      // 'end' comes after the copy is closed, and only when every byte was verified.
      tee.once('end', () => copied(file));
      tee.once('error', failed);
      // Closed without an end: the layer reading it gave up (its own failure fails the pull).
      tee.once('close', () => failed(new Error(`the download of ${descriptor.digest} stopped`)));
      pipeline(fetched, tee, () => undefined);
      return tee;
    } catch (error) {
      failed(error);
      throw error;
    }
  }
}

/** A file read through a VerifyingStream: nothing a Target vouches for. */
/**
 * A copy of the verified file `from` as the new file `to`, with `mode` (before the umask), not
 * `from`'s: the cache entry's copy may have been written for a layer of another mode. copyFile
 * gives the copy its source's mode, so the file is created first (the umask applies as to any new
 * file) and its mode put back after the copy. A copy is not cut short by `signal`, but nothing
 * follows it once the signal is aborted.
 */
async function copyWithMode(from: string, to: string, options: ToFileOptions): Promise<void> {
  const created = await openFile(to, 'wx', options.mode);
  let mode: number;
  try {
    mode = (await created.stat()).mode & 0o777;
  } finally {
    await created.close();
  }
  try {
    await copyFile(from, to, constants.COPYFILE_FICLONE);
    await chmod(to, mode);
    options.signal.throwIfAborted();
  } catch (error) {
    await rm(to, { force: true });
    throw error;
  }
}

function verifiedFile(
  path: string,
  descriptor: Descriptor,
  what: string,
  signal: AbortSignal,
): Readable {
  const verifier = new VerifyingStream(descriptor, what);
  pipeline(
    createReadStream(path, { signal, highWaterMark: WRITE_BUFFER }),
    verifier,
    () => undefined,
  );
  return verifier;
}
