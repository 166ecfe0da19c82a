// `pull`: resolve, read the manifest, plan where each layer goes (refusing unsafe paths before a
// byte is downloaded), download and verify every layer into a work folder inside the output
// folder, then move the verified results into place. On failure (a cancellation included) the
// work folder goes away and no final path holds anything unverified; a work folder left by a
// killed run is removed by the next pull into the same folder. Several artifacts pulled at once
// go through each step together (pullAll).
import { lstat, mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { ImageManifest } from '../../oci/descriptor.js';
import { isDigest } from '../../oci/digest.js';
import { quoted } from '../../oci/untrusted-text.js';
import { DEFAULT_CONCURRENCY, largeTransferLimit } from '../../oci/transfer-policy.js';
import { progressReporter } from '../progress.js';
import { BlobSources } from './blob-sources.js';
import { recordChecked, saveToCache } from './cache-save.js';
import { combineLayers, type Combined, type Job } from './combine-layers.js';
import { downloadLayers } from './download-layers.js';
import { partsFor } from './download-parts.js';
import { PullError } from './errors.js';
import { parseImageManifest } from './manifest.js';
import { checkMergedLinks, mergeInto } from './merge-tree.js';
import { checkExistingPaths, isInside, isMissing } from './output-path.js';
import { moveIntoPlace, WorkArea } from './placement.js';
import { planLayers, type Plan, type PlannedLayer } from './plan.js';
import { refuseCaseCollisions } from './portable-names.js';
import { logManifest, logPlaced, logPulled, logSkipped } from './pull-log.js';
import type {
  PullAllOptions,
  PulledFile,
  PullItem,
  PullOptions,
  PullResult,
  PullSource,
} from './pull-types.js';
import { readManifest, type ManifestRead } from './read-manifest.js';
import type { StagedLayer } from './stage-layer.js';
import { titleFilter } from './title-filter.js';
import { removeAbandonedWorkFolders } from './work-folders.js';

export async function pull(options: PullOptions): Promise<PullResult> {
  const { source, selector, outputDir, expectedDigest, ...shared } = options;
  const item: PullItem = {
    source,
    selector,
    outputDir,
    ...(expectedDigest ? { expectedDigest } : {}),
  };
  const [result] = await pullAll({ ...shared, items: [item] });
  return result as PullResult;
}

/** An artifact whose manifest is read and whose layers are planned, nothing downloaded yet. */
interface Prepared {
  source: PullSource;
  where: string;
  outputDir: string;
  read: ManifestRead;
  manifest: ImageManifest;
  plan: Plan;
}

/**
 * Pulls several artifacts as one: every manifest is read and every layer planned first (so a
 * collision between them fails before any download), the layers of all of them download
 * sharing the `concurrency` budget, and nothing is moved into place before all are verified.
 */
export async function pullAll(options: PullAllOptions): Promise<PullResult[]> {
  const { log } = options;
  const items = options.items.map((item) => ({
    ...item,
    outputDir: resolvePath(item.outputDir),
    where: `${item.source.location}${isDigest(item.selector) ? '@' : ':'}${item.selector}`,
  }));
  const first = items[0];
  if (first === undefined) return [];
  const root = resolvePath(options.root ?? first.outputDir);
  let results: PullResult[];
  if (items.length === 1) {
    results = await log.group(`Pull ${first.where}`, async () =>
      transfer([await prepare(first, options)], root, options),
    );
  } else {
    const prepared: Prepared[] = [];
    for (const item of items) {
      prepared.push(await log.group(`Pull ${item.where}`, () => prepare(item, options)));
    }
    results = await log.group(`Download the layers of ${items.length} artifacts`, () =>
      transfer(prepared, root, options),
    );
  }
  results.forEach((result, i) => {
    const source = (items[i] as (typeof items)[number]).source;
    logPulled(result, `${source.location}@${result.descriptor.digest}`, log);
  });
  return results;
}

async function prepare(
  item: PullItem & { where: string; outputDir: string },
  options: PullAllOptions,
): Promise<Prepared> {
  const { log } = options;
  const read = await readManifest({
    source: item.source,
    selector: item.selector,
    where: item.where,
    ...(item.expectedDigest ? { expectedDigest: item.expectedDigest } : {}),
    ...(item.inCatalog ? { inCatalog: item.inCatalog } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    log,
  });
  logManifest(read.descriptor, log);
  const manifest = parseImageManifest(read.bytes, item.where);
  const plan = planLayers(manifest, {
    outputDir: item.outputDir,
    files: titleFilter(options.files ?? []),
    mediaTypes: options.mediaTypes ?? [],
    unpack: options.unpack ?? true,
    allowPathTraversal: options.allowPathTraversal ?? false,
  });
  logSkipped(plan.skipped, log);
  return {
    source: item.source,
    where: item.where,
    outputDir: item.outputDir,
    read,
    manifest,
    plan,
  };
}

async function transfer(
  prepared: readonly Prepared[],
  root: string,
  options: PullAllOptions,
): Promise<PullResult[]> {
  const { log } = options;
  const combined = combineLayers(
    prepared.map((p) => ({ where: p.where, layers: p.plan.layers })),
    options.merge ?? false,
  );
  await checkAllTargets(prepared, root, options);

  const outputDirs = prepared.map((p) => p.outputDir);
  const created = await makeFolders(root, outputDirs);
  // A work folder left by a killed pull is where that pull wrote: in a folder that existed.
  for (const folder of new Set([root, ...outputDirs])) {
    if (!created.some((made) => made.folder === folder)) {
      await removeAbandonedWorkFolders(folder, log);
    }
  }
  let work: WorkArea | undefined;
  const results: PullResult[] = [];
  try {
    work = await WorkArea.create(root);
    refuseCaseCollisions(
      combined.jobs.map((job) => job.layer),
      root,
      work.caseInsensitive,
    );
    const area = work;
    const onProgress = progressReporter(log, 'Downloading');
    const concurrency =
      (options.concurrency ?? 0) > 0 ? (options.concurrency as number) : DEFAULT_CONCURRENCY;
    // A blob in parts has at most the large transfers' share of connections at once.
    const connections = largeTransferLimit(concurrency);
    const downloadParts = options.downloadParts ?? 'auto';
    const parts = (size: number): number => partsFor(size, downloadParts, connections);
    const cacheFolders = prepared.map((_, i) =>
      options.cache ? area.at(prepared.length === 1 ? 'cache' : `cache-${i}`) : undefined,
    );
    const sources = prepared.map(
      (p, i) =>
        new BlobSources({
          target: p.source,
          ...(p.read.cached ? { cached: p.read.cached } : {}),
          ...(cacheFolders[i] ? { cacheFolder: cacheFolders[i] } : {}),
          parts,
          onProgress,
          log,
        }),
    );
    const staged = await downloadLayers(
      combined.jobs.map((job) => ({
        layer: job.layer,
        sources: sources[job.artifact] as BlobSources,
      })),
      {
        work,
        concurrency,
        ...(options.unpackLimit === undefined ? {} : { unpackLimit: options.unpackLimit }),
        log,
      },
    );
    await mergeUnits(combined, staged, prepared);
    // Only now, with every layer verified, does anything reach a final path.
    await checkAllTargets(prepared, root, options);
    for (const unit of combined.units) {
      const base = combined.jobs[unit.base] as Job;
      await moveIntoPlace((staged[unit.base] as StagedLayer).path, base.layer.target);
    }
    prepared.forEach((p, i) => {
      const files = p.plan.layers.map((layer, l) => {
        const job = combined.jobOf[i]?.[l] as number;
        const from = sources[(combined.jobs[job] as Job).artifact] as BlobSources;
        const file = pulledFile(layer, from.fromCache.has(layer.descriptor.digest));
        logPlaced(file, (staged[job] as StagedLayer).files, log);
        return file;
      });
      const mine = sources[i] as BlobSources;
      results.push({
        descriptor: p.read.descriptor,
        manifest: p.read.bytes,
        artifactType: p.manifest.artifactType ?? p.manifest.config.mediaType,
        outputDir: p.outputDir,
        files,
        skipped: p.plan.skipped,
        downloaded: mine.downloaded.size,
        fromCache: mine.fromCache.size,
      });
    });
    for (const [i, p] of prepared.entries()) {
      const folder = cacheFolders[i];
      const mine = sources[i] as BlobSources;
      // Written when this pull fetched anything: new blobs, or a manifest the entry lacked.
      if (options.cache && folder && (mine.downloaded.size > 0 || !p.read.fromCache)) {
        const verified = [...mine.copied, ...mine.checkedCopies.keys()];
        await saveToCache(options.cache, p.read, folder, verified, log);
      } else if (p.read.cached) {
        await recordChecked(p.read.cached, mine.checkedCopies, log);
      }
    }
  } catch (error) {
    await work?.remove().catch(() => undefined);
    await removeCreated(created);
    throw error;
  }
  await work.remove();
  return results;
}

/** With `merge`: the layers that meet another's folder are merged into its staged tree. */
async function mergeUnits(
  combined: Combined,
  staged: readonly StagedLayer[],
  prepared: readonly Prepared[],
): Promise<void> {
  const where = (job: number) => (prepared[(combined.jobs[job] as Job).artifact] as Prepared).where;
  for (const unit of combined.units) {
    if (unit.merged.length === 0) continue;
    const base = (staged[unit.base] as StagedLayer).path;
    const target = (combined.jobs[unit.base] as Job).layer.target;
    const holders = [where(unit.base)];
    for (const { job, path } of unit.merged) {
      await mergeInto(base, path, (staged[job] as StagedLayer).path, (parts) => {
        const others = [...new Set(holders)].join(' or ');
        return new PullError(
          'CONFLICTING_FILES',
          `merge: ${quoted(join(target, ...parts))} in ${where(job)} differs from what ${others} holds there; nothing was written`,
        );
      });
      holders.push(where(job));
    }
    await checkMergedLinks(base, (combined.jobs[unit.base] as Job).layer.name);
  }
}

function pulledFile(layer: PlannedLayer, fromCache: boolean): PulledFile {
  const { descriptor } = layer;
  return {
    path: layer.target,
    title: layer.title ?? null,
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    unpacked: layer.unpack,
    fromCache,
  };
}

/**
 * Every artifact's targets, checked from its own output folder and, when that is a folder below
 * the pull's `path` (several references), from `path` too: a link standing where a reference's
 * folder goes must lead neither out of `path` nor into a .git folder.
 */
async function checkAllTargets(
  prepared: readonly Prepared[],
  root: string,
  options: Pick<PullOptions, 'allowPathTraversal' | 'overwrite'>,
): Promise<void> {
  for (const p of prepared) {
    await checkTargets(p.plan.layers, p.outputDir, options);
    if (p.outputDir !== root) {
      await checkExistingPaths(root, p.plan.layers, options.allowPathTraversal ?? false);
    }
  }
}

/** Safe paths, and with `overwrite: false` nothing in the way; run before and after download. */
async function checkTargets(
  layers: readonly PlannedLayer[],
  outputDir: string,
  options: Pick<PullOptions, 'allowPathTraversal' | 'overwrite'>,
): Promise<void> {
  await checkExistingPaths(outputDir, layers, options.allowPathTraversal ?? false);
  if (options.overwrite ?? true) return;
  const taken: string[] = [];
  for (const layer of layers) if (await exists(layer.target)) taken.push(layer.target);
  if (taken.length > 0) {
    throw new PullError(
      'TARGET_EXISTS',
      `overwrite is false and ${taken.length} target(s) already exist: ${taken.slice(0, 5).join(', ')}` +
        (taken.length > 5 ? `, and ${taken.length - 5} more` : '') +
        '; nothing was written',
    );
  }
}

/** A folder a pull made (`top`, the first it made, up to `folder`), removed if it fails. */
interface Made {
  top: string;
  folder: string;
}

/** The root, then each output folder, with missing parents; what each made is returned. */
async function makeFolders(root: string, outputDirs: readonly string[]): Promise<Made[]> {
  const made: Made[] = [];
  for (const folder of [root, ...outputDirs]) {
    const top = await makeFolder(folder);
    if (top !== undefined) made.push({ top, folder });
  }
  return made;
}

/**
 * Makes a folder and its missing parents; returns the first folder it made (the top of what a
 * failed pull removes again), or undefined when the folder existed.
 */
async function makeFolder(path: string): Promise<string | undefined> {
  const stats = await stat(path).catch((error: unknown) => {
    if (isMissing(error)) return undefined;
    throw error;
  });
  if (stats?.isDirectory()) return undefined;
  if (stats !== undefined) {
    throw new PullError('TARGET_EXISTS', `the output folder ${path} exists and is not a folder`);
  }
  return mkdir(path, { recursive: true });
}

/** Removes the folders makeFolders made, deepest first, as long as they are empty. */
async function removeCreated(made: readonly Made[]): Promise<void> {
  for (const { top, folder } of [...made].reverse()) {
    for (let dir = folder; isInside(top, dir); dir = dirname(dir)) {
      const removed = await rmdir(dir).then(
        () => true,
        () => false,
      );
      if (!removed || dir === top) break;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
