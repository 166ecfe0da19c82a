// After a pull that downloaded blobs: store them, the manifest and whatever the old entry held
// as the runner's cache entry for this manifest digest, and record the ones this pull verified
// (they need no hashing when read from the entry). A failure here only warns: the files are
// already in place.
import { constants } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Digest } from '../../oci/digest.js';
import type { Log } from '../log.js';
import { blobFile, type ArtifactCache, type CachedArtifact } from './artifact-cache.js';
import type { BlobStamp } from './blob-record.js';
import type { ManifestRead } from './read-manifest.js';

export async function saveToCache(
  cache: ArtifactCache,
  read: ManifestRead,
  folder: string,
  verified: readonly Digest[],
  log: Log,
): Promise<void> {
  const digest = read.descriptor.digest;
  try {
    const manifestFile = blobFile(folder, digest);
    await mkdir(dirname(manifestFile), { recursive: true });
    await writeFile(manifestFile, read.bytes, { flag: 'w' });
    if (read.cached) {
      // Keep blobs an earlier pull (with other filters) cached; never replace the new ones.
      // They are checked when next read (unless recorded again): this pull did not read them.
      await cp(join(read.cached.path, 'blobs'), join(folder, 'blobs'), {
        recursive: true,
        force: false,
        mode: constants.COPYFILE_FICLONE,
      });
    }
    await cache.save(digest, folder);
    await record(cache, digest, [digest, ...verified]);
    log.info(`Saved ${digest} to the runner's tool cache`);
  } catch (error) {
    log.warning(`could not save ${digest} to the runner's tool cache: ${(error as Error).message}`);
  }
}

/** Stamps the saved entry's copies of `digests`, as they are in their final place. */
async function record(cache: ArtifactCache, manifest: Digest, digests: Digest[]): Promise<void> {
  const entry = cache.find(manifest);
  if (entry === undefined) return;
  const stamps = new Map<Digest, BlobStamp>();
  for (const digest of new Set(digests)) {
    const stamp = await entry.stamp(digest);
    if (stamp !== undefined) stamps.set(digest, stamp);
  }
  await entry.vouch(stamps);
}

/**
 * Records the cached copies a pull hashed and found right, so the next pull uses them without
 * hashing. Best effort: a record not written only means hashing them once more next time.
 */
export async function recordChecked(
  entry: CachedArtifact,
  checked: ReadonlyMap<Digest, BlobStamp>,
  log: Log,
): Promise<void> {
  await entry.vouch(checked).catch((error: unknown) => {
    log.debug(
      `could not record the checked copies in the runner's cache entry ${entry.path}: ${(error as Error).message}`,
    );
  });
}
