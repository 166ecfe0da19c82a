// Brings one layer into the work folder from a verified stream (see BlobSources): a file, or an
// extracted folder whose uncompressed digest is checked against its annotation. The stream fails
// at its end when its size or digest is wrong, which fails the write, so what this returns is
// verified; it is hashed once, by its source. Nothing here touches a final path.
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Log } from '../log.js';
import type { PlannedLayer } from './plan.js';
import { extractTarGzip } from './tar-extract.js';
import type { FolderBudget } from './write-budget.js';

/** Single-file layers: rw-r--r-- before the umask (the tar of a folder carries its own modes). */
export const FILE_MODE = 0o644;
/**
 * Bytes a file write may hold while the disk catches up: the download goes on meanwhile, and the
 * file gets fewer, bigger writes (measured: a fifth less CPU than the default 16 KiB for 1 GiB).
 */
export const WRITE_BUFFER = 1024 * 1024;

export interface StagedLayer {
  layer: PlannedLayer;
  /** The verified file or extracted folder in the work folder. */
  path: string;
  /** Files written, for a folder. */
  files?: number;
}

export async function stageLayer(
  layer: PlannedLayer,
  verified: Readable,
  path: string,
  log: Log,
  budget?: FolderBudget,
): Promise<StagedLayer> {
  if (!layer.unpack) {
    const file = createWriteStream(path, {
      flags: 'wx',
      mode: FILE_MODE,
      highWaterMark: WRITE_BUFFER,
    });
    await pipeline(verified, file);
    return { layer, path };
  }
  const result = await extractTarGzip(verified, {
    title: layer.name,
    root: path,
    log,
    ...(layer.tarDigest ? { expectedDigest: layer.tarDigest } : {}),
    ...(budget ? { budget } : {}),
  });
  return { layer, path, files: result.files };
}
