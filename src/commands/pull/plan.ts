// Which layers a pull writes and where: filters, names, targets, and conflicts between them,
// all decided before a byte is downloaded.
import { dirname } from 'node:path';
import { ORAS_CONTENT_DIGEST, ORAS_CONTENT_UNPACK, TITLE } from '../../oci/annotations.js';
import type { Descriptor, ImageManifest } from '../../oci/descriptor.js';
import { digestAlgorithm, digestHex, parseDigest, type Digest } from '../../oci/digest.js';
import { OCI_EMPTY } from '../../oci/media-types.js';
import { quoted } from '../../oci/untrusted-text.js';
import { PullError } from './errors.js';
import { titleTarget } from './output-path.js';
import { refuseWindowsNames } from './portable-names.js';
import type { TitleFilter } from './title-filter.js';

export interface PlannedLayer {
  descriptor: Descriptor;
  /** The title annotation; undefined for an untitled layer asked for by media type. */
  title: string | undefined;
  /** The title, or `sha256-<hex>` for an untitled layer. */
  name: string;
  /** Absolute final path. */
  target: string;
  /** A folder layer to extract (else the blob is written as one file). */
  unpack: boolean;
  /** For a folder layer to extract: its uncompressed tar's digest, when annotated. */
  tarDigest?: Digest;
}

export type SkipReason = 'untitled' | 'files' | 'media-types';

export interface SkippedLayer {
  descriptor: Descriptor;
  name: string;
  reason: SkipReason;
}

export interface PlanOptions {
  outputDir: string;
  files: TitleFilter;
  /** Empty: every media type. */
  mediaTypes: readonly string[];
  unpack: boolean;
  allowPathTraversal: boolean;
  /** Whose file system the names must suit; the runner's by default. */
  platform?: NodeJS.Platform;
}

export interface Plan {
  layers: PlannedLayer[];
  skipped: SkippedLayer[];
}

/** `sha256-<hex>`: the file name of an untitled layer. */
export const digestName = (descriptor: Descriptor): string =>
  `${digestAlgorithm(descriptor.digest)}-${digestHex(descriptor.digest)}`;

export function planLayers(manifest: ImageManifest, options: PlanOptions): Plan {
  const layers: PlannedLayer[] = [];
  const skipped: SkippedLayer[] = [];
  for (const descriptor of manifest.layers) {
    // The empty descriptor stands for "no files" in an artifact without layers.
    if (descriptor.mediaType === OCI_EMPTY) continue;
    const title = descriptor.annotations?.[TITLE] || undefined;
    const name = title ?? digestName(descriptor);
    const byType = options.mediaTypes.length > 0;
    if (byType && !options.mediaTypes.includes(descriptor.mediaType)) {
      skipped.push({ descriptor, name, reason: 'media-types' });
    } else if (title === undefined && !byType) {
      skipped.push({ descriptor, name, reason: 'untitled' });
    } else if (!options.files(name)) {
      skipped.push({ descriptor, name, reason: 'files' });
    } else {
      const unpack =
        options.unpack &&
        title !== undefined &&
        descriptor.annotations?.[ORAS_CONTENT_UNPACK] === 'true';
      const tarDigest = unpack ? annotatedTarDigest(descriptor, name) : undefined;
      layers.push({
        descriptor,
        title,
        name,
        target: titleTarget(options.outputDir, name, options.allowPathTraversal),
        unpack,
        ...(tarDigest ? { tarDigest } : {}),
      });
    }
  }
  refuseConflicts(layers);
  refuseWindowsNames(layers, options.outputDir, options.platform);
  return { layers, skipped };
}

/** `io.deis.oras.content.digest`, refused before any download when it is not a digest. */
function annotatedTarDigest(descriptor: Descriptor, name: string): Digest | undefined {
  const value = descriptor.annotations?.[ORAS_CONTENT_DIGEST];
  if (value === undefined) return undefined;
  try {
    return parseDigest(value);
  } catch (error) {
    throw new PullError(
      'BAD_ARCHIVE',
      `folder layer ${quoted(name)}: its ${ORAS_CONTENT_DIGEST} annotation is not a digest: ${(error as Error).message}`,
    );
  }
}

/**
 * Two layers at one path, or one inside another, would overwrite each other in some order.
 * Checked through each target's parents, so thousands of layers cost no more than their depth.
 */
function refuseConflicts(layers: PlannedLayer[]): void {
  const byTarget = new Map<string, PlannedLayer>();
  for (const layer of layers) {
    const other = byTarget.get(layer.target);
    if (other !== undefined) {
      throw new PullError(
        'CONFLICTING_TITLES',
        `layers ${other.descriptor.digest} and ${layer.descriptor.digest} both go to ${layer.target} (${quoted(layer.name)})`,
      );
    }
    byTarget.set(layer.target, layer);
  }
  for (const inner of layers) {
    for (let dir = dirname(inner.target); dir !== dirname(dir); dir = dirname(dir)) {
      const outer = byTarget.get(dir);
      if (outer !== undefined) {
        throw new PullError(
          'CONFLICTING_TITLES',
          `layer ${quoted(inner.name)} would be written inside layer ${quoted(outer.name)}; pull them separately with "files"`,
        );
      }
    }
  }
}
