// Digests every layer before anything is uploaded: files are hashed by streaming them, folders
// are packed to a temporary archive while it is hashed. Nothing is held in memory.
import { join } from 'node:path';
import type { Annotations, Descriptor } from '../../oci/descriptor.js';
import { digestFile } from '../../oci/digest.js';
import { ORAS_CONTENT_DIGEST, ORAS_CONTENT_UNPACK, TITLE } from '../../oci/annotations.js';
import { formatBytes } from '../format.js';
import type { Log } from '../log.js';
import type { LayerEntry } from './expand-files.js';
import { walkFolder } from './folder-walk.js';
import { packFolder } from './folder-layer.js';
import { mapLimit } from '../concurrency.js';

export interface PreparedLayer {
  entry: LayerEntry;
  /** With the title (and for folders the ORAS unpack annotations). */
  descriptor: Descriptor;
  /** The bytes of the blob: the file itself, or the packed archive of a folder. */
  blobPath: string;
}

export interface PrepareOptions {
  /** Folder for the packed archives; the caller removes it. */
  tempDir: string;
  excludes: readonly string[];
  /** Forced mtime (seconds) for archive entries; real mtimes when undefined. */
  mtime?: number;
  compressionLevel: number;
  concurrency: number;
  log: Log;
}

export async function prepareLayers(
  entries: readonly LayerEntry[],
  options: PrepareOptions,
): Promise<PreparedLayer[]> {
  return mapLimit(entries, options.concurrency, async (entry, { index }) => {
    if (entry.kind === 'file') {
      const { digest, size } = await digestFile(entry.path);
      return {
        entry,
        descriptor: {
          mediaType: entry.mediaType,
          digest,
          size,
          annotations: { [TITLE]: entry.title },
        },
        blobPath: entry.path,
      };
    }
    const items = await walkFolder({
      root: entry.root,
      title: entry.title,
      excludes: options.excludes,
      ...(options.mtime === undefined ? {} : { mtime: options.mtime }),
      onSkipped: (path) =>
        options.log.warning(
          `${path} is not a file, folder or link; it is left out of ${entry.title}`,
        ),
    });
    const packed = await packFolder(
      items,
      join(options.tempDir, `layer-${index}.tar.gz`),
      options.compressionLevel,
    );
    options.log.info(
      `Packed ${entry.title}: ${items.length} entries, ${formatBytes(packed.uncompressedSize)} → ${formatBytes(packed.size)} gzipped`,
    );
    const annotations: Annotations = {
      [ORAS_CONTENT_DIGEST]: packed.uncompressedDigest,
      [ORAS_CONTENT_UNPACK]: 'true',
      [TITLE]: entry.title,
    };
    return {
      entry,
      descriptor: {
        mediaType: entry.mediaType,
        digest: packed.digest,
        size: packed.size,
        annotations,
      },
      blobPath: packed.path,
    };
  });
}
