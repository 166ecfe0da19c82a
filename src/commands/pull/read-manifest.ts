// Resolves the selector and reads the manifest: from the runner's cache when it holds this
// digest (a pull by digest then needs no network at all), else from the source.
import { readFile, stat } from 'node:fs/promises';
import type { Descriptor } from '../../oci/descriptor.js';
import { digestBytes, isDigest, type Digest } from '../../oci/digest.js';
import { OCI_MANIFEST } from '../../oci/media-types.js';
import type { Log } from '../log.js';
import type { ArtifactCache, CachedArtifact } from './artifact-cache.js';
import { PullError } from './errors.js';
import type { PullSource } from './pull.js';

/** Registries cap manifests at 4 MiB; so do we, for a cached one too. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface ManifestRead {
  descriptor: Descriptor;
  bytes: Buffer;
  /** The cache entry for this digest, when the runner has one. */
  cached?: CachedArtifact;
}

export interface ReadManifestOptions {
  source: PullSource;
  selector: string;
  where: string;
  expectedDigest?: Digest;
  cache?: ArtifactCache;
  log: Log;
}

export async function readManifest(options: ReadManifestOptions): Promise<ManifestRead> {
  const { source, selector, expectedDigest, cache, log } = options;
  if (isDigest(selector)) {
    checkExpected(options, selector as Digest);
    const hit = await fromCache(cache?.find(selector as Digest), selector as Digest, log);
    if (hit) return hit;
  }
  const descriptor = await source.resolve(selector);
  if (expectedDigest !== undefined) checkExpected(options, descriptor.digest);
  const cached = cache?.find(descriptor.digest);
  const hit = await fromCache(cached, descriptor.digest, log, descriptor);
  if (hit) return hit;
  const fetched = await source.fetchManifest(descriptor);
  return { descriptor: fetched.descriptor, bytes: fetched.bytes, ...(cached ? { cached } : {}) };
}

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
  if ((await stat(file)).size > MAX_MANIFEST_BYTES) return undefined;
  const bytes = await readFile(file);
  if (digestBytes(bytes, digest.slice(0, digest.indexOf(':'))) !== digest) {
    log.warning(`the runner's cache entry for ${digest} is damaged; downloading again`);
    return undefined;
  }
  log.info(`Found ${digest} in the runner's tool cache (${cached.path})`);
  const descriptor: Descriptor = resolved ?? {
    mediaType: mediaTypeOf(bytes),
    digest,
    size: bytes.length,
  };
  return { descriptor, bytes, cached };
}

function mediaTypeOf(bytes: Buffer): string {
  try {
    const json = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown };
    return typeof json.mediaType === 'string' ? json.mediaType : OCI_MANIFEST;
  } catch {
    return OCI_MANIFEST;
  }
}
