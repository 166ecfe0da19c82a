// Brings one folder layer into the work folder from a verified stream (see BlobSources): an
// extracted folder whose uncompressed digest is checked against its annotation. The stream fails
// at its end when its size or digest is wrong, which fails the extraction, so what this returns
// is verified; it is hashed once, by its source. Nothing here touches a final path. (A file
// layer goes straight into its file: BlobSources.toFile.)
import type { Readable } from 'node:stream';
import type { Log } from '../log.js';
import type { PlannedLayer } from './plan.js';
import { extractTarGzip } from './tar-extract.js';
import type { FolderBudget } from './write-budget.js';

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

export async function stageFolderLayer(
  layer: PlannedLayer,
  verified: Readable,
  path: string,
  log: Log,
  budget?: FolderBudget,
): Promise<StagedLayer> {
  const result = await extractTarGzip(verified, {
    title: layer.name,
    root: path,
    log,
    ...(layer.tarDigest ? { expectedDigest: layer.tarDigest } : {}),
    ...(budget ? { budget } : {}),
  });
  return { layer, path, files: result.files };
}
