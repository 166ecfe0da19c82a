// After a pull that downloaded blobs: store them, the manifest and whatever the old entry held
// as the runner's cache entry for this manifest digest. A failure here only warns: the files
// are already in place.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Log } from '../log.js';
import { blobFile, type ArtifactCache } from './artifact-cache.js';
import type { ManifestRead } from './read-manifest.js';

export async function saveToCache(
  cache: ArtifactCache,
  read: ManifestRead,
  folder: string,
  log: Log,
): Promise<void> {
  const digest = read.descriptor.digest;
  try {
    const manifestFile = blobFile(folder, digest);
    await mkdir(dirname(manifestFile), { recursive: true });
    await writeFile(manifestFile, read.bytes, { flag: 'w' });
    if (read.cached) {
      // Keep blobs an earlier pull (with other filters) cached; never replace the new ones.
      await cp(join(read.cached.path, 'blobs'), join(folder, 'blobs'), {
        recursive: true,
        force: false,
      });
    }
    await cache.save(digest, folder);
    log.info(`Saved ${digest} to the runner's tool cache`);
  } catch (error) {
    log.warning(`could not save ${digest} to the runner's tool cache: ${(error as Error).message}`);
  }
}
