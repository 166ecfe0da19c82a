// Copies a content graph (an index, its manifests, their configs and layers, and optionally
// their referrers) from one Target to another, byte for byte so every digest stays the same.
// Children go before their parents so a registry never sees a manifest whose blobs it lacks.
// The shape follows oras-go's Copy/ExtendedCopy: https://github.com/oras-project/oras-go/blob/v2.6.0/copy.go
import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { Descriptor } from './descriptor.js';
import { isManifestDescriptor, parseManifestLinks } from './manifest-graph.js';
import type { BlobSource, ProgressListener, PushBlobOutcome, Target } from './target.js';
import { DEFAULT_CONCURRENCY } from './transfer-policy.js';
import { Transfers } from './transfers.js';

export interface CopyOptions {
  /**
   * Blobs moved at once, fewer of them large (see transfers.ts); if unset or ≤ 0, a default
   * (16) is used.
   */
  concurrency?: number;
  /**
   * Repository (same registry as the destination) to mount blobs from instead of uploading
   * them; the destination falls back to an upload when the registry refuses.
   */
  mountFrom?: string;
  /** Tags the root in the destination. */
  tag?: string;
  /** Also copy the referrers (signatures, SBOMs) of every manifest copied, and theirs. */
  recursive?: boolean;
  /** Called once per blob with how it reached the destination. */
  onBlob?: (descriptor: Descriptor, outcome: PushBlobOutcome) => void;
  /** Called once per manifest, after it was pushed or found present. */
  onManifest?: (descriptor: Descriptor, outcome: 'copied' | 'exists') => void;
  /** Upload progress of each blob. */
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface CopyResult {
  root: Descriptor;
  /** Blobs by outcome. */
  blobs: Record<PushBlobOutcome, number>;
  manifests: { copied: number; exists: number };
  /** Bytes of the blobs that were uploaded (not those found or mounted). */
  bytesUploaded: number;
}

/** Copies `root` and everything it reaches from `source` to `destination`. */
export async function copyGraph(
  source: Target,
  destination: Target,
  root: Descriptor,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const copier = new GraphCopier(source, destination, options);
  void copier.copy(root, true);
  // Siblings fail with an abort once the first failure stops them: the first is thrown.
  await copier.transfers.settle();
  return copier.result(root);
}

class GraphCopier {
  /** Blobs in the slots of `concurrency`; one copy per digest, awaited by every parent. */
  readonly transfers: Transfers;
  private readonly blobs: Record<PushBlobOutcome, number> = { uploaded: 0, exists: 0, mounted: 0 };
  private readonly manifests = { copied: 0, exists: 0 };
  private bytesUploaded = 0;

  constructor(
    private readonly source: Target,
    private readonly destination: Target,
    private readonly options: CopyOptions,
  ) {
    const n = options.concurrency ?? 0;
    this.transfers = new Transfers(n > 0 ? n : DEFAULT_CONCURRENCY, options.signal);
  }

  private get signal(): AbortSignal {
    return this.transfers.signal;
  }

  copy(descriptor: Descriptor, isRoot = false): Promise<void> {
    // The root is never shared: it may carry a tag that a nested copy would not set. A manifest
    // takes no slot: it only waits for its children, which take theirs.
    const key = isRoot ? undefined : descriptor.digest;
    return isManifestDescriptor(descriptor)
      ? this.transfers.start(() => this.copyManifest(descriptor, isRoot), key)
      : this.transfers.transfer(descriptor.size, () => this.copyBlob(descriptor), key);
  }

  result(root: Descriptor): CopyResult {
    return {
      root,
      blobs: { ...this.blobs },
      manifests: { ...this.manifests },
      bytesUploaded: this.bytesUploaded,
    };
  }

  private async copyManifest(descriptor: Descriptor, isRoot: boolean): Promise<void> {
    this.signal.throwIfAborted();
    const tag = isRoot ? this.options.tag : undefined;
    // A manifest the destination has comes with everything below it (registries check that).
    if (await this.destination.exists(descriptor)) {
      if (tag !== undefined) await this.destination.tag(descriptor, tag);
      this.manifests.exists++;
      this.options.onManifest?.(descriptor, 'exists');
    } else {
      const { bytes } = await this.source.fetchManifest(descriptor);
      const links = parseManifestLinks(
        bytes,
        `${this.source.location} manifest ${descriptor.digest}`,
      );
      await allOrFirstError(links.children.map((child) => this.copy(child)));
      this.signal.throwIfAborted();
      await this.destination.pushManifest(descriptor, bytes, tag);
      this.manifests.copied++;
      this.options.onManifest?.(descriptor, 'copied');
    }
    if (this.options.recursive) {
      const referrers = await this.source.referrers(descriptor);
      await allOrFirstError(referrers.map((referrer) => this.copy(referrer)));
    }
  }

  private async copyBlob(descriptor: Descriptor): Promise<void> {
    const outcome = await this.destination.pushBlob(descriptor, this.sourceOf(descriptor), {
      signal: this.signal,
      ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}),
      ...(this.options.mountFrom !== undefined ? { mountFrom: this.options.mountFrom } : {}),
    });
    this.blobs[outcome]++;
    if (outcome === 'uploaded') this.bytesUploaded += descriptor.size;
    this.options.onBlob?.(descriptor, outcome);
  }

  /** Each open() fetches afresh (verified), so a retried upload never reads a used stream. */
  private sourceOf(descriptor: Descriptor): BlobSource {
    return {
      open: () => deferred(() => this.source.fetch(descriptor, { signal: this.signal })),
    };
  }
}

/** A stream available at once whose bytes come from a stream opened asynchronously. */
function deferred(open: () => Promise<Readable>): Readable {
  const out = new PassThrough();
  open().then(
    (stream) => pipeline(stream, out, () => undefined),
    (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return out;
}

/** Like Promise.all, but waits for every promise before rejecting with the first error. */
async function allOrFirstError(promises: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
