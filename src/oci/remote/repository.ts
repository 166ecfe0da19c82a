// A repository in a registry as a Target: a thin composition of the per-concern modules.
import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Descriptor } from '../descriptor.js';
import { parseDigest } from '../digest.js';
import { parseManifestLinks, referrerDescriptor, type ManifestLinks } from '../manifest-graph.js';
import { isManifestType } from '../media-types.js';
import type { Reference } from '../reference.js';
import type {
  BlobSource,
  FetchedManifest,
  FetchOptions,
  FetchToFileOptions,
  FileFetcher,
  PushBlobOptions,
  PushBlobOutcome,
  PushManifestResult,
  Target,
} from '../target.js';
import { fetchBlobToFile } from './blob-file.js';
import { exists, fetchBlob } from './blobs.js';
import { sharedClient } from './client-cache.js';
import type { RepositoryContext } from './context.js';
import type { RegistryClient } from './http-client.js';
import { deleteManifest, fetchManifest, putManifest, resolveManifest } from './manifests.js';
import type { RemoteOptions } from './options.js';
import { listAll } from './pagination.js';
import { pullScope, pushScope } from './auth/scopes.js';
import { addToTagSchema, listReferrers, referrersTag } from './referrers.js';
import { pushBlob } from './upload.js';

/**
 * `host/repo` over the distribution API. Repositories created with the same options object (or
 * through one RemoteRegistry) share connections, the auth challenge and the token cache.
 */
export class RemoteRepository implements Target, FileFetcher {
  readonly reference: Reference;
  readonly location: string;
  private readonly ctx: RepositoryContext;

  constructor(reference: Reference, options?: RemoteOptions, client?: RegistryClient) {
    this.reference = reference;
    this.location = `${reference.registry}/${reference.repository}`;
    this.ctx = {
      client: client ?? sharedClient(reference.registry, options),
      name: reference.repository,
      location: this.location,
      options: options ?? {},
    };
  }

  resolve(reference: string): Promise<Descriptor> {
    return resolveManifest(this.ctx, reference);
  }

  async fetch(descriptor: Descriptor, options: FetchOptions = {}): Promise<Readable> {
    checkDigest(descriptor);
    if (!isManifestType(descriptor.mediaType)) return fetchBlob(this.ctx, descriptor, options);
    // Manifests are small and verified whole.
    const { bytes } = await fetchManifest(this.ctx, descriptor);
    options.onProgress?.({ descriptor, done: bytes.length, total: descriptor.size });
    return Readable.from([bytes]);
  }

  async fetchToFile(
    descriptor: Descriptor,
    path: string,
    options: FetchToFileOptions = {},
  ): Promise<void> {
    checkDigest(descriptor);
    if (!isManifestType(descriptor.mediaType)) {
      return fetchBlobToFile(this.ctx, descriptor, path, options);
    }
    const { bytes } = await fetchManifest(this.ctx, descriptor);
    await writeFile(path, bytes, { flag: 'wx', mode: options.mode ?? 0o644 });
    options.onProgress?.({ descriptor, done: bytes.length, total: descriptor.size });
  }

  async fetchManifest(reference: string | Descriptor): Promise<FetchedManifest> {
    if (typeof reference !== 'string') checkDigest(reference);
    return fetchManifest(this.ctx, reference);
  }

  async exists(descriptor: Descriptor): Promise<boolean> {
    checkDigest(descriptor);
    return exists(this.ctx, descriptor);
  }

  async pushBlob(
    descriptor: Descriptor,
    source: BlobSource,
    options?: PushBlobOptions,
  ): Promise<PushBlobOutcome> {
    checkDigest(descriptor);
    return pushBlob(this.ctx, descriptor, source, options);
  }

  async pushManifest(
    descriptor: Descriptor,
    bytes: Uint8Array,
    tag?: string,
  ): Promise<PushManifestResult> {
    checkDigest(descriptor);
    const result = await putManifest(this.ctx, descriptor, bytes, tag);
    if (result.subject !== undefined) return { subjectHandled: true };
    // No OCI-Subject in the answer: the registry keeps no referrers, so the tag schema must.
    const links = linksOf(bytes);
    if (links?.subject !== undefined) {
      // Debug: push and attach say so at info themselves, with what it means for the user.
      this.ctx.client.transport.logger.debug(
        `${this.location} did not confirm the subject (no OCI-Subject header), so it keeps no referrers itself: adding ${descriptor.digest} to the referrers tag ${referrersTag(links.subject)}`,
      );
      await addToTagSchema(this.ctx, links.subject, referrerDescriptor(descriptor, links));
    }
    return { subjectHandled: false };
  }

  async tag(descriptor: Descriptor, tag: string): Promise<void> {
    checkDigest(descriptor);
    const { bytes } = await fetchManifest(this.ctx, descriptor, [pushScope(this.ctx.name)]);
    await putManifest(this.ctx, descriptor, bytes, tag);
  }

  tags(): Promise<string[]> {
    return listAll(
      this.ctx.client,
      `/v2/${this.ctx.name}/tags/list`,
      'tags',
      [pullScope(this.ctx.name)],
      {
        operation: 'list tags of',
        reference: this.location,
        repository: this.ctx.name,
      },
    );
  }

  async referrers(subject: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    checkDigest(subject);
    return listReferrers(this.ctx, subject, artifactType);
  }

  async delete(descriptor: Descriptor): Promise<void> {
    checkDigest(descriptor);
    return deleteManifest(this.ctx, descriptor);
  }
}

/**
 * A digest becomes part of a URL path here, and descriptors may come from a registry's own
 * listings (a referrers index): `sha256:../../x` would address another resource, with our token.
 */
function checkDigest(descriptor: Descriptor): void {
  parseDigest(descriptor.digest);
}

/** The manifest's links; undefined for what the registry accepted but we cannot follow. */
function linksOf(bytes: Uint8Array): ManifestLinks | undefined {
  try {
    return parseManifestLinks(bytes, 'manifest');
  } catch {
    return undefined;
  }
}
