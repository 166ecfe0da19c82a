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
  /**
   * Whether an error is the source's own (a file that changed since it was hashed): then the
   * upload stops at once with that error, as no attempt would do better. Others are the
   * network's, and retried.
   */
  isOwnFailure?(error: unknown): boolean;
}

export interface FetchOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/**
 * Connections a download split in parts may use beyond its own one, shared by the downloads of a
 * command so that all of them together stay within its concurrency.
 */
export interface ConnectionBudget {
  /** A connection free now, or undefined; call the function returned to give it back. */
  tryTake(): (() => void) | undefined;
  /** Calls `listener` once when a connection may have come free; returns a function that stops it. */
  onFree(listener: () => void): () => void;
  /** Others wait for a connection: an extra one is given back at the end of its part. */
  readonly contended: boolean;
}

export interface FetchToFileOptions extends FetchOptions {
  /**
   * Split the blob into this many parts (fewer for a small blob), downloaded side by side with
   * Range requests and written at their offsets; 1 (the default): one stream. A server that
   * ignores Range gets one stream whatever this says.
   */
  parts?: number;
  /** Where parts beyond the first get their connections; when unset, all run at once. */
  connections?: ConnectionBudget;
  /** Permission bits of the new file, before the umask; default 0o644. */
  mode?: number;
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

/** A store that can write a blob straight into a file, faster than through a stream. */
export interface FileFetcher {
  /**
   * Writes the blob into a new file at `path` (which must not exist). Resolves only once the
   * file holds exactly the descriptor's size and digest; on any failure the file is removed.
   */
  fetchToFile(descriptor: Descriptor, path: string, options?: FetchToFileOptions): Promise<void>;
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
