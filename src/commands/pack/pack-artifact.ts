// Everything a push needs before the first byte goes out: the layers (hashed or packed), the
// config, the annotations and the manifest. Any bad input fails here, so a failed push leaves
// nothing behind in the target.
import { resolve } from 'node:path';
import type { Annotations, Descriptor, ImageManifest } from '../../oci/descriptor.js';
import { digestBytes } from '../../oci/digest.js';
import { CREATED } from '../../oci/annotations.js';
import { MAX_MANIFEST_BYTES, OCI_MANIFEST, UNKNOWN_ARTIFACT } from '../../oci/media-types.js';
import type { Platform } from '../../oci/descriptor.js';
import { formatBytes } from '../format.js';
import type { Log } from '../log.js';
import {
  checkLayerTitles,
  mergeAnnotations,
  parseAnnotationFile,
  type AnnotationFile,
} from './annotations.js';
import { digestChecked, readCheckedWhole, type CheckedFile } from './checked-file.js';
import { expandFileSpecs, type IfNoFilesFound } from './expand-files.js';
import type { FileSpec } from './file-spec.js';
import { refuseCredentials } from './credential-files.js';
import { HiddenTally } from './hidden-files.js';
import { KnownSecrets, secretRefusal, type KnownSecret } from './known-secrets.js';
import {
  buildManifest,
  configDescriptor,
  EMPTY_DESCRIPTOR,
  EMPTY_JSON,
  manifestBytes,
  type ConfigBlob,
  type ImageSpec,
  type ManifestPlan,
} from './manifest.js';
import { platformConfig } from './platform-config.js';
import { prepareLayers, type PreparedLayer } from './prepare-layers.js';
import { SpecError } from './spec-error.js';
import { Workspace, type Blame, type ResolvedFile } from './workspace.js';

/** An annotation file is read whole: beyond this it could not fit in a manifest anyway. */
const MAX_ANNOTATION_FILE = 4 * 1024 * 1024;

export interface ArtifactSpec {
  files: readonly FileSpec[];
  /** Absolute; titles, `config` and `annotation-file` paths are relative to it. */
  workingDirectory: string;
  ifNoFilesFound: IfNoFilesFound;
  /** false (as actions/upload-artifact): names starting with '.' below what a line names stay out. */
  includeHiddenFiles: boolean;
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
  /** The credentials the push was given: no pushed byte may hold their values. */
  secrets?: readonly KnownSecret[];
  /** Stops hashing and packing (the push's cancellation). */
  signal?: AbortSignal;
}

/** One blob to push, with where its bytes come from. */
export interface BlobToPush {
  descriptor: Descriptor;
  /** A checked file (opened anew for each attempt), or the bytes themselves for `{}`. */
  source: { file: CheckedFile } | { bytes: Buffer };
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
  kind: 'packed';
  /** What the manifest was built from: another form of it can be built from the same. */
  plan: ManifestPlan;
  manifest: ImageManifest;
  bytes: Buffer;
  descriptor: Descriptor;
  /** Config first, then the layers; each digest once. */
  blobs: BlobToPush[];
  files: PushedFile[];
}

/**
 * `files` lines were given and none matched, and if-no-files-found let that pass: nothing is
 * pushed or tagged, as actions/upload-artifact uploads nothing.
 */
export interface NothingFound {
  kind: 'nothing-found';
  ifNoFilesFound: Exclude<IfNoFilesFound, 'error'>;
}

export async function packArtifact(
  spec: ArtifactSpec,
  log: Log,
): Promise<PackedArtifact | NothingFound> {
  const workspace = await Workspace.open(spec.workingDirectory);
  log.debug(
    `working-directory ${workspace.path}${workspace.realPath === workspace.path ? '' : ` (real path ${workspace.realPath})`}: everything pushed must lie within it`,
  );
  const hidden = new HiddenTally();
  const secrets = new KnownSecrets(spec.secrets ?? []);
  const { entries, excludes } = await expandFileSpecs(spec.files, {
    workspace,
    ifNoFilesFound: spec.ifNoFilesFound,
    includeHiddenFiles: spec.includeHiddenFiles,
    hidden,
    log,
  });
  if (entries.length === 0 && spec.files.some((line) => line.kind === 'include')) {
    // Not 'error': that failed on the first line that matched nothing.
    if (spec.ifNoFilesFound !== 'error') {
      noticeHidden(hidden, log);
      return { kind: 'nothing-found', ifNoFilesFound: spec.ifNoFilesFound };
    }
  }
  const annotationFile = await readAnnotationFile(spec, workspace);
  if (annotationFile !== undefined && spec.annotationFile !== undefined) {
    checkLayerTitles(
      annotationFile,
      spec.annotationFile,
      entries.map((e) => e.title),
    );
  }
  const config = await readConfig(spec, workspace, secrets);
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
    includeHiddenFiles: spec.includeHiddenFiles,
    hidden,
    secrets,
    log,
    ...(spec.signal === undefined ? {} : { signal: spec.signal }),
  });
  noticeHidden(hidden, log);
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
  const plan: ManifestPlan = {
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
  // What to name when the manifest's own text is at fault: the annotation file, else the input.
  const metadata: Blame =
    spec.annotationFile === undefined
      ? { input: 'annotations', given: Object.keys(spec.annotations).join(', ') }
      : { input: 'annotation-file', given: spec.annotationFile };
  checkManifestSize(bytes, layers, metadata);
  // Titles and annotations (the annotation file's among them) travel in the manifest.
  const inManifest = secrets.search(bytes.length)(bytes);
  if (inManifest !== undefined) {
    throw secretRefusal('the manifest (its titles or annotations)', inManifest, metadata);
  }
  const configBlob: BlobToPush = {
    descriptor: configDescriptor(plan),
    source: config === undefined ? { bytes: platform?.bytes ?? EMPTY_JSON } : { file: config.file },
    label:
      config === undefined
        ? platform === undefined
          ? 'config {}'
          : 'config (platform)'
        : 'config',
  };
  return {
    kind: 'packed',
    plan,
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

/**
 * A glob over thousands of files makes a layer each; past 4 MiB no registry stores the manifest
 * and no pull (ours included) reads it, so the push fails here, before a blob is sent. Blamed
 * on the line that brought the most layers.
 */
function checkManifestSize(bytes: Buffer, layers: readonly PreparedLayer[], metadata: Blame): void {
  if (bytes.length <= MAX_MANIFEST_BYTES) return;
  const expected = 'a manifest of at most 4 MiB (what registries and pulls accept)';
  const size = formatBytes(bytes.length);
  if (layers.length === 0) {
    throw new SpecError(
      metadata.input,
      metadata.given,
      `${expected}, but its annotations make one of ${size}`,
    );
  }
  const perLine = new Map<string, number>();
  for (const { entry } of layers) perLine.set(entry.line, (perLine.get(entry.line) ?? 0) + 1);
  const [line] = [...perLine].reduce((most, next) => (next[1] > most[1] ? next : most));
  throw new SpecError(
    'files',
    line,
    `${expected}, but these ${layers.length} layers make one of ${size}: push their folder as one layer (a line naming the folder) instead of a glob over its files${metadata.input === 'annotation-file' ? ', or fewer annotations in annotation-file' : ''}`,
  );
}

function noticeHidden(hidden: HiddenTally, log: Log): void {
  const notice = hidden.notice();
  if (notice !== undefined) log.notice(notice);
}

/** A file named by `config` or `annotation-file`: a regular file within working-directory. */
async function resolveFile(
  workspace: Workspace,
  input: string,
  given: string,
  expected: string,
): Promise<ResolvedFile> {
  const found = await workspace.resolve(resolve(workspace.path, given), { input, given });
  if (found === undefined) throw new SpecError(input, given, `${expected}: it does not exist`);
  if (found.kind !== 'file') throw new SpecError(input, given, `${expected}: it is a folder`);
  return found;
}

async function readAnnotationFile(
  spec: ArtifactSpec,
  workspace: Workspace,
): Promise<AnnotationFile | undefined> {
  if (spec.annotationFile === undefined) return undefined;
  const expected = `a readable JSON file (relative to working-directory "${spec.workingDirectory}")`;
  const { file } = await resolveFile(workspace, 'annotation-file', spec.annotationFile, expected);
  if (file.identity.size > MAX_ANNOTATION_FILE) {
    throw new SpecError(
      'annotation-file',
      spec.annotationFile,
      `${expected} of at most 4 MiB, but it has ${file.identity.size} bytes`,
    );
  }
  let text: string;
  try {
    text = (await readCheckedWhole(file)).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || code === 'FILE_CHANGED') throw error;
    throw new SpecError(
      'annotation-file',
      spec.annotationFile,
      `${expected}: ${(error as Error).message}`,
    );
  }
  return parseAnnotationFile(text, spec.annotationFile);
}

async function readConfig(
  spec: ArtifactSpec,
  workspace: Workspace,
  secrets: KnownSecrets,
): Promise<{ file: CheckedFile; blob: ConfigBlob } | undefined> {
  if (spec.config === undefined) return undefined;
  const { file } = await resolveFile(
    workspace,
    'config',
    spec.config.path,
    `path[:media/type] of an existing file (relative to working-directory "${spec.workingDirectory}")`,
  );
  const blame = { input: 'config', given: spec.config.path };
  await refuseCredentials(file, spec.config.path, blame);
  const { digest, size } = await digestChecked(
    file,
    secrets.refuser(JSON.stringify(spec.config.path), blame, file.identity.size),
  );
  const blob: ConfigBlob = { digest, size };
  if (spec.config.mediaType !== undefined) blob.mediaType = spec.config.mediaType;
  return { file, blob };
}

function layerBlob(layer: PreparedLayer): BlobToPush {
  return {
    descriptor: layer.descriptor,
    source: { file: layer.blob },
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
