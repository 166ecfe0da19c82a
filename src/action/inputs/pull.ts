// The inputs of `pull`, read once into typed options for src/commands/pull.
import { resolve } from 'node:path';
import { DEFAULT_CONCURRENCY } from '../../oci/transfer-policy.js';
import { MAX_DOWNLOAD_PARTS, type DownloadParts } from '../../commands/pull/download-parts.js';
import { gitSegment, GIT_FOLDER_REASON } from '../../commands/pull/git-folder.js';
import { compileGlob, GlobSyntaxError } from '../../commands/pull/glob.js';
import type { PullOptions } from '../../commands/pull/pull-types.js';
import { targetSelector, type TargetSpec } from '../../commands/target-spec.js';
import { isDigest, parseDigest, shortDigest, type Digest } from '../../oci/digest.js';
import { isValidMediaType } from '../../oci/media-types.js';
import { InputError } from '../input-error.js';
import { BYTE_SIZE_EXPECTED, parseByteSize } from './byte-size.js';
import { readRemoteOptions, readTargetSpec } from './connection.js';
import { readPlatform } from './platform.js';
import { readBoolean, readInteger, readLines, readString, refuseGiven } from './read.js';

/** One artifact a pull reads, and where it goes. */
export interface PullReference {
  target: TargetSpec;
  /** Tag or digest to pull. */
  selector: string;
  /** `path`, or with several references a folder of its own below it. */
  outputDir: string;
  /** `expected-digest` (one reference only). */
  expectedDigest?: Digest;
}

/** `subject` + `artifact-type`: pull the newest referrer of that type of the subject. */
export interface PullSubject {
  target: TargetSpec;
  /** Tag or digest of the subject. */
  selector: string;
  artifactType: string;
}

export interface PullInputs {
  /** The lines of `reference`: one, or several; none with `subject`. */
  references: PullReference[];
  subject?: PullSubject;
  /** `path`: every output folder is in it. */
  outputDir: string;
  /** Several references write into `path` itself. */
  merge: boolean;
  /** Whether to use the runner's tool cache. */
  cache: boolean;
  options: Omit<
    PullOptions,
    'source' | 'selector' | 'outputDir' | 'expectedDigest' | 'log' | 'cache'
  >;
}

const FILES_EXPECTED =
  'globs on layer titles, one per line: * ? [abc] within a name, ** across folders, ! to exclude';
const INTO_EXPECTED =
  'a reference per line, optionally followed by into=<folder> (a relative folder below "path")';

export function readPullInputs(): PullInputs {
  const outputDir = readOutputDir();
  const merge = readBoolean('merge', false);
  const options: PullInputs['options'] = {
    files: readTitleGlobs(),
    mediaTypes: readMediaTypes(),
    overwrite: readBoolean('overwrite', true),
    allowPathTraversal: readBoolean('allow-path-traversal', false),
    unpack: readBoolean('unpack', true),
    concurrency: readInteger('concurrency', 1, 64, DEFAULT_CONCURRENCY),
    downloadParts: readDownloadParts(),
  };
  const platform = readPlatform();
  if (platform) options.platform = platform;
  const unpackLimit = readUnpackLimit();
  if (unpackLimit !== undefined) options.unpackLimit = unpackLimit;
  const cache = readBoolean('cache', false);
  const subject = readSubject();
  if (subject !== undefined) return { references: [], subject, outputDir, merge, cache, options };
  const references = readReferences(outputDir, merge);
  const expectedDigest = readExpectedDigest();
  if (expectedDigest) {
    const [only, ...others] = references;
    if (only === undefined || others.length > 0) {
      throw new InputError(
        'expected-digest',
        expectedDigest,
        'nothing with several references: pin each by digest on its line (repo@sha256:…)',
      );
    }
    only.expectedDigest = expectedDigest;
  }
  return { references, outputDir, merge, cache, options };
}

/**
 * `subject` (parsed as `reference` is, with `registry` or `layout`) and the type of the referrer
 * to pull; `reference` stays empty then, since the referrer is found, not named.
 */
function readSubject(): PullSubject | undefined {
  const given = readString('subject');
  if (given === '') return undefined;
  refuseGiven(
    'reference',
    'nothing when "subject" is given: the referrer of "subject" with the "artifact-type" is pulled',
  );
  const artifactType = readString('artifact-type');
  if (!isValidMediaType(artifactType)) {
    throw new InputError(
      'artifact-type',
      artifactType,
      'the type of the referrer to pull, such as application/spdx+json (pull with "subject" needs one)',
    );
  }
  let target: TargetSpec;
  try {
    target = readTargetSpec(given);
  } catch (error) {
    // Parsed as `reference` is, but the input to name is this one.
    if (error instanceof InputError && error.input === 'reference') {
      throw new InputError('subject', error.given, error.expected);
    }
    throw error;
  }
  const selector = targetSelector(target);
  if (selector === undefined) {
    throw new InputError(
      'subject',
      given,
      'repo:tag or repo@sha256:<hex>: the manifest whose referrer to pull',
    );
  }
  return { target, selector, artifactType };
}

/**
 * The lines of `reference`: `ref [into=<folder>]`. One line goes to `path` itself (or to its
 * `into` folder); several go to a folder each, named by `into`, else the tag, else the short
 * digest, unless `merge` puts them all into `path`. Two that would share a folder are refused.
 */
function readReferences(outputDir: string, merge: boolean): PullReference[] {
  const lines = readLines('reference');
  const single = lines[0];
  if (
    lines.length === 0 ||
    (single !== undefined && lines.length === 1 && !/\sinto=/.test(single))
  ) {
    const target = readTargetSpec(single);
    return [{ target, selector: readSelector(target, single), outputDir }];
  }
  // One connection for all of them: one login, one pool of connections per registry.
  const options = readString('layout') === '' ? readRemoteOptions() : undefined;
  const references = lines.map((line) => {
    const [ref = '', ...rest] = line.split(/\s+/);
    const target = readTargetSpec(ref, options);
    let into: string | undefined;
    for (const option of rest) {
      if (!option.startsWith('into=') || into !== undefined) {
        throw new InputError('reference', line, INTO_EXPECTED);
      }
      into = intoFolder(line, option.slice('into='.length));
    }
    if (into !== undefined && merge) {
      throw new InputError(
        'reference',
        line,
        'a reference without into=: with merge: true every reference goes into "path" itself',
      );
    }
    const selector = readSelector(target, ref);
    const folder = merge ? undefined : (into ?? defaultFolder(target, selector));
    return { line, target, selector, ...(folder === undefined ? {} : { folder }) };
  });
  refuseSharedFolders(references);
  refuseCredentialsAcrossRegistries(references.map((r) => r.target));
  return references.map(({ target, selector, folder }) => ({
    target,
    selector,
    outputDir: folder === undefined ? outputDir : resolve(outputDir, folder),
  }));
}

/** `into=`: a relative folder below `path`, written with `/`. */
function intoFolder(line: string, value: string): string {
  const parts = value.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
  if (
    parts.length === 0 ||
    parts.includes('..') ||
    /^[\\/]/.test(value) ||
    /^[A-Za-z]:/.test(value)
  ) {
    throw new InputError(
      'reference',
      line,
      'into=<folder>, a relative folder below "path" without "..", such as into=linux',
    );
  }
  // As for a layer's title: whatever a reference pulls into .git would run in a later git step.
  const git = gitSegment(value);
  if (git !== undefined) {
    throw new InputError(
      'reference',
      line,
      `an into=<folder> without a .git segment: ${GIT_FOLDER_REASON}`,
    );
  }
  return parts.join('/');
}

/** The tag, else `sha256-<12 hex>` of the digest. */
function defaultFolder(target: TargetSpec, selector: string): string {
  const tag =
    target.kind === 'remote' ? target.reference.tag : isDigest(selector) ? undefined : selector;
  if (tag !== undefined) return tag;
  return shortDigest(selector as Digest).replace(':', '-');
}

/**
 * Folders compared case-blind (macOS and Windows runners are), and one inside another counts:
 * either way one reference would write into the other's folder.
 */
function refuseSharedFolders(references: { line: string; folder?: string }[]): void {
  const key = (folder: string) => `${folder.toLowerCase()}/`;
  references.forEach((reference, i) => {
    if (reference.folder === undefined) return;
    for (const earlier of references.slice(0, i)) {
      if (earlier.folder === undefined) continue;
      const [a, b] = [key(earlier.folder), key(reference.folder)];
      if (a.startsWith(b) || b.startsWith(a)) {
        const shared = a.length <= b.length ? earlier.folder : reference.folder;
        throw new InputError(
          'reference',
          reference.line,
          `a folder of its own below "path", but it and ${JSON.stringify(earlier.line)} would both write into ${JSON.stringify(shared)}: name them with into=<folder>, or set merge: true`,
        );
      }
    }
  });
}

/** `username`/`password` go to one registry only; several would each receive them. */
function refuseCredentialsAcrossRegistries(targets: TargetSpec[]): void {
  const registries = new Set(
    targets.flatMap((t) =>
      t.kind === 'remote' && t.options.credentials ? [t.reference.registry] : [],
    ),
  );
  if (registries.size > 1) {
    throw new InputError(
      'username',
      readString('username'),
      `nothing when the references are on several registries (${[...registries].join(', ')}): the login would be sent to each. Pull them in separate steps, or log in with docker/login-action`,
    );
  }
}

/** Pull needs to know what: a tag or a digest, never an implied `latest`. */
function readSelector(target: TargetSpec, given = readString('reference')): string {
  const selector = targetSelector(target);
  if (selector !== undefined) return selector;
  throw new InputError(
    'reference',
    given,
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
      compileGlob(line.startsWith('!') ? line.slice(1) : line);
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

/** `download-parts`: `auto` (or empty), or a whole number of parts. */
function readDownloadParts(): DownloadParts {
  const value = readString('download-parts').trim();
  if (value === '' || value.toLowerCase() === 'auto') return 'auto';
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_DOWNLOAD_PARTS) {
    throw new InputError(
      'download-parts',
      value,
      `auto, or a whole number from 1 to ${MAX_DOWNLOAD_PARTS} (1: every blob in one stream)`,
    );
  }
  return Number(value);
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
