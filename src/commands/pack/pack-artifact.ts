// Everything a push needs before the first byte goes out: the layers (hashed or packed), the
// config, the annotations and the manifest. Any bad input fails here, so a failed push leaves
// nothing behind in the target.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Annotations, Descriptor, ImageManifest } from '../../oci/descriptor.js';
import { digestBytes, digestFile } from '../../oci/digest.js';
import { CREATED } from '../../oci/annotations.js';
import { OCI_MANIFEST, UNKNOWN_ARTIFACT } from '../../oci/media-types.js';
import type { Platform } from '../../oci/descriptor.js';
import type { Log } from '../log.js';
import {
  checkLayerTitles,
  mergeAnnotations,
  parseAnnotationFile,
  type AnnotationFile,
} from './annotations.js';
import { expandFileSpecs, type IfNoFilesFound } from './expand-files.js';
import type { FileSpec } from './file-spec.js';
import {
  buildManifest,
  configDescriptor,
  EMPTY_DESCRIPTOR,
  EMPTY_JSON,
  manifestBytes,
  type ConfigBlob,
  type ImageSpec,
} from './manifest.js';
import { platformConfig } from './platform-config.js';
import { prepareLayers, type PreparedLayer } from './prepare-layers.js';
import { SpecError } from './spec-error.js';

export interface ArtifactSpec {
  files: readonly FileSpec[];
  /** Absolute; titles, `config` and `annotation-file` paths are relative to it. */
  workingDirectory: string;
  ifNoFilesFound: IfNoFilesFound;
  imageSpec: ImageSpec;
  artifactType?: string;
  config?: { path: string; mediaType?: string };
  /** Recorded as the config, as ORAS's `--artifact-platform` does; never with `config`. */
  platform?: Platform;
  annotations: Annotations;
  annotationFile?: string;
  subject?: Descriptor;
  /** true: no creation time unless given, and archive entries get `mtime`. */
  reproducible: boolean;
  /** Seconds; SOURCE_DATE_EPOCH or 0. Used only when reproducible. */
  mtime: number;
  compressionLevel: number;
  concurrency: number;
  /** Folder for packed archives; the caller removes it. */
  tempDir: string;
  /** For the creation-time annotation when not reproducible. */
  now?: () => Date;
}

/** One blob to push, with where its bytes come from. */
export interface BlobToPush {
  descriptor: Descriptor;
  /** A file, or the bytes themselves for the empty config. */
  source: { path: string } | { bytes: Buffer };
  /** For log lines: the title, or "config". */
  label: string;
}

export interface PushedFile {
  title: string;
  path: string;
  mediaType: string;
  digest: string;
  size: number;
}

export interface PackedArtifact {
  manifest: ImageManifest;
  bytes: Buffer;
  descriptor: Descriptor;
  /** Config first, then the layers; each digest once. */
  blobs: BlobToPush[];
  files: PushedFile[];
}

export async function packArtifact(spec: ArtifactSpec, log: Log): Promise<PackedArtifact> {
  const { entries, excludes } = await expandFileSpecs(spec.files, {
    workingDirectory: spec.workingDirectory,
    ifNoFilesFound: spec.ifNoFilesFound,
    log,
  });
  const annotationFile = await readAnnotationFile(spec);
  if (annotationFile !== undefined && spec.annotationFile !== undefined) {
    checkLayerTitles(
      annotationFile,
      spec.annotationFile,
      entries.map((e) => e.title),
    );
  }
  const config = await readConfig(spec);
  const platform = spec.platform === undefined ? undefined : platformConfig(spec.platform);
  // v1.1 wants an artifact type with a config: ORAS's default, as ORAS does with a platform.
  const artifactType =
    spec.artifactType ??
    (platform !== undefined && spec.imageSpec === 'v1.1' ? UNKNOWN_ARTIFACT : undefined);
  const planConfig = config?.blob ?? platform?.blob;

  const layers = await prepareLayers(entries, {
    tempDir: spec.tempDir,
    excludes,
    ...(spec.reproducible ? { mtime: spec.mtime } : {}),
    compressionLevel: spec.compressionLevel,
    concurrency: spec.concurrency,
    log,
  });
  for (const layer of layers) {
    const extra = annotationFile?.layers.get(layer.entry.title);
    if (extra === undefined) continue;
    layer.descriptor.annotations = sortKeys(
      mergeAnnotations('annotation-file', [
        { from: 'the action', values: layer.descriptor.annotations ?? {} },
        { from: `the annotation file for "${layer.entry.title}"`, values: extra },
      ]),
    );
  }

  const manifestAnnotations = mergeAnnotations('annotations', [
    { from: 'the input "annotations"', values: spec.annotations },
    { from: 'the annotation file ($manifest)', values: annotationFile?.manifest ?? {} },
  ]);
  if (!spec.reproducible && manifestAnnotations[CREATED] === undefined) {
    // As ORAS does: RFC 3339 in UTC, whole seconds.
    manifestAnnotations[CREATED] = (spec.now?.() ?? new Date())
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
  }
  const plan = {
    imageSpec: spec.imageSpec,
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(planConfig === undefined ? {} : { config: planConfig }),
    configAnnotations: sortKeys(annotationFile?.config ?? {}),
    layers: layers.map((l) => l.descriptor),
    ...(spec.subject === undefined ? {} : { subject: spec.subject }),
    annotations: sortKeys(manifestAnnotations),
  };
  const manifest = buildManifest(plan);
  const bytes = manifestBytes(manifest);
  const configBlob: BlobToPush = {
    descriptor: configDescriptor(plan),
    source: config === undefined ? { bytes: platform?.bytes ?? EMPTY_JSON } : { path: config.path },
    label:
      config === undefined
        ? platform === undefined
          ? 'config {}'
          : 'config (platform)'
        : 'config',
  };
  return {
    manifest,
    bytes,
    descriptor: { mediaType: OCI_MANIFEST, digest: digestBytes(bytes), size: bytes.length },
    blobs: uniqueBlobs([
      configBlob,
      ...layers.map(layerBlob),
      // With no files, v1.1 lists the empty descriptor as the one layer: its blob must exist.
      ...manifest.layers
        .filter((layer) => layer.digest === EMPTY_DESCRIPTOR.digest)
        .map((descriptor) => ({ descriptor, source: { bytes: EMPTY_JSON }, label: '{}' })),
    ]),
    files: layers.map(({ entry, descriptor }) => ({
      title: entry.title,
      path: entry.path,
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: descriptor.size,
    })),
  };
}

async function readAnnotationFile(spec: ArtifactSpec): Promise<AnnotationFile | undefined> {
  if (spec.annotationFile === undefined) return undefined;
  const path = resolve(spec.workingDirectory, spec.annotationFile);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SpecError(
      'annotation-file',
      spec.annotationFile,
      `a readable JSON file (relative to working-directory "${spec.workingDirectory}"): ${(error as Error).message}`,
    );
  }
  return parseAnnotationFile(text, spec.annotationFile);
}

async function readConfig(
  spec: ArtifactSpec,
): Promise<{ path: string; blob: ConfigBlob } | undefined> {
  if (spec.config === undefined) return undefined;
  const path = resolve(spec.workingDirectory, spec.config.path);
  const isFile = await stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) {
    throw new SpecError(
      'config',
      spec.config.path,
      `path[:media/type] of an existing file (relative to working-directory "${spec.workingDirectory}")`,
    );
  }
  const { digest, size } = await digestFile(path);
  const blob: ConfigBlob = { digest, size };
  if (spec.config.mediaType !== undefined) blob.mediaType = spec.config.mediaType;
  return { path, blob };
}

function layerBlob(layer: PreparedLayer): BlobToPush {
  return {
    descriptor: layer.descriptor,
    source: { path: layer.blobPath },
    label: layer.entry.title,
  };
}

/** Two files with the same bytes are one blob: push it once. */
function uniqueBlobs(blobs: BlobToPush[]): BlobToPush[] {
  const seen = new Set<string>();
  return blobs.filter((blob) => {
    if (seen.has(blob.descriptor.digest)) return false;
    seen.add(blob.descriptor.digest);
    return true;
  });
}

function sortKeys(annotations: Annotations): Annotations {
  return Object.fromEntries(
    Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
