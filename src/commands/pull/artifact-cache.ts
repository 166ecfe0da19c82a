// The runner's tool cache as a store of pulled blobs, keyed by manifest digest, so pulling the
// same digest again on that runner downloads no blob. An entry holds `blobs/<alg>/<hex>` files
// (the manifest among them); every byte read from it is verified again, like a download.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as toolCache from '@actions/tool-cache';
import { digestAlgorithm, digestHex, type Digest } from '../../oci/digest.js';

export interface CachedArtifact {
  /** The folder of the entry. */
  readonly path: string;
  /** The path of a blob the entry holds, or undefined. */
  blob(digest: Digest): string | undefined;
}

export interface ArtifactCache {
  find(manifest: Digest): CachedArtifact | undefined;
  /** Stores a folder of `blobs/<alg>/<hex>` files as the entry for `manifest`. */
  save(manifest: Digest, folder: string): Promise<void>;
}

/** Where a blob lives inside a cache entry or a folder being assembled for one. */
export const blobFile = (folder: string, digest: Digest): string =>
  join(folder, 'blobs', digestAlgorithm(digest), digestHex(digest));

export const TOOL_NAME = 'oci-artifact';
/** The content is the same on every architecture. */
export const TOOL_ARCH = 'any';

/**
 * The tool-cache version of a manifest digest. `find` only looks up valid semver, and one
 * pre-release identifier `sha256-<hex>` is always valid (`sha256.<hex>` would not be when the hex
 * is all digits with a leading zero: numeric identifiers may not have one).
 */
export const cacheVersion = (manifest: Digest): string =>
  `0.0.0-${digestAlgorithm(manifest)}-${digestHex(manifest)}`;

/** The runner's tool cache (`RUNNER_TOOL_CACHE`), through @actions/tool-cache. */
export const runnerToolCache: ArtifactCache = {
  find(manifest) {
    const path = toolCache.find(TOOL_NAME, cacheVersion(manifest), TOOL_ARCH);
    return path === '' ? undefined : folderEntry(path);
  },
  async save(manifest, folder) {
    await toolCache.cacheDir(folder, TOOL_NAME, cacheVersion(manifest), TOOL_ARCH);
  },
};

export function folderEntry(path: string): CachedArtifact {
  return {
    path,
    blob: (digest) => {
      const file = blobFile(path, digest);
      return existsSync(file) ? file : undefined;
    },
  };
}
