// Brings every planned layer into the work folder, verified, at most `concurrency` at once (fewer
// of them large: see src/oci/transfer-slots.ts; the layers of every artifact a pull reads share
// that budget, and a big blob split in parts takes for them the slots the others leave free). A
// file layer goes straight into its file, a folder layer is extracted from a verified stream. The
// first failure stops the others (their downloads are aborted) and is thrown, named after its
// layer, once nothing is running any more.
import { dirname } from 'node:path';
import { mapTransfers } from '../../oci/transfers.js';
import type { Log } from '../log.js';
import type { BlobSources } from './blob-sources.js';
import { diskFull } from './disk-full.js';
import { layerFailure } from './errors.js';
import { layerFileMode } from './file-mode.js';
import type { WorkArea } from './placement.js';
import type { PlannedLayer } from './plan.js';
import { removeTree } from './remove-tree.js';
import { stageFolderLayer, type StagedLayer } from './stage-layer.js';
import { WriteBudget } from './write-budget.js';

/** A layer, and where its bytes come from (its artifact's sources: cache entry, target). */
export interface LayerJob {
  layer: PlannedLayer;
  sources: BlobSources;
}

export interface DownloadOptions {
  work: WorkArea;
  /** Layers moving at once; at least 1. */
  concurrency: number;
  /** Bytes the pull may write in all (`unpack-limit`); none when unset. */
  unpackLimit?: number;
  log: Log;
}

export async function downloadLayers(
  jobs: readonly LayerJob[],
  options: DownloadOptions,
): Promise<StagedLayer[]> {
  // One budget for the whole pull step, however many artifacts it reads: what one pull may write.
  const budget = await WriteBudget.open(
    options.work.path,
    options.unpackLimit === undefined ? {} : { limit: options.unpackLimit },
  );
  // Layers of known size are refused before any download when they alone exceed the limit.
  budget.chargeSized(
    jobs
      .filter(({ layer }) => !layer.unpack)
      .map(({ layer }) => ({ name: layer.name, size: layer.descriptor.size })),
  );
  const sizeOf = (job: LayerJob): number => job.layer.descriptor.size;
  const needed = jobs.reduce((sum, job) => sum + sizeOf(job), 0);
  return mapTransfers(
    jobs,
    options.concurrency,
    sizeOf,
    async ({ layer, sources }, { index, signal, connections }) => {
      const path = options.work.at(`${index}`);
      try {
        if (!layer.unpack) {
          // As the push recorded it (file-mode.ts); the tar of a folder carries its own modes.
          const mode = layerFileMode(layer.descriptor, layer.name, options.log);
          await sources.toFile(layer.descriptor, path, { signal, mode, connections });
          return { layer, path };
        }
        return await stage(layer, sources, path, signal, options, budget);
      } catch (error) {
        const full = diskFull(error, { folder: dirname(options.work.path), needed, budget });
        throw layerFailure(full ?? error, layer.name, layer.descriptor.digest);
      }
    },
  );
}

/**
 * One folder layer from its source. A layer read from the runner's cache that fails is read again
 * from the target when the cached copy turns out to be damaged; a damaged cache never fails a pull.
 */
async function stage(
  layer: PlannedLayer,
  sources: BlobSources,
  path: string,
  signal: AbortSignal,
  options: DownloadOptions,
  budget: WriteBudget,
): Promise<StagedLayer> {
  const { log } = options;
  const opened = await sources.open(layer.descriptor, signal);
  const share = budget.forFolder(layer.name);
  try {
    return await stageFolderLayer(layer, opened.stream, path, log, share);
  } catch (error) {
    opened.stream.destroy(); // unread when staging failed before reading: release it
    if (!opened.fromCache || signal.aborted) throw error;
    if (!(await sources.cachedCopyIsDamaged(layer.descriptor))) throw error;
    await removeTree(path);
    share.discard();
    return stage(layer, sources, path, signal, options, budget);
  }
}
