// Resolves the selector (to the manifest for `platform` when it names an index) and reads the
// manifest: from the runner's cache when it holds this digest (a pull by digest then needs no
// network at all), else from the source.
import { readFile, stat } from 'node:fs/promises';
import type { Descriptor, Platform } from '../../oci/descriptor.js';
import { digestAlgorithm, digestBytes, isDigest, type Digest } from '../../oci/digest.js';
import { declaredMediaType } from '../../oci/manifest-fields.js';
import { MAX_MANIFEST_BYTES, OCI_MANIFEST } from '../../oci/media-types.js';
import type { Log } from '../log.js';
import { pickPlatform } from '../pick-platform.js';
import { resolveSelected } from '../registry/resolve.js';
import type { CatalogLookup } from '../registry/tag-listing.js';
import type { ArtifactCache, CachedArtifact } from './artifact-cache.js';
import { PullError } from './errors.js';
import type { TagLister } from '../../oci/target.js';
import type { PullSource } from './pull-types.js';

export interface ManifestRead {
  descriptor: Descriptor;
  bytes: Buffer;
  /** The cache entry for this digest, when the runner has one. */
  cached?: CachedArtifact;
  /** The manifest came from that entry (else from the source: the entry lacks it, or it is damaged). */
  fromCache: boolean;
}

export interface ReadManifestOptions {
  source: PullSource;
  selector: string;
  where: string;
  expectedDigest?: Digest;
  /** The manifest for this platform when the selector names an index (read from the source). */
  platform?: Platform;
  cache?: ArtifactCache;
  /** A registry's catalog lookup (see PullItem). */
  inCatalog?: CatalogLookup;
  log: Log;
}

export async function readManifest(options: ReadManifestOptions): Promise<ManifestRead> {
  const { source, selector, cache, log, platform } = options;
  // A digest needs no resolve (and, cached, no network at all); a tag is resolved with a HEAD.
  // With a platform, what the selector names is read to pick the platform's manifest.
  const named =
    isDigest(selector) && platform === undefined ? undefined : await resolveNamed(options);
  // `expected-digest` pins what the reference names (the index, with a platform).
  checkExpected(options, named?.digest ?? (selector as Digest));
  const resolved = named && (await pickPlatform(source, named, platform, options.where, log));
  const digest = resolved?.digest ?? (selector as Digest);
  const cached = cache?.find(digest);
  const hit = await fromCache(cached, digest, log, resolved);
  if (hit) return hit;
  const fetched = await source.fetchManifest(resolved ?? digest);
  return {
    descriptor: fetched.descriptor,
    bytes: fetched.bytes,
    fromCache: false,
    ...(cached ? { cached } : {}),
  };
}

/**
 * The selector resolved. A source that lists tags says what is missing when it is not there: the
 * repository, or the tag (with the tags there are), as the registry commands do.
 */
function resolveNamed({ source, selector, inCatalog }: ReadManifestOptions): Promise<Descriptor> {
  if (!listsTags(source)) return source.resolve(selector);
  const store = { target: source, name: source.location, ...(inCatalog ? { inCatalog } : {}) };
  return resolveSelected(store, selector);
}

const listsTags = (source: PullSource): source is PullSource & TagLister =>
  source.tags !== undefined;

function checkExpected(options: ReadManifestOptions, actual: Digest): void {
  const expected = options.expectedDigest;
  if (expected === undefined || expected === actual) return;
  throw new PullError(
    'UNEXPECTED_DIGEST',
    `${options.where} resolves to ${actual}, not the expected ${expected}; nothing was downloaded`,
  );
}

/** The cached manifest, checked against its digest; a damaged entry is ignored. */
async function fromCache(
  cached: CachedArtifact | undefined,
  digest: Digest,
  log: Log,
  resolved?: Descriptor,
): Promise<ManifestRead | undefined> {
  const file = cached?.blob(digest);
  if (cached === undefined || file === undefined) return undefined;
  // The cap of a downloaded manifest holds for a cached one too.
  if ((await stat(file)).size > MAX_MANIFEST_BYTES) return undefined;
  const bytes = await readFile(file);
  if (digestBytes(bytes, digestAlgorithm(digest)) !== digest) {
    log.warning(`the runner's cache entry for ${digest} is damaged; downloading again`);
    return undefined;
  }
  log.info(`Found ${digest} in the runner's tool cache (${cached.path})`);
  const descriptor: Descriptor = resolved ?? {
    mediaType: declaredMediaType(bytes) ?? OCI_MANIFEST,
    digest,
    size: bytes.length,
  };
  return { descriptor, bytes, cached, fromCache: true };
}
