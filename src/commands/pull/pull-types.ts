// The shapes a pull is asked for and answers with, apart from pull.ts so that the modules it
// calls (the log lines, the manifest reader) can name them without importing pull.ts back.
import type { Descriptor, Platform } from '../../oci/descriptor.js';
import type { Digest } from '../../oci/digest.js';
import type { Fetcher, FileFetcher, Resolver, TagLister } from '../../oci/target.js';
import type { Log } from '../log.js';
import type { CatalogLookup } from '../registry/tag-listing.js';
import type { ArtifactCache } from './artifact-cache.js';
import type { DownloadParts } from './download-parts.js';
import type { SkippedLayer } from './plan.js';

export interface PullSource extends Resolver, Fetcher, Partial<FileFetcher>, Partial<TagLister> {
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
  /** Pull this platform's manifest of the index the selector names. */
  platform?: Platform;
  /** Keep and reuse blobs by manifest digest. */
  cache?: ArtifactCache;
  /** Layers moving at once, fewer of them large; if ≤ 0, a default (16) is used. */
  concurrency?: number;
  /**
   * Parts a blob is downloaded in, side by side over Range requests, on connections the other
   * layers leave free within `concurrency`; `auto` (the default): see download-parts.ts.
   */
  downloadParts?: DownloadParts;
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

/** One artifact of a pull of several. */
export interface PullItem {
  source: PullSource;
  /** Tag or digest to pull. */
  selector: string;
  /** Output folder; made when missing. */
  outputDir: string;
  /** Fail before downloading unless the selector resolves to this. */
  expectedDigest?: Digest;
  /** A registry's catalog lookup: a missing tag's message then tells a missing repository. */
  inCatalog?: CatalogLookup;
}

export interface PullAllOptions extends Omit<
  PullOptions,
  'source' | 'selector' | 'outputDir' | 'expectedDigest'
> {
  items: readonly PullItem[];
  /**
   * The artifacts share output folders: what two of them hold at one place must be identical
   * (folders are merged). Without it, two artifacts writing one place fail the pull.
   */
  merge?: boolean;
  /** The folder that holds every output folder (the work folder goes there); default the first. */
  root?: string;
}
