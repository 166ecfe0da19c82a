// A folder as one gzipped tar layer, streamed to a temporary file while both the tar and the
// gzip are hashed: tar → sha256 (uncompressed) → gzip (blocks deflated on several threads) →
// sha256 (compressed) → file.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Digest } from '../../oci/digest.js';
import { formatBytes } from '../format.js';
import { ParallelGzip } from './gzip.js';
import { Meter } from './meter.js';
import { BLOCK_SIZE, END_OF_ARCHIVE } from './tar-header.js';
import { tarChunks, type ContentWatch } from './tar-stream.js';
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
/**
 * About how many bytes the tar of `items` has, for progress: a header block per entry, file
 * bodies padded to whole blocks, the end-of-archive blocks. (Long names add a few blocks more.)
 */
export function tarSize(items: readonly FolderItem[]): number {
  const blocks = (size: number): number => Math.ceil(size / BLOCK_SIZE) * BLOCK_SIZE;
  return items.reduce(
    (sum, { entry }) => sum + BLOCK_SIZE + (entry.type === 'file' ? blocks(entry.size) : 0),
    END_OF_ARCHIVE.length,
  );
}

export interface PackFolderOptions {
  /** Hears the bytes of the tar written so far. */
  onProgress?: (done: number) => void;
  /** Blocks deflated at once (by default one per core); the bytes are the same whatever it is. */
  parallelism?: number;
  /** Sees each file's content as it is archived. */
  watch?: ContentWatch;
  /** Stops the packing (a cancelled job, another layer's failure); the archive is removed. */
  signal?: AbortSignal;
}

/** Writes the archive of `items` to `path`; removes it again when anything fails. */
export async function packFolder(
  items: readonly FolderItem[],
  path: string,
  compressionLevel: number,
  options: PackFolderOptions = {},
): Promise<PackedFolder> {
  const { onProgress, parallelism, watch, signal } = options;
  const plain = new Meter();
  const compressed = new Meter();
  try {
    await pipeline(
      Readable.from(tarChunks(items, watch), { objectMode: false }),
      plain,
      ...(onProgress === undefined ? [] : [progressTap(plain, onProgress)]),
      new ParallelGzip(compressionLevel, parallelism),
      compressed,
      createWriteStream(path),
      signal === undefined ? {} : { signal },
    );
  } catch (error) {
    await rm(path, { force: true });
    // The pipeline's AbortError says less than why it was stopped.
    if (signal?.aborted) throw signal.reason;
    throw diskFull(error, path, compressed.size, plain.size) ?? error;
  }
  return {
    path,
    digest: compressed.digest(),
    size: compressed.size,
    uncompressedDigest: plain.digest(),
    uncompressedSize: plain.size,
  };
}

/**
 * A full disk (ENOSPC, or a quota) said with where and how far the packing came; the code stays
 * the system's, as layers' errors do in a pull.
 */
function diskFull(error: unknown, path: string, written: number, read: number): Error | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return undefined;
  const message =
    `no space left to pack a folder into ${dirname(path)}: its filesystem filled after ` +
    `${formatBytes(written)} of the gzipped layer (from ${formatBytes(read)} of tar). Free ` +
    `space in the runner's temporary folder (RUNNER_TEMP); nothing was kept`;
  return Object.assign(new Error(message, { cause: error }), { code });
}

/** Passes chunks on, telling `onProgress` how far `meter` has counted. */
function progressTap(meter: Meter, onProgress: (done: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onProgress(meter.size);
      done(null, chunk);
    },
  });
}
