// Where each layer's bytes come from: the runner's cache when it holds them, else the target.
// When the pull is to fill the cache, a downloaded blob is first kept whole (verified) in the
// folder that becomes the cache entry, and the layer is read from there.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Descriptor } from '../../oci/descriptor.js';
import { digestAlgorithm, digestFile, VerifyingStream, type Digest } from '../../oci/digest.js';
import type { Fetcher, ProgressListener } from '../../oci/target.js';
import type { Log } from '../log.js';
import { blobFile, type CachedArtifact } from './artifact-cache.js';

export interface BlobSourcesOptions {
  target: Fetcher;
  /** The cache entry for this manifest, when the runner has one. */
  cached?: CachedArtifact;
  /** The folder assembling a new cache entry; unset when not caching. */
  cacheFolder?: string;
  onProgress?: ProgressListener;
  log: Log;
}

export class BlobSources {
  /** Digests read from the target / from the cache. */
  readonly downloaded = new Set<Digest>();
  readonly fromCache = new Set<Digest>();
  /** One download per digest, even when two layers share it. */
  private readonly saving = new Map<Digest, Promise<string>>();

  constructor(private readonly options: BlobSourcesOptions) {}

  async open(descriptor: Descriptor, signal: AbortSignal): Promise<Readable> {
    const cachedFile = await this.intactCachedFile(descriptor);
    if (cachedFile !== undefined) {
      this.fromCache.add(descriptor.digest);
      return createReadStream(cachedFile, { signal });
    }
    const folder = this.options.cacheFolder;
    if (folder === undefined) {
      this.downloaded.add(descriptor.digest);
      return this.fetch(descriptor, signal);
    }
    let saved = this.saving.get(descriptor.digest);
    if (saved === undefined) {
      saved = this.save(descriptor, blobFile(folder, descriptor.digest), signal);
      this.saving.set(descriptor.digest, saved);
    }
    return createReadStream(await saved, { signal });
  }

  /**
   * The cached copy, checked whole first: a damaged one is downloaded again (and the entry
   * rewritten) rather than failing every pull of this digest on this runner.
   */
  private async intactCachedFile(descriptor: Descriptor): Promise<string | undefined> {
    const file = this.options.cached?.blob(descriptor.digest);
    if (file === undefined) return undefined;
    const actual = await digestFile(file, digestAlgorithm(descriptor.digest));
    if (actual.digest === descriptor.digest && actual.size === descriptor.size) return file;
    this.options.log.warning(
      `the runner's cached copy of ${descriptor.digest} is damaged; downloading it again`,
    );
    return undefined;
  }

  private fetch(descriptor: Descriptor, signal: AbortSignal): Promise<Readable> {
    const onProgress = this.options.onProgress;
    return this.options.target.fetch(descriptor, { signal, ...(onProgress ? { onProgress } : {}) });
  }

  private async save(descriptor: Descriptor, file: string, signal: AbortSignal): Promise<string> {
    await mkdir(dirname(file), { recursive: true });
    await pipeline(
      await this.fetch(descriptor, signal),
      new VerifyingStream(descriptor, `blob ${descriptor.digest}`),
      createWriteStream(file, { flags: 'wx' }),
    );
    this.downloaded.add(descriptor.digest);
    return file;
  }
}
