// The runner's tool cache as a store of pulled blobs, keyed by manifest digest, so pulling the
// same digest again on that runner downloads no blob. An entry holds `blobs/<alg>/<hex>` files
// (the manifest among them) and a record of the ones it verified (see blob-record.ts): those are
// used as they are; any other is verified as it is read, like a download.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as toolCache from '@actions/tool-cache';
import { digestAlgorithm, digestHex, type Digest } from '../../oci/digest.js';
import { addToRecord, readRecord, stampOf, vouchedFor, type BlobStamp } from './blob-record.js';

export interface CachedArtifact {
  /** The folder of the entry. */
  readonly path: string;
  /** The path of a blob the entry holds, or undefined. */
  blob(digest: Digest): string | undefined;
  /**
   * Whether the entry's copy of the blob is, to the byte, the one it verified: its file still
   * has the size, times and identity it had then. If not, it must be hashed before it is used.
   */
  vouchesFor(digest: Digest, size: number): Promise<boolean>;
  /** The stamp of the entry's copy as it is now (take it before reading the copy to check it). */
  stamp(digest: Digest): Promise<BlobStamp | undefined>;
  /** Records copies as verified, each as it was stamped. */
  vouch(stamps: ReadonlyMap<Digest, BlobStamp>): Promise<void>;
}

export interface ArtifactCache {
  find(manifest: Digest): CachedArtifact | undefined;
  /**
   * Makes a folder of `blobs/<alg>/<hex>` files the entry for `manifest` (replacing any entry it
   * had). The folder may be moved rather than copied: it is the caller's no more.
   */
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

/** The runner's tool cache (`RUNNER_TOOL_CACHE`), in @actions/tool-cache's layout. */
export const runnerToolCache: ArtifactCache = {
  find(manifest) {
    const path = toolCache.find(TOOL_NAME, cacheVersion(manifest), TOOL_ARCH);
    return path === '' ? undefined : folderEntry(path);
  },
  async save(manifest, folder) {
    // tool-cache's cacheDir copies every file; on the same file system a rename does the same
    // job for free. The layout and the `.complete` marker written last are tool-cache's own, so
    // its find() sees the entry.
    const root = process.env['RUNNER_TOOL_CACHE'] ?? '';
    const entry = join(root, TOOL_NAME, cacheVersion(manifest), TOOL_ARCH);
    const marker = `${entry}.complete`;
    await rm(marker, { force: true });
    await rm(entry, { recursive: true, force: true });
    await mkdir(dirname(entry), { recursive: true });
    try {
      await rename(folder, entry);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await toolCache.cacheDir(folder, TOOL_NAME, cacheVersion(manifest), TOOL_ARCH);
      return;
    }
    await writeFile(marker, '');
  },
};

export function folderEntry(path: string): CachedArtifact {
  const record = (() => {
    let read: ReturnType<typeof readRecord> | undefined;
    return () => (read ??= readRecord(path));
  })();
  const blob = (digest: Digest): string | undefined => {
    const file = blobFile(path, digest);
    return existsSync(file) ? file : undefined;
  };
  return {
    path,
    blob,
    async vouchesFor(digest, size) {
      const file = blob(digest);
      const now = file === undefined ? undefined : await stampOf(file);
      return now !== undefined && now.size === size && vouchedFor(await record(), digest, now);
    },
    async stamp(digest) {
      const file = blob(digest);
      return file === undefined ? undefined : stampOf(file);
    },
    vouch: (stamps) => addToRecord(path, stamps),
  };
}
