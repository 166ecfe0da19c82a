// A folder as one gzipped tar layer, streamed to a temporary file while both the tar and the
// gzip are hashed: tar → sha256 (uncompressed) → gzip (blocks deflated on several threads) →
// sha256 (compressed) → file.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Digest } from '../../oci/digest.js';
import { ParallelGzip } from './gzip.js';
import { Meter } from './meter.js';
import { tarChunks } from './tar-stream.js';
import type { FolderItem } from './folder-walk.js';

export interface PackedFolder {
  /** The gzipped tar on disk. */
  path: string;
  digest: Digest;
  size: number;
  /** sha256 of the tar before compression (ORAS `io.deis.oras.content.digest`). */
  uncompressedDigest: Digest;
  uncompressedSize: number;
}

/**
 * Writes the archive of `items` to `path`; removes it again when anything fails. `parallelism`:
 * blocks deflated at once (by default one per core); the bytes are the same whatever it is.
 */
export async function packFolder(
  items: readonly FolderItem[],
  path: string,
  compressionLevel: number,
  parallelism?: number,
): Promise<PackedFolder> {
  const plain = new Meter();
  const compressed = new Meter();
  try {
    await pipeline(
      Readable.from(tarChunks(items), { objectMode: false }),
      plain,
      new ParallelGzip(compressionLevel, parallelism),
      compressed,
      createWriteStream(path),
    );
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return {
    path,
    digest: compressed.digest(),
    size: compressed.size,
    uncompressedDigest: plain.digest(),
    uncompressedSize: plain.size,
  };
}
