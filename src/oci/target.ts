// One interface for where content lives, implemented by the remote repository and the OCI image
// layout folder, so commands (push, pull, copy, …) never care which one they hold.
// Small role interfaces composed into a Target, as oras-go's content package does.
import type { Readable } from 'node:stream';
import type { Descriptor } from './descriptor.js';

/** Bytes done so far for one blob; emitted at most as often as the transport reads. */
export interface ProgressEvent {
  descriptor: Descriptor;
  done: number;
  total: number;
}
export type ProgressListener = (event: ProgressEvent) => void;

/** Re-openable content: a failed upload starts over from the source, never from a used stream. */
export interface BlobSource {
  open(): Readable;
}

export interface FetchOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface PushBlobOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Repository (same registry) to mount the blob from instead of uploading it. */
  mountFrom?: string;
  /**
   * The caller has just found the blob missing: no existence check before the first attempt.
   * (A registry skips it by itself for small blobs, which cost less to send than to ask about.)
   */
  skipExistenceCheck?: boolean;
}

/** How a blob reached the target. */
export type PushBlobOutcome = 'uploaded' | 'exists' | 'mounted';

export interface PushManifestResult {
  /** True when the target maintains referrers itself (`OCI-Subject` answered). */
  subjectHandled: boolean;
}

export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
}

export interface Resolver {
  /** Tag or digest → descriptor of the manifest, without downloading any blob. */
  resolve(reference: string): Promise<Descriptor>;
}

export interface Fetcher {
  /**
   * A stream of the content that fails (destroyed with an OciError) if its size or digest
   * differs from the descriptor. Blobs may be resumed internally after a cut connection.
   */
  fetch(descriptor: Descriptor, options?: FetchOptions): Promise<Readable>;
  /** Manifest or index by tag or digest, at most 4 MiB, digest verified. */
  fetchManifest(reference: string | Descriptor): Promise<FetchedManifest>;
}

export interface ReadOnlyStorage extends Fetcher {
  exists(descriptor: Descriptor): Promise<boolean>;
}

export interface Pusher {
  /** Stores a blob whose digest and size are given up front; the target enforces them. */
  pushBlob(
    descriptor: Descriptor,
    source: BlobSource,
    options?: PushBlobOptions,
  ): Promise<PushBlobOutcome>;
  /** Stores a manifest or index; tags it when `tag` is given. Its blobs must exist first. */
  pushManifest(
    descriptor: Descriptor,
    bytes: Uint8Array,
    tag?: string,
  ): Promise<PushManifestResult>;
}

export interface Tagger {
  tag(descriptor: Descriptor, tag: string): Promise<void>;
}

export interface TagLister {
  /**
   * Every tag, every page followed, sorted and de-duplicated.
   *
   * A registry rejects with an OciError NOT_FOUND when the repository is unknown *or* holds no
   * tag (only untagged manifests): distribution answers NAME_UNKNOWN for both and cannot tell
   * them apart, while other registries answer an empty list. Callers that mean "no tags" map
   * NOT_FOUND to `[]` themselves. An OCI layout answers `[]` when nothing is tagged.
   */
  tags(): Promise<string[]>;
}

export interface ReferrerLister {
  /**
   * Manifests whose `subject` is the given one, through the referrers API or the
   * `sha256-<hex>` tag schema, filtered by artifact type when given.
   */
  referrers(subject: Descriptor, artifactType?: string): Promise<Descriptor[]>;
}

export interface Deleter {
  /** Deletes a manifest. */
  delete(descriptor: Descriptor): Promise<void>;
}

export interface Target
  extends ReadOnlyStorage, Resolver, Pusher, Tagger, TagLister, ReferrerLister, Deleter {
  /** Where the content lives, for messages: `host/repo` or `oci-layout:/path`. */
  readonly location: string;
}
