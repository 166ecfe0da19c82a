// The inputs of `pull`, read once into typed options for src/commands/pull.
import { resolve } from 'node:path';
import { globToRegExp, GlobSyntaxError } from '../../commands/pull/glob.js';
import type { PullOptions } from '../../commands/pull/pull.js';
import type { TargetSpec } from '../../commands/target-spec.js';
import { parseDigest, type Digest } from '../../oci/digest.js';
import { isValidMediaType } from '../../oci/media-types.js';
import { InputError } from '../input-error.js';
import { BYTE_SIZE_EXPECTED, parseByteSize } from './byte-size.js';
import { readTargetSpec } from './connection.js';
import { readBoolean, readInteger, readLines, readString } from './read.js';

export interface PullInputs {
  target: TargetSpec;
  /** Tag or digest to pull. */
  selector: string;
  /** Whether to use the runner's tool cache. */
  cache: boolean;
  options: Omit<PullOptions, 'source' | 'selector' | 'log' | 'cache'>;
}

const FILES_EXPECTED =
  'globs on layer titles, one per line: * ? [abc] within a name, ** across folders, ! to exclude';

export function readPullInputs(): PullInputs {
  const target = readTargetSpec();
  const options: PullInputs['options'] = {
    outputDir: readOutputDir(),
    files: readTitleGlobs(),
    mediaTypes: readMediaTypes(),
    overwrite: readBoolean('overwrite', true),
    allowPathTraversal: readBoolean('allow-path-traversal', false),
    unpack: readBoolean('unpack', true),
    concurrency: readInteger('concurrency', 1, 64, 16),
  };
  const expectedDigest = readExpectedDigest();
  if (expectedDigest) options.expectedDigest = expectedDigest;
  const unpackLimit = readUnpackLimit();
  if (unpackLimit !== undefined) options.unpackLimit = unpackLimit;
  return { target, selector: readSelector(target), cache: readBoolean('cache', false), options };
}

/** Pull needs to know what: a tag or a digest, never an implied `latest`. */
function readSelector(target: TargetSpec): string {
  const selector =
    target.kind === 'layout' ? target.selector : (target.reference.digest ?? target.reference.tag);
  if (selector !== undefined) return selector;
  throw new InputError(
    'reference',
    readString('reference'),
    target.kind === 'layout'
      ? 'the tag or digest of the manifest to pull from the layout folder'
      : 'repo:tag or repo@sha256:<hex>: pull needs a tag or a digest',
  );
}

/**
 * `path`, relative to `working-directory`; that one relative to GITHUB_WORKSPACE, else the
 * current folder. Created by the pull when missing.
 */
function readOutputDir(): string {
  const base = resolve(
    process.env['GITHUB_WORKSPACE'] || process.cwd(),
    readString('working-directory'),
  );
  return resolve(base, readString('path'));
}

function readTitleGlobs(): string[] {
  const lines = readLines('files');
  for (const line of lines) {
    try {
      globToRegExp(line.startsWith('!') ? line.slice(1) : line);
    } catch (error) {
      if (error instanceof GlobSyntaxError) {
        throw new InputError('files', line, `${FILES_EXPECTED} (${error.message})`);
      }
      throw error;
    }
  }
  return lines;
}

function readMediaTypes(): string[] {
  const types = readLines('media-types');
  for (const type of types) {
    if (!isValidMediaType(type)) {
      throw new InputError(
        'media-types',
        type,
        'one media type per line, type/subtype, such as application/vnd.oci.image.layer.v1.tar',
      );
    }
  }
  return types;
}

/** `unpack-limit`: the most one pull may write; empty for no limit. */
function readUnpackLimit(): number | undefined {
  const value = readString('unpack-limit');
  if (value === '') return undefined;
  const bytes = parseByteSize(value);
  if (bytes === undefined) {
    throw new InputError('unpack-limit', value, `${BYTE_SIZE_EXPECTED}; empty for no limit`);
  }
  return bytes;
}

function readExpectedDigest(): Digest | undefined {
  const value = readString('expected-digest');
  if (value === '') return undefined;
  try {
    return parseDigest(value);
  } catch {
    throw new InputError('expected-digest', value, 'a digest sha256:<64 lowercase hex digits>');
  }
}
