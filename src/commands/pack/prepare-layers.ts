// Digests every layer before anything is uploaded: files are hashed by streaming them, folders
// are packed to a temporary archive while it is hashed. Nothing is held in memory.
import { join } from 'node:path';
import type { Annotations, Descriptor } from '../../oci/descriptor.js';
import {
  FILE_MODE as FILE_MODE_ANNOTATION,
  ORAS_CONTENT_DIGEST,
  ORAS_CONTENT_UNPACK,
  TITLE,
} from '../../oci/annotations.js';
import { mapTransfers } from '../../oci/transfers.js';
import { formatBytes } from '../format.js';
import { sizedProgress } from '../progress.js';
import type { Log } from '../log.js';
import { checkOwnFile, digestChecked, type CheckedFile } from './checked-file.js';
import type { LayerEntry } from './expand-files.js';
import { walkFolder } from './folder-walk.js';
import { packFolder, tarSize } from './folder-layer.js';
import { refuseCredentials } from './credential-files.js';
import type { HiddenTally } from './hidden-files.js';
import type { KnownSecrets } from './known-secrets.js';
import { FILE_MODE, storedMode } from './stored-mode.js';

export interface PreparedLayer {
  entry: LayerEntry;
  /** With the title (and for folders the ORAS unpack annotations). */
  descriptor: Descriptor;
  /** The bytes of the blob: the file itself, or the packed archive of a folder. */
  blob: CheckedFile;
}

export interface PrepareOptions {
  /** Folder for the packed archives; the caller removes it. */
  tempDir: string;
  excludes: readonly string[];
  /** Forced mtime (seconds) for archive entries; real mtimes when undefined. */
  mtime?: number;
  compressionLevel: number;
  concurrency: number;
  /** false: hidden names inside folders are left out and counted in `hidden`. */
  includeHiddenFiles: boolean;
  hidden: HiddenTally;
  /** Values no layer may hold (the credentials the push was given). */
  secrets: KnownSecrets;
  log: Log;
  /** Stops the packing from outside (the push's cancellation). */
  signal?: AbortSignal;
}

export async function prepareLayers(
  entries: readonly LayerEntry[],
  options: PrepareOptions,
): Promise<PreparedLayer[]> {
  // Packing a folder is heavy work (tar and gzip): it keeps to the share of large transfers.
  const weight = (entry: LayerEntry): number => (entry.kind === 'file' ? 0 : Infinity);
  return mapTransfers(entries, options.concurrency, weight, async (entry, context) => {
    // A cancelled job, or another layer's failure, stops this one between chunks.
    const signal =
      options.signal === undefined
        ? context.signal
        : AbortSignal.any([options.signal, context.signal]);
    const { index } = context;
    const blame = { input: 'files', given: entry.line };
    if (entry.kind === 'file') {
      await refuseCredentials(entry.file, entry.title, blame);
      const refuse = options.secrets.refuser(
        JSON.stringify(entry.title),
        blame,
        entry.file.identity.size,
      );
      const { digest, size } = await digestChecked(entry.file, (chunk) => {
        signal.throwIfAborted();
        refuse(chunk);
      });
      return {
        entry,
        descriptor: {
          mediaType: entry.mediaType,
          digest,
          size,
          annotations: { ...modeAnnotation(entry.file.mode), [TITLE]: entry.title },
        },
        blob: entry.file,
      };
    }
    const items = await walkFolder({
      root: entry.root,
      realRoot: entry.realRoot,
      title: entry.title,
      excludes: options.excludes,
      ...(options.mtime === undefined ? {} : { mtime: options.mtime }),
      includeHiddenFiles: options.includeHiddenFiles,
      blame,
      onSkipped: (name) =>
        options.log.warning(
          `${JSON.stringify(name)} is not a file, folder or link; it is left out of ${JSON.stringify(entry.title)}`,
        ),
      onHidden: (name) => options.hidden.add(name),
    });
    const packed = await packFolder(
      items,
      join(options.tempDir, `layer-${index}.tar.gz`),
      options.compressionLevel,
      {
        onProgress: sizedProgress(options.log, 'Packing', entry.title, tarSize(items)),
        watch: (name, size) => options.secrets.refuser(JSON.stringify(name), blame, size),
        signal,
      },
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
      blob: await checkOwnFile(packed.path),
    };
  });
}

/**
 * A file layer's mode, in this action's own annotation, when it is not the default: an
 * executable comes back executable from our pull (ORAS and upload-artifact lose the bit). Part of
 * the manifest, so of its digest: the same file pushed executable and not gives two digests
 * (and Windows, which has no execute bit, always pushes 0644).
 */
function modeAnnotation(diskMode: number): Annotations {
  const mode = storedMode('file', diskMode);
  return mode === FILE_MODE ? {} : { [FILE_MODE_ANNOTATION]: `0${mode.toString(8)}` };
}
