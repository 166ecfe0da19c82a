// `pull`: resolve, read the manifest, plan where each layer goes (refusing unsafe paths before a
// byte is downloaded), download and verify every layer into a work folder inside the output
// folder, then move the verified results into place. On failure (a cancellation included) the
// work folder goes away and no final path holds anything unverified; a work folder left by a
// killed run is removed by the next pull into the same folder.
import { lstat, mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import type { Descriptor } from '../../oci/descriptor.js';
import { isDigest, type Digest } from '../../oci/digest.js';
import type { Fetcher, Resolver } from '../../oci/target.js';
import { DEFAULT_CONCURRENCY } from '../../oci/transfer-policy.js';
import type { Log } from '../log.js';
import { progressReporter } from '../progress.js';
import type { ArtifactCache } from './artifact-cache.js';
import { BlobSources } from './blob-sources.js';
import { saveToCache } from './cache-save.js';
import { downloadLayers } from './download-layers.js';
import { PullError } from './errors.js';
import { parseImageManifest } from './manifest.js';
import { checkExistingPaths, isInside, isMissing } from './output-path.js';
import { moveIntoPlace, WorkArea } from './placement.js';
import { planLayers, type PlannedLayer, type SkippedLayer } from './plan.js';
import { logManifest, logPlaced, logPulled, logSkipped } from './pull-log.js';
import { readManifest } from './read-manifest.js';
import { titleFilter } from './title-filter.js';
import { removeAbandonedWorkFolders } from './work-folders.js';

export interface PullSource extends Resolver, Fetcher {
  readonly location: string;
}

export interface PullOptions {
  source: PullSource;
  /** Tag or digest to pull. */
  selector: string;
  /** Output folder; made when missing. */
  outputDir: string;
  /** Globs on titles, `!` excludes (see glob.ts). Default: all. */
  files?: readonly string[];
  /** Only layers of these media types. Default: all. */
  mediaTypes?: readonly string[];
  /** Replace what exists (default), or fail before writing anything. */
  overwrite?: boolean;
  /** Allow titles that leave the output folder and paths through symlinks that do. */
  allowPathTraversal?: boolean;
  /** Extract folder layers (default), or save their archive under the title. */
  unpack?: boolean;
  /** Fail before downloading unless the selector resolves to this. */
  expectedDigest?: Digest;
  /** Keep and reuse blobs by manifest digest. */
  cache?: ArtifactCache;
  /** Layers moving at once, fewer of them large; if ≤ 0, a default (16) is used. */
  concurrency?: number;
  /** Bytes the pull may write into the output folder in all; no limit when unset. */
  unpackLimit?: number;
  log: Log;
}

export interface PulledFile {
  /** Absolute final path. */
  path: string;
  /** Null for an untitled layer saved under its digest. */
  title: string | null;
  mediaType: string;
  digest: Digest;
  size: number;
  /** A folder layer that was extracted. */
  unpacked: boolean;
  /** Its bytes came from the runner's cache. */
  fromCache: boolean;
}

export interface PullResult {
  /** The manifest's descriptor and bytes. */
  descriptor: Descriptor;
  manifest: Buffer;
  /** `artifactType`, else the config media type (image-spec v1.0 artifacts). */
  artifactType: string;
  outputDir: string;
  files: PulledFile[];
  skipped: SkippedLayer[];
  /** Blobs read from the source / from the runner's cache. */
  downloaded: number;
  fromCache: number;
}

export async function pull(options: PullOptions): Promise<PullResult> {
  const { source, selector, log } = options;
  const outputDir = resolvePath(options.outputDir);
  const where = `${source.location}${isDigest(selector) ? '@' : ':'}${selector}`;
  const result = await log.group(`Pull ${where}`, async () => {
    const read = await readManifest({ ...options, where });
    logManifest(read.descriptor, log);
    const manifest = parseImageManifest(read.bytes, where);
    const plan = planLayers(manifest, {
      outputDir,
      files: titleFilter(options.files ?? []),
      mediaTypes: options.mediaTypes ?? [],
      unpack: options.unpack ?? true,
      allowPathTraversal: options.allowPathTraversal ?? false,
    });
    logSkipped(plan.skipped, log);
    await checkTargets(plan.layers, outputDir, options);

    const created = await makeFolder(outputDir);
    if (created === undefined) await removeAbandonedWorkFolders(outputDir, log);
    let work: WorkArea | undefined;
    const files: PulledFile[] = [];
    let sources: BlobSources;
    try {
      work = await WorkArea.create(outputDir);
      const cacheFolder = options.cache ? work.at('cache') : undefined;
      sources = new BlobSources({
        target: source,
        ...(read.cached ? { cached: read.cached } : {}),
        ...(cacheFolder ? { cacheFolder } : {}),
        onProgress: progressReporter(log, 'Downloading'),
        log,
      });
      const staged = await downloadLayers(plan.layers, {
        sources,
        work,
        concurrency:
          (options.concurrency ?? 0) > 0 ? (options.concurrency as number) : DEFAULT_CONCURRENCY,
        ...(options.unpackLimit === undefined ? {} : { unpackLimit: options.unpackLimit }),
        log,
      });
      // Only now, with every layer verified, does anything reach a final path.
      await checkTargets(plan.layers, outputDir, options);
      for (const { layer, path, files: count } of staged) {
        await moveIntoPlace(path, layer.target);
        const file = pulledFile(layer, sources.fromCache.has(layer.descriptor.digest));
        logPlaced(file, count, log);
        files.push(file);
      }
      // Written when this pull fetched anything: new blobs, or a manifest the entry lacked.
      if (options.cache && cacheFolder && (sources.downloaded.size > 0 || !read.fromCache)) {
        await saveToCache(options.cache, read, cacheFolder, log);
      }
    } catch (error) {
      await work?.remove().catch(() => undefined);
      await removeCreated(created, outputDir);
      throw error;
    }
    await work.remove();
    return {
      descriptor: read.descriptor,
      manifest: read.bytes,
      artifactType: manifest.artifactType ?? manifest.config.mediaType,
      outputDir,
      files,
      skipped: plan.skipped,
      downloaded: sources.downloaded.size,
      fromCache: sources.fromCache.size,
    };
  });
  logPulled(result, `${source.location}@${result.descriptor.digest}`, log);
  return result;
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

/** Safe paths, and with `overwrite: false` nothing in the way; run before and after download. */
async function checkTargets(
  layers: PlannedLayer[],
  outputDir: string,
  options: PullOptions,
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

/**
 * Makes the output folder and its missing parents; returns the first folder it made (the top
 * of what a failed pull removes again), or undefined when the output folder existed.
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

/** Removes the folders makeFolder made, deepest first, as long as they are empty. */
async function removeCreated(top: string | undefined, outputDir: string): Promise<void> {
  if (top === undefined) return;
  for (let dir = outputDir; isInside(top, dir); dir = dirname(dir)) {
    const removed = await rmdir(dir).then(
      () => true,
      () => false,
    );
    if (!removed || dir === top) return;
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
