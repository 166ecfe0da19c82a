// Which layers a pull writes and where: filters, names, targets, and conflicts between them,
// all decided before a byte is downloaded.
import { sep } from 'node:path';
import { ORAS_CONTENT_UNPACK, TITLE } from '../../oci/annotations.js';
import type { Descriptor, ImageManifest } from '../../oci/descriptor.js';
import { digestAlgorithm, digestHex } from '../../oci/digest.js';
import { OCI_EMPTY } from '../../oci/media-types.js';
import { PullError } from './errors.js';
import { titleTarget } from './output-path.js';
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
      layers.push({
        descriptor,
        title,
        name,
        target: titleTarget(options.outputDir, name, options.allowPathTraversal),
        unpack:
          options.unpack &&
          title !== undefined &&
          descriptor.annotations?.[ORAS_CONTENT_UNPACK] === 'true',
      });
    }
  }
  refuseConflicts(layers);
  return { layers, skipped };
}

/** Two layers at one path, or one inside another, would overwrite each other in some order. */
function refuseConflicts(layers: PlannedLayer[]): void {
  const sorted = [...layers].sort((a, b) => (a.target < b.target ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1] as PlannedLayer;
    const after = sorted[i] as PlannedLayer;
    if (after.target === before.target) {
      throw new PullError(
        'CONFLICTING_TITLES',
        `layers ${before.descriptor.digest} and ${after.descriptor.digest} both go to ${after.target} ("${after.name}")`,
      );
    }
  }
  for (const outer of layers) {
    for (const inner of layers) {
      if (inner.target.startsWith(outer.target + sep)) {
        throw new PullError(
          'CONFLICTING_TITLES',
          `layer "${inner.name}" would be written inside layer "${outer.name}"; pull them separately with "files"`,
        );
      }
    }
  }
}
