// The inputs of `push` and `attach`, read once into typed options for src/commands.
import { stat } from 'node:fs/promises';
import { DEFAULT_CONCURRENCY } from '../../oci/transfer-policy.js';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { parseFileSpecs, splitMediaType } from '../../commands/pack/file-spec.js';
import { IF_NO_FILES_FOUND } from '../../commands/pack/expand-files.js';
import { IMAGE_SPECS } from '../../commands/pack/manifest.js';
import type { PushOptions } from '../../commands/push/push.js';
import { targetName, targetSelector, type TargetSpec } from '../../commands/target-spec.js';
import { isValidMediaType } from '../../oci/media-types.js';
import { isValidTag } from '../../oci/reference.js';
import { isDigest } from '../../oci/digest.js';
import { InputError, RequiredInputError } from '../input-error.js';
import { checkAnnotationKeys } from './annotation-keys.js';
import { readTargetSpec, withChunkSize } from './connection.js';
import { manifestAnnotations, tagNames } from './metadata-action.js';
import { readArtifactPlatform } from './platform.js';
import {
  readBoolean,
  readChoice,
  readInteger,
  readKeyValues,
  readLines,
  readString,
} from './read.js';

const MEDIA_TYPE_EXPECTED =
  'a media type type/subtype, such as application/vnd.example.report.v1+json';
const TAG_EXPECTED = "a tag: 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'";

/** What the push command needs, minus the target, plus how outputs name the target. */
export interface PushInputs {
  target: TargetSpec;
  options: Omit<PushOptions, 'tag'>;
  /** The reference as read, for attach's subject: tag or digest inside the target. */
  selector?: string;
}

export async function readPushInputs(command: 'push' | 'attach'): Promise<PushInputs> {
  const target = withChunkSize(readTargetSpec());
  const selector = targetSelector(target);
  const config = readString('config');
  const annotationFile = readString('annotation-file');
  const artifactType = readString('artifact-type');
  if (artifactType !== '' && !isValidMediaType(artifactType)) {
    throw new InputError('artifact-type', artifactType, MEDIA_TYPE_EXPECTED);
  }
  const files = parseFileSpecs(readLines('files'));
  const annotations = readAnnotations();
  // An artifact with nothing of its own is a mistake (`path:` written for `files:`), unless it
  // carries metadata: that is how ORAS lets an artifact without files through.
  const carriesMetadata =
    config !== '' || annotationFile !== '' || Object.keys(annotations).length > 0;
  if (!files.some((spec) => spec.kind === 'include') && !carriesMetadata) {
    throw new RequiredInputError(
      'files',
      command,
      `the files, folders or globs to ${command}, one per line (an artifact without files needs annotations, annotation-file or config)`,
    );
  }
  const options: Omit<PushOptions, 'tag'> = {
    name: targetName(target),
    files,
    workingDirectory: await readWorkingDirectory(),
    ifNoFilesFound: readChoice('if-no-files-found', IF_NO_FILES_FOUND, 'error'),
    includeHiddenFiles: readBoolean('include-hidden-files', false),
    imageSpec: readChoice('image-spec', IMAGE_SPECS, 'v1.1'),
    // Left empty, v1.1 falls back to v1.0 where a registry refuses it as Amazon ECR does.
    imageSpecChosen: readString('image-spec') !== '',
    annotations,
    reproducible: readBoolean('reproducible', true),
    mtime: readSourceDateEpoch(),
    compressionLevel: readInteger('compression-level', 0, 9, 6),
    concurrency: readInteger('concurrency', 1, 64, DEFAULT_CONCURRENCY),
    tags: tagNames(readLines('tags'), target),
    tempRoot: process.env['RUNNER_TEMP'] || tmpdir(),
    // Masked already (main.ts); searched for in every byte pushed.
    secrets: (['password', 'github-token'] as const).map((input) => ({
      input,
      value: readString(input),
    })),
  };
  if (artifactType !== '') options.artifactType = artifactType;
  if (config !== '') options.config = readConfigSpec(config);
  if (annotationFile !== '') options.annotationFile = annotationFile;
  const platform = readArtifactPlatform();
  if (platform !== undefined) options.platform = platform;
  return selector === undefined ? { target, options } : { target, options, selector };
}

/** The tag a push writes: the reference's tag, `latest` when none is given. */
export function readPushTag(inputs: PushInputs): string {
  const { selector } = inputs;
  if (selector === undefined) return 'latest';
  if (isDigest(selector)) {
    throw new InputError(
      'reference',
      readString('reference'),
      inputs.target.kind === 'layout'
        ? 'a tag inside the layout (push computes the digest), or nothing for "latest"'
        : 'repo[:tag] without a digest: push computes the digest',
    );
  }
  if (!isValidTag(selector)) throw new InputError('reference', selector, TAG_EXPECTED);
  return selector;
}

async function readWorkingDirectory(): Promise<string> {
  const given = readString('working-directory');
  const path = resolve(given || process.env['GITHUB_WORKSPACE'] || process.cwd());
  const isFolder = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    throw new InputError(
      'working-directory',
      given || path,
      'an existing folder (default: GITHUB_WORKSPACE, else the current folder)',
    );
  }
  return path;
}

function readConfigSpec(value: string): { path: string; mediaType?: string } {
  const { path, mediaType } = splitMediaType(value);
  return mediaType === undefined ? { path } : { path, mediaType };
}

/** `key=value` lines; `manifest:key=value` (docker/metadata-action's format) too. */
function readAnnotations(): Record<string, string> {
  return checkAnnotationKeys(manifestAnnotations(readKeyValues('annotations')));
}

/** https://reproducible-builds.org/specs/source-date-epoch/ — malformed is an error. */
function readSourceDateEpoch(): number {
  const value = process.env['SOURCE_DATE_EPOCH'];
  if (value === undefined || value === '') return 0;
  if (!/^\d+$/.test(value)) {
    throw new Error(
      `SOURCE_DATE_EPOCH is ${JSON.stringify(value)}; expected a whole number of seconds since 1970-01-01 UTC, or unset`,
    );
  }
  return Number(value);
}
