// Where each layer's bytes come from, always as a verified stream: one that fails at its end when
// its size or digest differs from the descriptor. The target's fetch verifies by contract (see
// Fetcher in src/oci/target.ts), so its stream is used as it is; a file of the runner's cache is
// verified on the way. Either way the bytes are hashed once.
// A pull that fills the cache copies each downloaded blob into the new entry while the layer
// reads it (CopyToFile): still one read of the network stream.
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import type { Descriptor } from '../../oci/descriptor.js';
import { digestAlgorithm, digestFile, VerifyingStream, type Digest } from '../../oci/digest.js';
import type { Fetcher, ProgressListener } from '../../oci/target.js';
import type { Log } from '../log.js';
import { blobFile, type CachedArtifact } from './artifact-cache.js';
import { CopyToFile } from './copy-to-file.js';

export interface BlobSourcesOptions {
  target: Fetcher;
  /** The cache entry for this manifest, when the runner has one. */
  cached?: CachedArtifact;
  /** The folder assembling a new cache entry; unset when not caching. */
  cacheFolder?: string;
  onProgress?: ProgressListener;
  log: Log;
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

  constructor(private readonly options: BlobSourcesOptions) {}

  async open(descriptor: Descriptor, signal: AbortSignal): Promise<OpenedBlob> {
    const { digest } = descriptor;
    const cachedFile = this.damaged.has(digest) ? undefined : this.options.cached?.blob(digest);
    if (cachedFile !== undefined) {
      this.fromCache.add(digest);
      const what = `the runner's cached copy of ${digest}`;
      return { stream: verifiedFile(cachedFile, descriptor, what, signal), fromCache: true };
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
    this.damaged.add(descriptor.digest);
    this.fromCache.delete(descriptor.digest);
    this.options.log.warning(
      `the runner's cached copy of ${descriptor.digest} is damaged; downloading it again`,
    );
    return true;
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
    const copy = new Promise<string>((resolve, reject) => {
      copied = resolve;
      failed = reject;
    });
    copy.catch(() => undefined); // the layer reading the download reports the error
    this.copies.set(descriptor.digest, copy);
    this.downloaded.add(descriptor.digest);
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
function verifiedFile(
  path: string,
  descriptor: Descriptor,
  what: string,
  signal: AbortSignal,
): Readable {
  const verifier = new VerifyingStream(descriptor, what);
  pipeline(createReadStream(path, { signal }), verifier, () => undefined);
  return verifier;
}
