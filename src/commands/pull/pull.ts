// `pull`: resolve, read the manifest, plan where each layer goes (refusing unsafe paths before a
// byte is downloaded), download and verify every layer into a work folder inside the output
// folder, then move the verified results into place. On failure the work folder goes away and
// no final path holds anything unverified.
import { lstat, mkdir, rmdir, stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { Descriptor } from '../../oci/descriptor.js';
import { isDigest, shortDigest, type Digest } from '../../oci/digest.js';
import type { Fetcher, Resolver } from '../../oci/target.js';
import { formatBytes } from '../format.js';
import type { Log } from '../log.js';
import { progressReporter } from '../progress.js';
import type { ArtifactCache } from './artifact-cache.js';
import { BlobSources } from './blob-sources.js';
import { saveToCache } from './cache-save.js';
import { PullError } from './errors.js';
import { parseImageManifest } from './manifest.js';
import { checkExistingPath, isMissing } from './output-path.js';
import { moveIntoPlace, WorkArea } from './placement.js';
import { planLayers, type PlannedLayer, type SkippedLayer } from './plan.js';
import { readManifest } from './read-manifest.js';
import { runLimited } from './run-limited.js';
import { stageLayer, type StagedLayer } from './stage-layer.js';
import { titleFilter } from './title-filter.js';

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
  /** Layers moving at once; if ≤ 0, a default (5) is used. */
  concurrency?: number;
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
  return log.group(`Pulling ${where}`, async () => {
    const read = await readManifest({ ...options, where });
    const { descriptor } = read;
    log.info(`Manifest ${descriptor.digest} (${formatBytes(descriptor.size)})`);
    const manifest = parseImageManifest(read.bytes, where);
    const plan = planLayers(manifest, {
      outputDir,
      files: titleFilter(options.files ?? []),
      mediaTypes: options.mediaTypes ?? [],
      unpack: options.unpack ?? true,
      allowPathTraversal: options.allowPathTraversal ?? false,
    });
    reportSkipped(plan.skipped, log);
    await checkTargets(plan.layers, outputDir, options);

    const createdOutput = await makeFolder(outputDir);
    const work = await WorkArea.create(outputDir);
    const cacheFolder = options.cache ? work.at('cache') : undefined;
    const sources = new BlobSources({
      target: source,
      ...(read.cached ? { cached: read.cached } : {}),
      ...(cacheFolder ? { cacheFolder } : {}),
      onProgress: progressReporter(log, 'Downloading'),
      log,
    });
    let files: PulledFile[];
    try {
      const staged = await runLimited(
        plan.layers.map((layer, i) => ({ layer, i })),
        (options.concurrency ?? 0) > 0 ? (options.concurrency as number) : 5,
        async ({ layer, i }, signal) =>
          stageLayer(layer, await sources.open(layer.descriptor, signal), work.at(`${i}`), log),
      );
      // Only now, with every layer verified, does anything reach a final path.
      await checkTargets(plan.layers, outputDir, options);
      files = [];
      for (const item of staged) files.push(await place(item, sources, log));
      if (options.cache && cacheFolder && sources.downloaded.size > 0) {
        await saveToCache(options.cache, read, cacheFolder, log);
      }
    } catch (error) {
      await work.remove().catch(() => undefined);
      if (createdOutput) await rmdir(outputDir).catch(() => undefined);
      throw error;
    }
    await work.remove();

    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (plan.layers.length === 0) log.warning(`no layer of ${where} was selected; nothing written`);
    const fromCache = options.cache ? `, ${sources.fromCache.size} from the runner's cache` : '';
    log.info(
      `Pulled ${files.length} layer${files.length === 1 ? '' : 's'} (${formatBytes(total)}) ` +
        `into ${outputDir}: ${sources.downloaded.size} blob(s) downloaded${fromCache}`,
    );
    return {
      descriptor,
      manifest: read.bytes,
      artifactType: manifest.artifactType ?? manifest.config.mediaType,
      outputDir,
      files,
      skipped: plan.skipped,
      downloaded: sources.downloaded.size,
      fromCache: sources.fromCache.size,
    };
  });
}

async function place(item: StagedLayer, sources: BlobSources, log: Log): Promise<PulledFile> {
  const { layer } = item;
  const { descriptor } = layer;
  await moveIntoPlace(item.path, layer.target);
  const details = [shortDigest(descriptor.digest), formatBytes(descriptor.size)];
  if (item.files !== undefined) details.push(`${item.files} file(s) extracted`);
  if (sources.fromCache.has(descriptor.digest)) details.push('from cache');
  log.info(`${layer.name} → ${layer.target} (${details.join(', ')})`);
  return {
    path: layer.target,
    title: layer.title ?? null,
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    unpacked: layer.unpack,
  };
}

/** Safe paths, and with `overwrite: false` nothing in the way; run before and after download. */
async function checkTargets(
  layers: PlannedLayer[],
  outputDir: string,
  options: PullOptions,
): Promise<void> {
  const allow = options.allowPathTraversal ?? false;
  for (const layer of layers) await checkExistingPath(outputDir, layer.target, layer.name, allow);
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

function reportSkipped(skipped: SkippedLayer[], log: Log): void {
  for (const { descriptor, name, reason } of skipped) {
    const layer = `${shortDigest(descriptor.digest)} (${descriptor.mediaType})`;
    if (reason === 'untitled') {
      log.notice(
        `Skipped layer ${layer}: it has no title (org.opencontainers.image.title). ` +
          `Name its media type in "media-types" to save it as ${name}.`,
      );
    } else {
      log.info(`Skipped "${name}" ${layer}: not selected by "${reason}"`);
    }
  }
}

/** Makes the output folder when missing; true when it did. */
async function makeFolder(path: string): Promise<boolean> {
  const stats = await stat(path).catch((error: unknown) => {
    if (isMissing(error)) return undefined;
    throw error;
  });
  if (stats?.isDirectory()) return false;
  if (stats !== undefined) {
    throw new PullError('TARGET_EXISTS', `the output folder ${path} exists and is not a folder`);
  }
  await mkdir(path, { recursive: true });
  return true;
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
