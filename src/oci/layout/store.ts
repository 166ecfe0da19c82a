// An OCI image layout folder as a Target: the same operations as a registry repository, on disk.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md
import { constants } from 'node:fs';
import { lstat, mkdir, rm } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import type { Descriptor } from '../descriptor.js';
import { isDigest, parseDigest, VerifyingStream, type Digest } from '../digest.js';
import { OciError } from '../errors.js';
import { MAX_MANIFEST_BYTES } from '../media-types.js';
import { openNoFollow } from '../no-follow.js';
import {
  isManifestDescriptor,
  parseManifestLinks,
  referrerDescriptor,
  type ManifestLinks,
} from '../manifest-graph.js';
import type {
  BlobSource,
  FetchedManifest,
  FetchOptions,
  PushBlobOptions,
  PushBlobOutcome,
  PushManifestResult,
  Target,
} from '../target.js';
import { progressTap } from '../progress-tap.js';
import { readableOf, writeVerified } from './atomic-file.js';
import { blobDir, blobPath } from './blob-path.js';
import { addUntagged, IndexFile, refNameOf, setTag, withoutRefName } from './index-file.js';
import { prepareLayout } from './layout-marker.js';
import type { LockOptions } from './lock-file.js';

// A ref.name as the image-layout spec allows it (tags, and also full names such as skopeo's).
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md#indexjson-file
const REF_NAME_PATTERN =
  /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;

export interface OpenLayoutOptions {
  /** Make the folder, `oci-layout` and an empty `index.json` when missing. */
  create: boolean;
  /** How long to wait for other processes updating `index.json` (see lock-file.ts). */
  lock?: LockOptions;
}

export class OciLayout implements Target {
  readonly location: string;
  /** Parsed manifests by digest: content-addressed, so never stale. */
  private readonly linksCache = new Map<Digest, ManifestLinks>();
  /** One write per digest at a time in this process. */
  private readonly writing = new Map<Digest, Promise<PushBlobOutcome>>();

  private constructor(
    readonly root: string,
    private readonly index: IndexFile,
  ) {
    this.location = `oci-layout:${root}`;
  }

  /**
   * Opens the layout at `path`. Without `create`, a missing folder or `oci-layout` file is an
   * OciError NOT_FOUND and an unreadable one LAYOUT_ERROR.
   */
  static async open(path: string, options: OpenLayoutOptions): Promise<OciLayout> {
    const root = resolvePath(path);
    const index = new IndexFile(root, options.lock);
    await prepareLayout(root, options.create, index);
    return new OciLayout(root, index);
  }

  /**
   * Removes the layout folder at `path`, which the caller created and failed to fill, unless its
   * index.json carries a tag: another process has then pushed into it meanwhile (a failed copy
   * tags nothing, since its root goes last). Decided under the index lock. True when removed.
   */
  static async removeIfUntagged(path: string, lock: LockOptions = {}): Promise<boolean> {
    const root = resolvePath(path);
    if (!(await lstat(root).catch(() => undefined))?.isDirectory()) return false;
    const index = new IndexFile(root, lock);
    let removed = false;
    await index.exclusive(async () => {
      const tagged = await index.read().then(
        (read) => read.manifests.some((d) => refNameOf(d) !== undefined),
        () => false, // no readable index.json: nothing anyone could find in the folder
      );
      if (tagged) return;
      await rm(root, { recursive: true, force: true });
      removed = true;
    });
    return removed;
  }

  async resolve(reference: string): Promise<Descriptor> {
    const manifests = (await this.index.read()).manifests;
    if (isDigest(reference)) {
      const listed = manifests.find((d) => d.digest === reference);
      if (listed) return withoutRefName(listed);
      return this.describeUnlisted(reference as Digest);
    }
    // The last entry wins should a foreign writer have left duplicates.
    const tagged = manifests.filter((d) => refNameOf(d) === reference).at(-1);
    if (!tagged) {
      throw new OciError('NOT_FOUND', `${this.location}: no manifest is tagged "${reference}"`);
    }
    return withoutRefName(tagged);
  }

  async fetch(descriptor: Descriptor, options: FetchOptions = {}): Promise<Readable> {
    const file = await this.openBlob(descriptor);
    const verifier = new VerifyingStream(descriptor, `${this.location} blob ${descriptor.digest}`);
    const stages: NodeJS.ReadWriteStream[] = [];
    if (options.onProgress) stages.push(progressTap(descriptor, options.onProgress));
    const source = file.createReadStream({
      ...(options.signal ? { signal: options.signal } : {}),
    });
    // Errors anywhere destroy the returned stream, so the reader sees them.
    pipeline([source, ...stages, verifier], () => undefined);
    return verifier;
  }

  async fetchManifest(reference: string | Descriptor): Promise<FetchedManifest> {
    const descriptor = typeof reference === 'string' ? await this.resolve(reference) : reference;
    if (descriptor.size > MAX_MANIFEST_BYTES) {
      throw new OciError(
        'SIZE_LIMIT_EXCEEDED',
        `${this.location}: manifest ${descriptor.digest} is ${descriptor.size} bytes, more than the ${MAX_MANIFEST_BYTES} allowed`,
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await this.fetch(descriptor)) chunks.push(chunk as Buffer);
    return { descriptor, bytes: Buffer.concat(chunks) };
  }

  async exists(descriptor: Descriptor): Promise<boolean> {
    const info = await lstat(blobPath(this.root, descriptor.digest)).catch(() => undefined);
    return info !== undefined && info.isFile() && info.size === descriptor.size;
  }

  pushBlob(
    descriptor: Descriptor,
    source: BlobSource,
    options: PushBlobOptions = {},
  ): Promise<PushBlobOutcome> {
    const running = this.writing.get(descriptor.digest);
    // A second push of the same digest waits for the first; should that fail, it tries itself.
    if (running) {
      return running.then(
        () => 'exists',
        () => this.pushBlob(descriptor, source, options),
      );
    }
    const write = this.writeBlob(descriptor, () => source.open(), options).finally(() =>
      this.writing.delete(descriptor.digest),
    );
    this.writing.set(descriptor.digest, write);
    return write;
  }

  async pushManifest(
    descriptor: Descriptor,
    bytes: Uint8Array,
    tag?: string,
  ): Promise<PushManifestResult> {
    if (tag !== undefined) checkRefName(tag);
    const links = parseManifestLinks(bytes, `manifest ${descriptor.digest}`);
    const missing: Descriptor[] = [];
    for (const child of links.children) {
      // Foreign layers (with urls) may live elsewhere by design.
      if (child.urls === undefined && !(await this.exists(child))) missing.push(child);
    }
    if (missing.length > 0) {
      throw new OciError(
        'INVALID_MANIFEST',
        `${this.location}: manifest ${descriptor.digest} refers to content the layout lacks (${missing.map((d) => d.digest).join(', ')}); push it first`,
      );
    }
    await this.writeBlob(descriptor, () => readableOf(bytes), {});
    this.linksCache.set(descriptor.digest, links);
    const childDigests = new Set(links.children.map((d) => d.digest));
    await this.index.update((manifests) => {
      // Untagged entries that the new manifest now reaches are no longer roots (as oras-go).
      const kept = manifests.filter(
        (d) => refNameOf(d) !== undefined || !childDigests.has(d.digest),
      );
      return tag === undefined ? addUntagged(kept, descriptor) : setTag(kept, descriptor, tag);
    });
    // Referrers are found by scanning the layout, so every subject is handled here.
    return { subjectHandled: true };
  }

  async tag(descriptor: Descriptor, tag: string): Promise<void> {
    checkRefName(tag);
    if (!(await this.exists(descriptor))) {
      throw new OciError(
        'NOT_FOUND',
        `${this.location}: cannot tag ${descriptor.digest} as "${tag}": no such manifest`,
      );
    }
    await this.index.update((manifests) => setTag(manifests, descriptor, tag));
  }

  async tags(): Promise<string[]> {
    const names = (await this.index.read()).manifests
      .map(refNameOf)
      .filter((n): n is string => n !== undefined);
    return [...new Set(names)].sort();
  }

  async referrers(subject: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    const found = new Map<Digest, Descriptor>();
    const seen = new Set<Digest>();
    const visit = async (manifest: Descriptor): Promise<void> => {
      if (seen.has(manifest.digest) || !isManifestDescriptor(manifest)) return;
      seen.add(manifest.digest);
      const links = await this.linksOf(manifest);
      if (!links) return;
      if (links.subject?.digest === subject.digest) {
        found.set(manifest.digest, referrerDescriptor(withoutRefName(manifest), links));
      }
      for (const child of links.children) await visit(child);
    };
    for (const entry of (await this.index.read()).manifests) await visit(entry);
    return [...found.values()].filter(
      (d) => artifactType === undefined || d.artifactType === artifactType,
    );
  }

  async delete(descriptor: Descriptor): Promise<void> {
    let removed = 0;
    await this.index.update((manifests) => {
      const kept = manifests.filter((d) => d.digest !== descriptor.digest);
      removed = manifests.length - kept.length;
      return kept;
    });
    if (removed === 0) {
      throw new OciError(
        'NOT_FOUND',
        `${this.location}: manifest ${descriptor.digest} is not listed in index.json`,
      );
    }
  }

  private async writeBlob(
    descriptor: Descriptor,
    open: () => Readable,
    options: PushBlobOptions,
  ): Promise<PushBlobOutcome> {
    parseDigest(descriptor.digest);
    if (await this.exists(descriptor)) return 'exists';
    await mkdir(blobDir(this.root, descriptor.digest), { recursive: true });
    await writeVerified(blobPath(this.root, descriptor.digest), open(), descriptor, options);
    return 'uploaded';
  }

  /** Opens a blob for reading, refusing symlinks (no-follow.ts) so no blob reads outside. */
  private async openBlob(descriptor: Descriptor) {
    const path = blobPath(this.root, descriptor.digest);
    try {
      return await openNoFollow(path, constants.O_RDONLY);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new OciError('NOT_FOUND', `${this.location}: blob ${descriptor.digest} not found`);
      }
      if (code === 'ELOOP') {
        throw new OciError(
          'LAYOUT_ERROR',
          `${this.location}: blob ${descriptor.digest} is a symbolic link; refusing to follow it`,
        );
      }
      throw error;
    }
  }

  /** A manifest not listed in index.json but present as a blob: its type comes from its JSON. */
  private async describeUnlisted(digest: Digest): Promise<Descriptor> {
    const info = await lstat(blobPath(this.root, digest)).catch(() => undefined);
    if (!info?.isFile()) {
      throw new OciError('NOT_FOUND', `${this.location}: no manifest ${digest}`);
    }
    const probe: Descriptor = { mediaType: 'application/octet-stream', digest, size: info.size };
    const { bytes } = await this.fetchManifest(probe);
    const links = parseManifestLinks(bytes, `${this.location} manifest ${digest}`);
    this.linksCache.set(digest, links);
    return { mediaType: links.mediaType, digest, size: info.size };
  }

  /** Parsed manifest, or undefined when its blob is absent (a layout may be partial). */
  private async linksOf(manifest: Descriptor): Promise<ManifestLinks | undefined> {
    const cached = this.linksCache.get(manifest.digest);
    if (cached) return cached;
    if (!(await this.exists(manifest))) return undefined;
    const { bytes } = await this.fetchManifest(manifest);
    const links = parseManifestLinks(bytes, `${this.location} manifest ${manifest.digest}`);
    this.linksCache.set(manifest.digest, links);
    return links;
  }
}

function checkRefName(tag: string): void {
  if (!REF_NAME_PATTERN.test(tag)) {
    throw new OciError(
      'INVALID_REFERENCE',
      `invalid tag "${tag}" for an OCI layout: expected letters and digits separated by '-', '.', '_', ':', '@', '+' or '/'`,
    );
  }
}
